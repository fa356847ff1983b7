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
