import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension FileSystem {
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

  static func readAll(_ fd: Int32, sizeHint: Int, path: [UInt8]) throws(FileSystemError) -> [UInt8] {
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
}
