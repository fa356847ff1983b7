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

  func register(_ path: String) {
    pthread_mutex_lock(&mutex)
    paths.insert(path)
    pthread_mutex_unlock(&mutex)
  }

  func unregister(_ path: String) {
    pthread_mutex_lock(&mutex)
    paths.remove(path)
    pthread_mutex_unlock(&mutex)
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
