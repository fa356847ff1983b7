import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A failed file-system call, with the path and the system's reason.
public struct FileSystemError: Error, Sendable, CustomStringConvertible {
  /// The path the call was about.
  public var path: String
  /// What was being done and why it failed.
  public var reason: String

  /// The message, for people.
  public var description: String { reason }

  static func errno(_ what: String, _ path: String) -> FileSystemError {
    FileSystemError(path: path, reason: "\(what): \(String(cString: strerror(Glibc.errno)))")
  }
}

/// What a file looked like when it was read, to detect a change before it is replaced.
public struct FileStamp: Sendable, Hashable {
  var device: UInt64
  var inode: UInt64
  var size: Int64
  var modified: Int64
  var modifiedNanoseconds: Int64
  var mode: UInt32
  var owner: UInt32
  var group: UInt32
}

/// The few file-system operations policy-rewrite needs, on plain system calls.
public enum FileSystem {
  /// The kind of a directory entry, without following links.
  public enum Kind: Sendable {
    case file, directory, symbolicLink, other, missing
  }

  /// The kind of `path`, not following a final symbolic link.
  public static func kind(of path: String) -> Kind {
    var info = stat()
    guard lstat(path, &info) == 0 else { return .missing }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .file
    case S_IFDIR: return .directory
    case S_IFLNK: return .symbolicLink
    default: return .other
    }
  }

  /// The names in a directory, sorted bytewise, without `.` and `..`.
  public static func entries(of directory: String) throws(FileSystemError) -> [(name: String, kind: Kind)] {
    guard let handle = opendir(directory) else { throw .errno("cannot read directory", directory) }
    defer { closedir(handle) }
    var result: [(String, Kind)] = []
    while let entry = readdir(handle) {
      // A record is only as long as its name: read `d_name` in place rather than copying
      // the declared 256-byte field, which would read past the end of the last record.
      let namePointer = (UnsafeRawPointer(entry) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!)
        .assumingMemoryBound(to: CChar.self)
      let name = String(cString: namePointer)
      if name == "." || name == ".." { continue }
      let kind: Kind
      switch Int32(entry.pointee.d_type) {
      case Int32(DT_REG): kind = .file
      case Int32(DT_DIR): kind = .directory
      case Int32(DT_LNK): kind = .symbolicLink
      case Int32(DT_UNKNOWN): kind = Self.kind(of: directory + "/" + name)
      default: kind = .other
      }
      result.append((name, kind))
    }
    return result.map { (Array($0.0.utf8), $0) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }.map(\.1)
  }

  /// Reads a whole file with as few system calls as its size allows.
  public static func read(_ path: String) throws(FileSystemError) -> (bytes: [UInt8], stamp: FileStamp) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .errno("cannot open", path) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .errno("cannot stat", path) }
    guard info.st_mode & S_IFMT == S_IFREG else { throw FileSystemError(path: path, reason: "not a regular file") }
    let bytes = try readAll(fd, sizeHint: Int(info.st_size), path: path)
    return (bytes, stamp(info))
  }

  /// Reads standard input to its end.
  public static func readStandardInput() throws(FileSystemError) -> [UInt8] {
    try readAll(0, sizeHint: 0, path: "<stdin>")
  }

  private static func readAll(_ fd: Int32, sizeHint: Int, path: String) throws(FileSystemError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: max(sizeHint, 0) + 1)
    var count = 0
    while true {
      if count == bytes.count { bytes += [UInt8](repeating: 0, count: max(bytes.count, 65536)) }
      let got = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
      if got < 0 {
        if errno == EINTR { continue }
        throw .errno("cannot read", path)
      }
      if got == 0 { break }
      count += got
    }
    bytes.removeSubrange(count...)
    return bytes
  }

  private static func stamp(_ info: stat) -> FileStamp {
    FileStamp(
      device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
      modified: Int64(info.st_mtim.tv_sec), modifiedNanoseconds: Int64(info.st_mtim.tv_nsec),
      mode: UInt32(info.st_mode),
      owner: UInt32(info.st_uid), group: UInt32(info.st_gid))
  }

  /// Replaces the file at `path` with `bytes` atomically: a temporary file in the same
  /// folder, flushed to disk, given the original's mode, then renamed over the original.
  ///
  /// - Parameter expected: The stamp taken when the file was read; when the file changed
  ///   since, nothing is written.
  /// - Throws: ``FileSystemError``; the original is then untouched and no temporary file remains.
  public static func replace(_ path: String, with bytes: [UInt8], expected: FileStamp?) throws(FileSystemError) {
    // A rename would replace a read-only file whose folder is writable: refuse it instead.
    if access(path, W_OK) != 0, errno != ENOENT { throw .errno("the file is not writable", path) }
    var mode: mode_t = 0o644
    var owner: (uid_t, gid_t)?
    if let expected {
      var info = stat()
      guard lstat(path, &info) == 0 else { throw .errno("cannot stat", path) }
      guard stamp(info) == expected else {
        throw FileSystemError(path: path, reason: "the file changed on disk since it was read; not overwritten")
      }
      mode = mode_t(expected.mode) & 0o7777
      owner = (uid_t(expected.owner), gid_t(expected.group))
    }
    try writeAtomically(path, bytes, mode: mode, owner: owner)
  }

  /// Writes a file below `root` atomically, creating missing folders.
  ///
  /// Nothing is written outside `root`: a path with a `..` component, or whose folders
  /// below `root` include a symbolic link, is refused.
  public static func create(_ path: String, with bytes: [UInt8], under root: String) throws(FileSystemError) {
    let relative = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    let components = relative.split(separator: "/").map(String.init)
    guard !components.isEmpty, !components.contains(".."), !relative.hasPrefix("/") else {
      throw FileSystemError(path: path, reason: "refusing to write outside \(root)")
    }
    try makeDirectories(root)
    var folder = root
    for component in components.dropLast() {
      folder += "/" + component
      switch kind(of: folder) {
      case .directory: continue
      case .missing:
        if mkdir(folder, 0o755) != 0 && errno != EEXIST { throw .errno("cannot create directory", folder) }
      default:
        throw FileSystemError(path: path, reason: "\(folder) is not a folder (links are not followed)")
      }
    }
    if kind(of: path) == .symbolicLink {
      throw FileSystemError(path: path, reason: "the destination is a symbolic link; not followed")
    }
    try writeAtomically(path, bytes, mode: 0o644)
  }

  /// Writes through a temporary file in the same folder, renamed over `path` once complete.
  /// - Parameter owner: The owner to keep, when the file replaces one (only root can change
  ///   it; for anyone else it already is theirs).
  private static func writeAtomically(
    _ path: String, _ bytes: [UInt8], mode: mode_t, owner: (uid_t, gid_t)? = nil
  ) throws(FileSystemError) {
    let directory = parent(of: path)
    let base = path.split(separator: "/").last.map(String.init) ?? path
    guard let (fd, temporary) = TemporaryFiles.shared.create("\(directory)/.\(base).policy-rewrite-XXXXXX") else {
      throw .errno("cannot create a temporary file in \(directory)", path)
    }
    var failure: FileSystemError?
    var written = 0
    while written < bytes.count, failure == nil {
      let result = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
      if result < 0 {
        if errno != EINTR { failure = .errno("cannot write", path) }
      } else {
        written += result
      }
    }
    if failure == nil, let (uid, gid) = owner, geteuid() == 0, fchown(fd, uid, gid) != 0 {
      failure = .errno("cannot keep the owner", path)
    }
    if failure == nil, fchmod(fd, mode) != 0 { failure = .errno("cannot set the mode", path) }
    if failure == nil, fsync(fd) != 0 { failure = .errno("cannot flush to disk", path) }
    close(fd)
    if failure == nil, !TemporaryFiles.shared.commit(temporary, to: path) { failure = .errno("cannot replace", path) }
    if failure != nil { TemporaryFiles.shared.discard(temporary) }
    if let failure { throw failure }
  }

  /// Creates `path` and its missing parents.
  public static func makeDirectories(_ path: String) throws(FileSystemError) {
    if path.isEmpty || kind(of: path) == .directory { return }
    try makeDirectories(parent(of: path))
    if mkdir(path, 0o755) != 0 && errno != EEXIST { throw .errno("cannot create directory", path) }
  }

  /// The working directory, or `nil` when it cannot be read.
  public static func currentDirectory() -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buffer, buffer.count) != nil else { return nil }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// The folder part of `path` (`.` for a bare name).
  public static func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// `path` made absolute against the working directory, with `.` and `..` resolved lexically
  /// (links are not resolved).
  public static func absolutePath(_ path: String) -> String {
    let joined = path.hasPrefix("/") ? path : (currentDirectory() ?? "") + "/" + path
    var parts: [Substring] = []
    for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      if part == ".." {
        _ = parts.popLast()
      } else {
        parts.append(part)
      }
    }
    return "/" + parts.joined(separator: "/")
  }
}
