import PolicyDOM
import PolicyRewrite
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The temporary files of writes in flight, removed when the process is interrupted.
///
/// A write renames its temporary file over the original only when it is complete, so
/// removing the temporary files on a signal rolls back every write in flight and leaves each
/// file with either its old or its new bytes.
public final class TemporaryFiles: Sendable {
  /// The process's registry.
  public static let shared = TemporaryFiles()

  /// The signals that end a write run: interrupt, termination, hang-up and a closed pipe.
  static let interruptingSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGPIPE]

  private struct State {
    var paths = Set<[UInt8]>()
    var handling = false
  }

  // Creating and registering, and renaming and unregistering, each happen under the lock
  // that an interrupt takes before it removes the registered files: it never misses a
  // temporary file, and never removes one that has already been renamed.
  private let state = Mutex(State())

  private init() {}

  /// Creates a unique file from a `mkstemp` template (path bytes ending in `XXXXXX`) and
  /// registers it.
  /// - Returns: Its descriptor and path, or `nil` with `errno` set.
  func create(_ template: [UInt8]) -> (Int32, [UInt8])? {
    var bytes = template.map { CChar(bitPattern: $0) } + [0]
    return state.withLock { state in
      let fd = bytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
      guard fd >= 0 else { return nil }
      _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
      let path = bytes.dropLast().map { UInt8(bitPattern: $0) }
      state.paths.insert(path)
      return (fd, path)
    }
  }

  /// Renames a registered file over `destination` and unregisters it, after `check` passes
  /// (it runs under the lock, right before the rename).
  /// - Returns: Whether the rename succeeded (`errno` is set when not).
  func commit(_ temporary: [UInt8], to destination: [UInt8], check: () throws(FileSystemError) -> Void)
    throws(FileSystemError) -> Bool
  {
    try state.withLock { (state) throws(FileSystemError) -> Bool in
      try check()
      guard FileSystem.withPath(temporary, { from in FileSystem.withPath(destination) { rename(from, $0) } }) == 0
      else { return false }
      state.paths.remove(temporary)
      return true
    }
  }

  /// Removes a registered file and unregisters it.
  func discard(_ temporary: [UInt8]) {
    state.withLock { state in
      _ = FileSystem.withPath(temporary) { unlink($0) }
      state.paths.remove(temporary)
    }
  }

  /// Removes every registered file and ends the process with 128 + `signal`, as shells
  /// expect of a process ended by that signal. Does nothing unless ``removeOnInterrupt()``
  /// was called.
  func interrupt(_ signal: Int32) {
    state.withLock { state in
      guard state.handling else { return }
      for path in state.paths { _ = FileSystem.withPath(path) { unlink($0) } }
      _exit(128 + signal)
    }
  }

  /// Blocks SIGINT, SIGTERM, SIGHUP and SIGPIPE in every thread and handles them on a
  /// thread of their own: it removes the temporary files of the writes in flight, then
  /// exits with 128 + the signal number. A write to a closed pipe (EPIPE, see
  /// ``ByteStream``) ends the run the same way. Call it before any other thread starts;
  /// later calls do nothing.
  public func removeOnInterrupt() {
    let blocked: sigset_t? = state.withLock { state in
      if state.handling { return nil }
      state.handling = true
      var signals = sigset_t()
      sigemptyset(&signals)
      for signal in Self.interruptingSignals { sigaddset(&signals, signal) }
      pthread_sigmask(SIG_BLOCK, &signals, nil)
      return signals
    }
    guard let blocked else { return }
    let started = Threads.spawn { [self] in
      var received: Int32 = 0
      var waited = blocked
      while sigwait(&waited, &received) != 0 {}
      interrupt(received)
    }
    // Without a thread to receive them, the signals keep their default action.
    guard let started else {
      var unblock = blocked
      pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
      return
    }
    pthread_detach(started)
  }
}
