import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#endif

/// Runs per-item work on several threads and hands the results back in item order.
///
/// At most `window` items are taken ahead of the oldest result not yet handed back, so
/// memory stays bounded whatever the number of items. Plain threads rather than Swift
/// concurrency keep the work (blocking file I/O and C parsing) off the cooperative pool, and
/// keep the process usable under valgrind.
enum OrderedParallel {
  static func run<Result>(
    count: Int, jobs: Int, window: Int = 256,
    work: @escaping @Sendable (Int) -> Result,
    consume: (Int, Result) -> Void
  ) {
    guard count > 0 else { return }
    let jobs = max(1, min(jobs, count))
    if jobs == 1 {
      for index in 0..<count { consume(index, work(index)) }
      return
    }
    let state = SharedState<Result>(window: max(window, jobs))
    let threads = (0..<jobs).map { _ in
      Threads.spawn {
        while let index = state.take(limit: count) {
          state.finish(index, work(index))
        }
      }
    }
    for index in 0..<count { consume(index, state.result(for: index)) }
    threads.forEach(Threads.join)
  }
}

/// The queue of item indexes and the finished results, behind one lock.
private final class SharedState<Result>: @unchecked Sendable {
  // Every field is read and written with `mutex` held.
  private var mutex = pthread_mutex_t()
  private var condition = pthread_cond_t()
  private var next = 0
  private var handedBack = 0
  private var results: [Int: Result] = [:]
  private let window: Int

  init(window: Int) {
    self.window = window
    pthread_mutex_init(&mutex, nil)
    pthread_cond_init(&condition, nil)
  }

  deinit {
    pthread_cond_destroy(&condition)
    pthread_mutex_destroy(&mutex)
  }

  /// The next item to work on, waiting while the window is full; `nil` when none is left.
  func take(limit: Int) -> Int? {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    while next < limit, next - handedBack >= window { pthread_cond_wait(&condition, &mutex) }
    guard next < limit else { return nil }
    next += 1
    return next - 1
  }

  func finish(_ index: Int, _ result: Result) {
    pthread_mutex_lock(&mutex)
    results[index] = result
    pthread_cond_broadcast(&condition)
    pthread_mutex_unlock(&mutex)
  }

  /// Waits for the result of `index` and removes it.
  func result(for index: Int) -> Result {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    while results[index] == nil { pthread_cond_wait(&condition, &mutex) }
    handedBack = index + 1
    pthread_cond_broadcast(&condition)
    return results.removeValue(forKey: index)!
  }
}

/// Starting and joining POSIX threads with Swift closures.
enum Threads {
  private final class Box {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
  }

  /// Starts a thread running `body`.
  static func spawn(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    var thread = pthread_t()
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    let status = pthread_create(
      &thread, nil,
      { raw in
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        box.body()
        return nil
      }, box)
    precondition(status == 0, "pthread_create failed: \(status)")
    return thread
  }

  /// Waits for a thread to end.
  static func join(_ thread: pthread_t) {
    pthread_join(thread, nil)
  }
}
