import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension FileSystem {
  static func stamp(_ info: stat) -> FileStamp {
    FileStamp(
      device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
      modified: Int64(info.st_mtim.tv_sec), modifiedNanoseconds: Int64(info.st_mtim.tv_nsec),
      mode: UInt32(info.st_mode), owner: UInt32(info.st_uid), group: UInt32(info.st_gid),
      links: UInt64(info.st_nlink))
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
}
