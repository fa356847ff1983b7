import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension FileSystem {
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
}
