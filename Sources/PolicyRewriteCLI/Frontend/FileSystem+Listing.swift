import CDirectoryListing
import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension FileSystem {
  /// An open directory, listed with `getdents64`: four system calls a folder (open, two reads,
  /// close) where `opendir`/`readdir` make five (its `fstat` too), and a subfolder opened
  /// relative to it (`openat`) rather than by a path the kernel looks up again from the start.
  ///
  /// The descriptor is closed exactly once, when the last reference goes.
  package final class Directory: Sendable {
    private let descriptor: Int32
    /// The path, as the walk names it (for messages).
    package let path: [UInt8]

    /// Opens the directory `path` (a final symbolic link is followed, as `opendir` does).
    package convenience init(path: [UInt8]) throws(FileSystemError) {
      try self.init(path: path, name: path, in: AT_FDCWD, flags: 0)
    }

    private init(path: [UInt8], name: [UInt8], in parent: Int32, flags: Int32) throws(FileSystemError) {
      let opened = withPath(name) { openat(parent, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC | flags) }
      guard opened >= 0 else { throw .errno("cannot read directory", path) }
      descriptor = opened
      self.path = path
    }

    /// Opens the subdirectory `name` of this directory, whose path is `path`. A name that has
    /// become a symbolic link since it was listed is not followed (`ENOTDIR`: "Not a directory").
    package func subdirectory(_ name: [UInt8], path: [UInt8]) throws(FileSystemError) -> Directory {
      try Directory(path: path, name: name, in: descriptor, flags: O_NOFOLLOW)
    }

    deinit { close(descriptor) }

    /// The size of the buffer the records are read into (`opendir`'s own).
    private static let bufferSize = 32 * 1024

    /// The names in the directory as bytes, sorted bytewise, without `.` and `..`.
    package func entries() throws(FileSystemError) -> [(name: [UInt8], kind: Kind)] {
      let buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.bufferSize, alignment: 8)
      defer { buffer.deallocate() }
      var result: [(name: [UInt8], kind: Kind)] = []
      while true {
        let count = CDirectoryListing_read(descriptor, buffer, UInt(Self.bufferSize))
        if count == 0 { break }
        if count < 0 {
          if errno == EINTR { continue }
          throw .errno("cannot read directory", path)
        }
        var offset = 0
        while offset < count {
          // struct linux_dirent64: d_reclen at 16, d_type at 18, d_name (NUL-terminated) at 19.
          let record = buffer + offset
          offset += Int(record.loadUnaligned(fromByteOffset: 16, as: UInt16.self))
          let namePointer = UnsafeRawPointer(record + 19).assumingMemoryBound(to: UInt8.self)
          let length = strlen(UnsafeRawPointer(namePointer))
          if namePointer[0] == .dot && (length == 1 || (length == 2 && namePointer[1] == .dot)) { continue }
          let name = Array(UnsafeBufferPointer(start: namePointer, count: length))
          result.append((name, kind(type: record.load(fromByteOffset: 18, as: UInt8.self), name: name)))
        }
      }
      return result.sorted { precedes($0.name, $1.name) }
    }

    /// The kind an entry's `d_type` gives, or `lstat`'s when the file system does not say.
    private func kind(type: UInt8, name: [UInt8]) -> Kind {
      switch Int32(type) {
      case Int32(DT_REG): return .file
      case Int32(DT_DIR): return .directory
      case Int32(DT_LNK): return .symbolicLink
      case Int32(DT_UNKNOWN):
        var info = stat()
        guard withPath(name, { fstatat(descriptor, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0 else { return .missing }
        return FileSystem.kind(info)
      default: return .other
      }
    }
  }

  /// The names in a directory, sorted bytewise, without `.` and `..`.
  public static func entries(of directory: String) throws(FileSystemError) -> [(name: String, kind: Kind)] {
    try entries(of: Array(directory.utf8)).map { (display($0.name), $0.kind) }
  }

  /// The names in a directory as bytes, sorted bytewise, without `.` and `..`.
  public static func entries(of directory: [UInt8]) throws(FileSystemError) -> [(name: [UInt8], kind: Kind)] {
    try Directory(path: directory).entries()
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
