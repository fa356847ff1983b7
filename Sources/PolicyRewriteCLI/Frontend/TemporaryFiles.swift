import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#endif

/// The temporary files of writes in flight, removed when the process is interrupted.
///
/// A write renames its temporary file over the original only when it is complete, so
/// removing the temporary files on SIGINT or SIGTERM rolls back every write in flight and
/// leaves each file with either its old or its new bytes.
public final class TemporaryFiles: @unchecked Sendable {
  // `paths` is read and written with `mutex` held.
  /// The process's registry.
  public static let shared = TemporaryFiles()

  private var mutex = pthread_mutex_t()
  private var paths = Set<String>()
  private var handling = false

  private init() {
    pthread_mutex_init(&mutex, nil)
  }

  // Creating and registering, and renaming and unregistering, each happen under the lock
  // that the signal thread takes before it removes the registered files: it never misses a
  // temporary file, and never removes one that has already been renamed.

  /// Creates a unique file from a `mkstemp` template and registers it.
  /// - Returns: Its descriptor and path, or `nil` with `errno` set.
  func create(_ template: String) -> (Int32, String)? {
    var bytes = Array(template.utf8CString)
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    let fd = bytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { return nil }
    let path = String(decoding: bytes.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    paths.insert(path)
    return (fd, path)
  }

  /// Renames a registered file over `destination` and unregisters it.
  /// - Returns: Whether the rename succeeded (`errno` is set when not).
  func commit(_ temporary: String, to destination: String) -> Bool {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    guard rename(temporary, destination) == 0 else { return false }
    paths.remove(temporary)
    return true
  }

  /// Removes a registered file and unregisters it.
  func discard(_ temporary: String) {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    unlink(temporary)
    paths.remove(temporary)
  }

  /// Blocks SIGINT and SIGTERM in every thread and handles them on a thread of their own:
  /// it removes the temporary files of the writes in flight, then exits with 128 + the
  /// signal number, as shells expect. Call it before any other thread starts; later calls
  /// do nothing.
  public func removeOnInterrupt() {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    if handling { return }
    handling = true
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &signals, nil)
    let blocked = signals
    let thread = Threads.spawn { [self] in
      var received: Int32 = 0
      var waited = blocked
      sigwait(&waited, &received)
      pthread_mutex_lock(&mutex)
      for path in paths { unlink(path) }
      _exit(128 + received)
    }
    pthread_detach(thread)
  }
}
