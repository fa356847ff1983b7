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
    let window = max(window, jobs)
    // Items are taken and handed back in batches: one lock and at most one wake-up per batch,
    // not per item. Small enough that every thread gets work within the window.
    let batch = max(1, min(16, window / (4 * jobs)))
    let state = SharedState<Result>(window: window)
    let threads = (0..<jobs).map { _ in
      Threads.spawn {
        var done: [(Int, Result)] = []
        done.reserveCapacity(batch)
        while let indexes = state.take(limit: count, batch: batch) {
          for index in indexes { done.append((index, work(index))) }
          state.finish(done)
          done.removeAll(keepingCapacity: true)
        }
      }
    }
    var index = 0
    while index < count {
      for result in state.results(from: index) {
        consume(index, result)
        index += 1
      }
    }
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
  /// The index the consumer waits for, or -1.
  private var awaited = -1
  /// How many workers wait for the window to move.
  private var waitingWorkers = 0
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

  /// The next items to work on (at most `batch`), waiting while the window is full; `nil`
  /// when none is left.
  func take(limit: Int, batch: Int) -> Range<Int>? {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    while next < limit, next - handedBack >= window {
      waitingWorkers += 1
      pthread_cond_wait(&condition, &mutex)
      waitingWorkers -= 1
    }
    guard next < limit else { return nil }
    let end = min(limit, next + batch, handedBack + window)
    defer { next = end }
    return next..<end
  }

  /// Stores finished results; wakes the consumer only when it waits for one of them.
  func finish(_ finished: [(Int, Result)]) {
    pthread_mutex_lock(&mutex)
    var wakes = false
    for (index, result) in finished {
      results[index] = result
      if index == awaited { wakes = true }
    }
    if wakes { pthread_cond_broadcast(&condition) }
    pthread_mutex_unlock(&mutex)
  }

  /// Waits for the result of `index`, then removes and returns it with every later result
  /// that is ready in order.
  func results(from index: Int) -> [Result] {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    while results[index] == nil {
      awaited = index
      pthread_cond_wait(&condition, &mutex)
    }
    awaited = -1
    var ready: [Result] = []
    var current = index
    while let result = results.removeValue(forKey: current) {
      ready.append(result)
      current += 1
    }
    handedBack = current
    if waitingWorkers > 0 { pthread_cond_broadcast(&condition) }
    return ready
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
