import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension FileSystem {
  /// Replaces the file at `path` with `bytes` atomically: a temporary file in the same
  /// folder, flushed to disk, given the original's mode, then renamed over the original.
  ///
  /// - Parameter expected: The stamp taken when the file was read; when the file changed
  ///   since (checked again right before the rename), nothing is written.
  /// - Throws: ``FileSystemError``; the original is then untouched and no temporary file remains.
  public static func replace(_ path: String, with bytes: [UInt8], expected: FileStamp?) throws(FileSystemError) {
    try stageReplacement(Array(path.utf8), with: bytes, expected: expected).commit()
  }

  /// Replaces the file at `path` (bytes) with `bytes` atomically; see ``replace(_:with:expected:)``.
  public static func replace(_ path: [UInt8], with bytes: [UInt8], expected: FileStamp?) throws(FileSystemError) {
    try stageReplacement(path, with: bytes, expected: expected).commit()
  }

  /// Writes and flushes the temporary file of a replacement, to be renamed over `path` by
  /// ``StagedWrite/commit()``, which compares the stamp once more first.
  static func stageReplacement(_ path: [UInt8], with bytes: [UInt8], expected: FileStamp?) throws(FileSystemError)
    -> StagedWrite
  {
    // A rename would replace a read-only file whose folder is writable: refuse it instead.
    if withPath(path, { access($0, W_OK) }) != 0, errno != ENOENT { throw .errno("the file is not writable", path) }
    var mode: mode_t = 0o644
    var owner: (uid_t, gid_t)?
    if let expected {
      try checkUnchanged(path, expected: expected)
      mode = expected.permissions
      owner = (uid_t(expected.owner), gid_t(expected.group))
    }
    return try StagedWrite(path, bytes, mode: mode, owner: owner, expected: expected)
  }

  /// Writes a file below `root` atomically, creating missing folders, with permission bits
  /// `mode` whatever the umask.
  ///
  /// Nothing is written outside `root`: a path with a `..` component, or whose folders
  /// below `root` include a symbolic link, is refused.
  public static func create(_ path: String, with bytes: [UInt8], under root: String, mode: mode_t = 0o644)
    throws(FileSystemError)
  {
    let root = Array(root.utf8)
    let path = Array(path.utf8)
    let prefix = root + [.slash]
    let relative = path.starts(with: prefix) ? Array(path[prefix.count...]) : path
    try create(relative: relative, with: bytes, under: root, mode: mode)
  }

  /// Writes `root/relative` atomically; see ``create(_:with:under:mode:)``.
  public static func create(relative: [UInt8], with bytes: [UInt8], under root: [UInt8], mode: mode_t)
    throws(FileSystemError)
  {
    let path = root + [.slash] + relative
    let components = relative.split(separator: .slash).map(Array.init)
    guard !components.isEmpty, !components.contains([.dot, .dot]), relative.first != .slash else {
      throw FileSystemError(path: path, reason: "refusing to write outside \(display(root))")
    }
    try makeDirectories(root)
    var folder = root
    for component in components.dropLast() {
      folder += [.slash] + component
      switch kind(of: folder) {
      case .directory: continue
      case .missing:
        if withPath(folder, { mkdir($0, 0o755) }) != 0 && errno != EEXIST {
          throw .errno("cannot create directory", folder)
        }
      default:
        throw FileSystemError(path: path, reason: "\(display(folder)) is not a folder (links are not followed)")
      }
    }
    if kind(of: path) == .symbolicLink {
      throw FileSystemError(path: path, reason: "the destination is a symbolic link; not followed")
    }
    try StagedWrite(path, bytes, mode: mode, owner: nil, expected: nil).commit()
  }
}
