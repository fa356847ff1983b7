import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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
