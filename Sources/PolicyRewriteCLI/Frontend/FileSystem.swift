import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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

  /// The kind of `path`, not following a final symbolic link.
  public static func kind(of path: String) -> Kind { kind(of: Array(path.utf8)) }

  /// The kind of `path`, not following a final symbolic link.
  public static func kind(of path: [UInt8]) -> Kind {
    var info = stat()
    guard withPath(path, { lstat($0, &info) }) == 0 else { return .missing }
    return kind(info)
  }

  /// Why ``kind(of:)-(String)`` found nothing at `path`: "no such file or folder", or the
  /// system's other reason (a name too long, a file where a folder is expected, a folder that
  /// may not be searched).
  static func missingReason(_ path: [UInt8]) -> String {
    var info = stat()
    guard withPath(path, { lstat($0, &info) }) != 0, Glibc.errno != ENOENT else { return "no such file or folder" }
    return String(cString: strerror(Glibc.errno)).lowercased()
  }

  static func kind(_ info: stat) -> Kind {
    switch info.st_mode & S_IFMT {
    case S_IFREG: .file
    case S_IFDIR: .directory
    case S_IFLNK: .symbolicLink
    default: .other
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
    // Over the UTF-8 buffer: a `String.UTF8View` iterator costs several times as much a byte,
    // and every file of a run asks this more than once.
    var path = path
    return path.withUTF8(isLexicallyClean)
  }

  private static func isLexicallyClean(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
    var previous = UInt8(ascii: "/")
    var dotsOnly = false
    var componentLength = 0
    var first = true
    for byte in path {
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
    return (path.count == 1 && path[0] == .slash) || (previous != .slash && !(dotsOnly && componentLength <= 2))
  }
}

extension String {
  /// The text with zeros added in front up to `width` characters.
  func zeroPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
