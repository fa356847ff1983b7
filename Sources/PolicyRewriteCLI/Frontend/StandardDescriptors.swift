#if canImport(Glibc)
  import Glibc
#endif

/// Makes descriptors 0, 1 and 2 valid before the process opens any file.
///
/// A process started with standard output or error closed hands the lowest free
/// descriptor to the next `open`: a temporary file of an atomic write would become
/// descriptor 1, the report would be written into it, and the report would be renamed over a
/// policy. Each closed one of the three is opened on `/dev/null`: standard input for
/// reading, standard output and error read-only as well, so that a write to them fails
/// (`EBADF`) and the run can tell that its report was lost instead of dropping it unnoticed.
public enum StandardDescriptors {
  /// Opens `/dev/null` on each closed descriptor of 0, 1 and 2. Call it first in `main`.
  /// - Returns: The descriptors that were closed.
  @discardableResult
  public static func secure() -> [Int32] {
    var reopened: [Int32] = []
    for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
      // `open` returns the lowest free descriptor: this one, since the lower ones are open.
      let opened = open("/dev/null", O_RDONLY)
      if opened != descriptor {
        // Cannot happen unless /dev/null is missing; no file must take the descriptor.
        _exit(2)
      }
      reopened.append(descriptor)
    }
    return reopened
  }
}
