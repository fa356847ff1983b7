import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A failed file-system call, with the path and the system's reason.
public struct FileSystemError: Error, Sendable, CustomStringConvertible {
  /// The path the call was about, as shown (see ``FileSystem/display(_:)``).
  public var path: String
  /// What was being done and why it failed.
  public var reason: String

  /// The message, for people.
  public var description: String { reason }

  static func errno(_ what: String, _ path: [UInt8]) -> FileSystemError {
    FileSystemError(path: FileSystem.display(path), reason: "\(what): \(String(cString: strerror(Glibc.errno)))")
  }

  init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  init(path: [UInt8], reason: String) {
    self.init(path: FileSystem.display(path), reason: reason)
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
  /// The number of names (hard links) of the file.
  var links: UInt64

  /// The permission bits, set-id bits included.
  var permissions: mode_t { mode_t(mode) & 0o7777 }
}

/// The few file-system operations policy-rewrite needs, on plain system calls.
///
/// Paths are bytes, as the kernel has them: a name that is not UTF-8, or two names that are
/// the same text in two Unicode normalisations, are distinct paths and are each read and
/// written by their own bytes. The `String` forms are for paths typed by people and tests.
public enum FileSystem {
  /// The kind of a directory entry, without following links.
  public enum Kind: Sendable {
    case file, directory, symbolicLink, other, missing
  }

  /// The longest file name most file systems take (`NAME_MAX`).
  static let nameLimit = 255

  /// Calls `body` with `path` as a NUL-terminated C string.
  static func withPath<R, E: Error>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) throws(E) -> R) throws(E) -> R {
    var terminated = path
    terminated.append(0)
    return try terminated.withUnsafeBufferPointer { buffer throws(E) -> R in
      try buffer.withMemoryRebound(to: CChar.self) { (characters) throws(E) -> R in
        try body(characters.baseAddress!)
      }
    }
  }

  /// A path as shown to people: its UTF-8 text, with each byte that is not part of valid
  /// UTF-8 written as `\xNN`.
  public static func display(_ path: [UInt8]) -> String {
    if let text = String(validating: path, as: UTF8.self) { return text }
    var result = ""
    var i = 0
    while i < path.count {
      let length = validSequenceLength(path, at: i)
      if length > 0 {
        result += String(decoding: path[i..<(i + length)], as: UTF8.self)
        i += length
      } else {
        result += "\\x" + String(path[i], radix: 16, uppercase: true).zeroPadded(to: 2)
        i += 1
      }
    }
    return result
  }

  /// The length of the valid UTF-8 sequence at `index`, or 0.
  private static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
    let first = bytes[index]
    let length =
      switch first {
      case 0x00...0x7F: 1
      case 0xC2...0xDF: 2
      case 0xE0...0xEF: 3
      case 0xF0...0xF4: 4
      default: 0
      }
    guard length > 0, index + length <= bytes.count else { return 0 }
    return String(validating: bytes[index..<(index + length)], as: UTF8.self) == nil ? 0 : length
  }

  /// The kind of `path`, not following a final symbolic link.
  public static func kind(of path: String) -> Kind { kind(of: Array(path.utf8)) }

  /// The kind of `path`, not following a final symbolic link.
  public static func kind(of path: [UInt8]) -> Kind {
    var info = stat()
    guard withPath(path, { lstat($0, &info) }) == 0 else { return .missing }
    return kind(info)
  }

  private static func kind(_ info: stat) -> Kind {
    switch info.st_mode & S_IFMT {
    case S_IFREG: .file
    case S_IFDIR: .directory
    case S_IFLNK: .symbolicLink
    default: .other
    }
  }

  /// The names in a directory, sorted bytewise, without `.` and `..`.
  public static func entries(of directory: String) throws(FileSystemError) -> [(name: String, kind: Kind)] {
    try entries(of: Array(directory.utf8)).map { (display($0.name), $0.kind) }
  }

  /// The names in a directory as bytes, sorted bytewise, without `.` and `..`.
  public static func entries(of directory: [UInt8]) throws(FileSystemError) -> [(name: [UInt8], kind: Kind)] {
    guard let handle = withPath(directory, { opendir($0) }) else { throw .errno("cannot read directory", directory) }
    defer { closedir(handle) }
    var result: [(name: [UInt8], kind: Kind)] = []
    while let entry = readdir(handle) {
      // A record is only as long as its name: read `d_name` in place rather than copying
      // the declared 256-byte field, which would read past the end of the last record.
      let namePointer = (UnsafeRawPointer(entry) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!)
        .assumingMemoryBound(to: UInt8.self)
      let name = Array(UnsafeBufferPointer(start: namePointer, count: strlen(UnsafeRawPointer(namePointer))))
      if name == [.dot] || name == [.dot, .dot] { continue }
      let kind: Kind
      switch Int32(entry.pointee.d_type) {
      case Int32(DT_REG): kind = .file
      case Int32(DT_DIR): kind = .directory
      case Int32(DT_LNK): kind = .symbolicLink
      case Int32(DT_UNKNOWN): kind = Self.kind(of: directory + [.slash] + name)
      default: kind = .other
      }
      result.append((name, kind))
    }
    return result.sorted { precedes($0.name, $1.name) }
  }

  /// Whether `a` sorts before `b`, byte by byte (`memcmp`, then the shorter first): the order
  /// of paths and names, as `lexicographicallyPrecedes` gives it at a fraction of the cost.
  public static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    let common = min(a.count, b.count)
    let order =
      common == 0
      ? 0
      : a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in memcmp(a.baseAddress!, b.baseAddress!, common) }
      }
    return order != 0 ? order < 0 : a.count < b.count
  }

  /// Reads a whole file with as few system calls as its size allows.
  public static func read(_ path: String) throws(FileSystemError) -> (bytes: [UInt8], stamp: FileStamp) {
    try read(Array(path.utf8))
  }

  /// Reads a whole regular file; anything else (a FIFO, a device, a link swapped in after the
  /// walk) is refused without blocking: it is opened with `O_NONBLOCK` and `O_NOFOLLOW`, and
  /// checked with `fstat` before a byte is read.
  public static func read(_ path: [UInt8]) throws(FileSystemError) -> (bytes: [UInt8], stamp: FileStamp) {
    let fd = withPath(path) { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY) }
    guard fd >= 0 else {
      if errno == ELOOP { throw FileSystemError(path: path, reason: "is a symbolic link; not followed") }
      throw .errno("cannot open", path)
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .errno("cannot stat", path) }
    guard info.st_mode & S_IFMT == S_IFREG else { throw FileSystemError(path: path, reason: "not a regular file") }
    let bytes = try readAll(fd, sizeHint: Int(info.st_size), path: path)
    return (bytes, stamp(info))
  }

  /// Reads a file named by an option (a resource map, the configuration file): unlike a
  /// policy, it may be a symbolic link, or a pipe the shell handed over (`--resource-map <(…)`
  /// names `/dev/fd/63`; `/dev/stdin`), since nothing is written back to it. A named FIFO
  /// elsewhere is refused without blocking (nothing may be writing to it), as are folders and
  /// devices.
  public static func readOptionFile(_ path: String) throws(FileSystemError) -> [UInt8] {
    let bytes = Array(path.utf8)
    let fd = withPath(bytes) { open($0, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) }
    guard fd >= 0 else { throw .errno("cannot open", bytes) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .errno("cannot stat", bytes) }
    let type = info.st_mode & S_IFMT
    let handedOver = path.hasPrefix("/dev/fd/") || path.hasPrefix("/proc/self/fd/") || path == "/dev/stdin"
    guard type == S_IFREG || (handedOver && (type == S_IFIFO || type == S_IFSOCK)) else {
      throw FileSystemError(path: bytes, reason: "not a regular file")
    }
    if type != S_IFREG {
      // The shell's pipe has its writer: wait for it.
      _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    }
    return try readAll(fd, sizeHint: type == S_IFREG ? Int(info.st_size) : 0, path: bytes)
  }

  /// Reads standard input to its end.
  public static func readStandardInput() throws(FileSystemError) -> [UInt8] {
    try readAll(0, sizeHint: 0, path: Array("<stdin>".utf8))
  }

  private static func readAll(_ fd: Int32, sizeHint: Int, path: [UInt8]) throws(FileSystemError) -> [UInt8] {
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
      // A regular file gives fewer bytes than asked only at its end: once the size `fstat`
      // gave is read, a short read ends the file without a second read to see it.
      if count >= sizeHint, count < bytes.count { break }
    }
    bytes.removeSubrange(count...)
    return bytes
  }

  private static func stamp(_ info: stat) -> FileStamp {
    FileStamp(
      device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
      modified: Int64(info.st_mtim.tv_sec), modifiedNanoseconds: Int64(info.st_mtim.tv_nsec),
      mode: UInt32(info.st_mode), owner: UInt32(info.st_uid), group: UInt32(info.st_gid),
      links: UInt64(info.st_nlink))
  }

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

  /// Whether `path` names the file that `stamp` was taken of (same device and inode).
  static func isSameFile(_ path: [UInt8], as stamp: FileStamp) -> Bool {
    var info = stat()
    guard withPath(path, { stat($0, &info) }) == 0 else { return false }
    return UInt64(info.st_dev) == stamp.device && UInt64(info.st_ino) == stamp.inode
  }

  /// Throws unless the file at `path` still has the stamp `expected`.
  static func checkUnchanged(_ path: [UInt8], expected: FileStamp) throws(FileSystemError) {
    var info = stat()
    guard withPath(path, { lstat($0, &info) }) == 0 else { throw .errno("cannot stat", path) }
    guard stamp(info) == expected else {
      throw FileSystemError(path: path, reason: "the file changed on disk since it was read; not overwritten")
    }
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

  /// A temporary file written and flushed next to its destination, not yet renamed.
  struct StagedWrite {
    let path: [UInt8]
    let temporary: [UInt8]
    let expected: FileStamp?

    /// Writes `bytes` to a new temporary file in `path`'s folder, with `mode`, the owner
    /// kept (root: owner and group; others: the group, when they may), flushed to disk.
    fileprivate init(_ path: [UInt8], _ bytes: [UInt8], mode: mode_t, owner: (uid_t, gid_t)?, expected: FileStamp?)
      throws(FileSystemError)
    {
      self.path = path
      self.expected = expected
      let slash = path.lastIndex(of: .slash)
      let directory = slash.map { $0 == 0 ? [.slash] : Array(path[..<$0]) } ?? [.dot]
      var base = slash.map { Array(path[($0 + 1)...]) } ?? path
      // The temporary name adds 23 bytes: a long name is shortened to fit `NAME_MAX`.
      let suffix = Array(".policy-rewrite-XXXXXX".utf8)
      base = Array(base.prefix(nameLimit - 1 - suffix.count))
      guard let (fd, temporary) = TemporaryFiles.shared.create(directory + [.slash, .dot] + base + suffix) else {
        throw .errno("cannot create a temporary file in \(display(directory))", path)
      }
      self.temporary = temporary
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
      if failure == nil, let (uid, gid) = owner {
        if geteuid() == 0 {
          if fchown(fd, uid, gid) != 0 { failure = .errno("cannot keep the owner", path) }
        } else if gid != getegid() {
          // Keeping the group is allowed when the user belongs to it; otherwise the file
          // gets the user's group, as any editor would give it.
          _ = fchown(fd, uid_t.max, gid)
        }
      }
      if failure == nil, fchmod(fd, mode) != 0 { failure = .errno("cannot set the mode", path) }
      if failure == nil, fsync(fd) != 0 { failure = .errno("cannot flush to disk", path) }
      close(fd)
      if let failure {
        TemporaryFiles.shared.discard(temporary)
        throw failure
      }
    }

    /// Renames the temporary file over the destination, after checking (under the lock of
    /// the interrupt handler) that the destination still has the stamp it had when read.
    func commit() throws(FileSystemError) {
      var failure: FileSystemError?
      do {
        let renamed = try TemporaryFiles.shared.commit(temporary, to: path) { () throws(FileSystemError) in
          if let expected { try checkUnchanged(path, expected: expected) }
        }
        if !renamed { failure = .errno("cannot replace", path) }
      } catch {
        failure = error
      }
      if let failure {
        TemporaryFiles.shared.discard(temporary)
        throw failure
      }
    }
  }

  /// Creates `path` and its missing parents.
  public static func makeDirectories(_ path: String) throws(FileSystemError) {
    try makeDirectories(Array(path.utf8))
  }

  /// Creates `path` (bytes) and its missing parents.
  public static func makeDirectories(_ path: [UInt8]) throws(FileSystemError) {
    if path.isEmpty || kind(of: path) == .directory { return }
    if let slash = path.lastIndex(of: .slash), slash > 0 { try makeDirectories(Array(path[..<slash])) }
    if withPath(path, { mkdir($0, 0o755) }) != 0 && errno != EEXIST { throw .errno("cannot create directory", path) }
  }

  /// The working directory, or `nil` when it cannot be read.
  public static func currentDirectory() -> [UInt8]? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buffer, buffer.count) != nil else { return nil }
    return buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
  }

  /// The physical path of an existing `path` (links resolved), or `nil`.
  static func resolved(_ path: [UInt8]) -> [UInt8]? {
    guard let pointer = withPath(path, { realpath($0, nil) }) else { return nil }
    defer { free(pointer) }
    return Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer))).map { UInt8(bitPattern: $0) }
  }

  /// The folder part of `path` (`.` for a bare name).
  public static func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// `path` made absolute against the working directory, with `.` and `..` resolved lexically
  /// (links are not resolved).
  public static func absolutePath(_ path: String) -> String {
    absolutePath(path, from: path.hasPrefix("/") ? "/" : currentDirectory().map(display) ?? "")
  }

  /// `path` made absolute against `workingDirectory` (read once by a caller that makes many),
  /// with `.` and `..` resolved lexically.
  public static func absolutePath(_ path: String, from workingDirectory: String) -> String {
    let joined = path.hasPrefix("/") ? path : workingDirectory + "/" + path
    // Most paths (every path of a walk below a clean working directory) are already lexically
    // clean: returned as they are, without a split and a join.
    if isLexicallyClean(joined) { return joined }
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

  /// Whether an absolute path has no empty, `.` or `..` component and no trailing `/`.
  private static func isLexicallyClean(_ path: String) -> Bool {
    var previous = UInt8(ascii: "/")
    var dotsOnly = false
    var componentLength = 0
    var first = true
    for byte in path.utf8 {
      if first {
        guard byte == .slash else { return false }
        first = false
        continue
      }
      if byte == .slash {
        if previous == .slash || (dotsOnly && componentLength <= 2) { return false }
        componentLength = 0
        dotsOnly = false
      } else {
        dotsOnly = componentLength == 0 ? byte == .dot : dotsOnly && byte == .dot
        componentLength += 1
      }
      previous = byte
    }
    return path == "/" || (previous != .slash && !(dotsOnly && componentLength <= 2))
  }
}

extension String {
  /// The text with zeros added in front up to `width` characters.
  func zeroPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
