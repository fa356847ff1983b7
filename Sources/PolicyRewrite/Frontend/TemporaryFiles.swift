import Dispatch
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The temporary files of writes in flight, removed when the process is interrupted.
///
/// A write renames its temporary file over the original only when it is complete, so
/// removing the temporary files on SIGINT or SIGTERM rolls back every write in flight and
/// leaves each file with either its old or its new bytes.
public final class TemporaryFiles: Sendable {
  /// The process's registry.
  public static let shared = TemporaryFiles()

  private let paths = Mutex<Set<String>>([])
  // Signal sources live as long as the process; they are only appended, once per signal.
  nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

  private init() {}

  func register(_ path: String) { paths.withLock { _ = $0.insert(path) } }

  func unregister(_ path: String) { paths.withLock { _ = $0.remove(path) } }

  /// Removes the temporary files of interrupted writes on SIGINT and SIGTERM, then exits
  /// with 128 + the signal number, as shells expect.
  public func removeOnInterrupt() {
    for number in [SIGINT, SIGTERM] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [self] in
        paths.withLock { paths in
          for path in paths { unlink(path) }
          paths.removeAll()
        }
        _exit(128 + number)
      }
      source.resume()
      sources.append(source)
    }
  }
}
