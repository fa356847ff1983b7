import Dispatch
import PolicyDOM
import PolicyRewrite
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Runs per-item work on several threads and hands the results back in item order.
///
/// At most `window` items are taken ahead of the oldest result not yet handed back, so
/// memory stays bounded whatever the number of items. Plain threads rather than Swift
/// concurrency keep the work (blocking file I/O and C parsing) off the cooperative pool, and
/// keep the process usable under valgrind. When the system refuses a thread (memory or
/// process limits), the run goes on with the threads it has, or on the calling thread alone.
enum OrderedParallel {
  static func run<Result: Sendable>(
    count: Int, jobs: Int, window: Int = 256,
    work: @escaping @Sendable (Int) -> Result,
    consume: (Int, Result) -> Void
  ) {
    guard count > 0 else { return }
    let jobs = max(1, min(jobs, count))
    var threads: [pthread_t] = []
    // Items are handed over in batches of consecutive indexes, so that taking work and
    // handing back results costs a lock and a wake-up a batch, not an item; batches stay
    // small enough that every thread gets several.
    let batch = max(1, min(maximumBatch, count / (jobs * 8)))
    let batches = (count + batch - 1) / batch
    let state = SharedState<Result>(window: max(window / batch, jobs))
    if jobs > 1 {
      for _ in 0..<jobs {
        guard
          let thread = Threads.spawn({
            while let number = state.take(limit: batches) {
              let indexes = (number * batch)..<min(count, (number + 1) * batch)
              state.finish(number, indexes.map(work))
            }
          })
        else { break }
        threads.append(thread)
      }
    }
    if threads.isEmpty {
      for index in 0..<count { consume(index, work(index)) }
      return
    }
    for number in 0..<batches {
      for (offset, result) in state.results(for: number).enumerated() { consume(number * batch + offset, result) }
    }
    threads.forEach(Threads.join)
  }

  /// The most items handed over at once.
  static let maximumBatch = 16
}

/// The queue of batch numbers and the finished batches' results.
///
/// A worker waits for a free place in the window (`slots`), the consumer for a finished
/// batch (`finished`, signalled once per batch: a wake-up for another batch sends it back
/// to wait, and no signal is lost between its check and its wait).
private final class SharedState<Result: Sendable>: Sendable {
  private struct Queue {
    var next = 0
    var results: [Int: [Result]] = [:]
  }

  private let queue = Mutex(Queue())
  private let slots: DispatchSemaphore
  private let finished = DispatchSemaphore(value: 0)

  init(window: Int) {
    slots = DispatchSemaphore(value: window)
  }

  /// The next batch to work on, waiting while the window is full; `nil` when none is left.
  func take(limit: Int) -> Int? {
    slots.wait()
    let number: Int? = queue.withLock { queue in
      guard queue.next < limit else { return nil }
      queue.next += 1
      return queue.next - 1
    }
    // The place is not used: give it to the next worker, which then ends too.
    if number == nil { slots.signal() }
    return number
  }

  func finish(_ number: Int, _ results: sending [Result]) {
    queue.withLock { $0.results[number] = results }
    finished.signal()
  }

  /// Waits for the results of batch `number` and removes them.
  func results(for number: Int) -> [Result] {
    while true {
      if let results = queue.withLock({ $0.results.removeValue(forKey: number) }) {
        slots.signal()
        return results
      }
      finished.wait()
    }
  }
}

/// Starting and joining POSIX threads with Swift closures.
enum Threads {
  private final class Box {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
  }

  /// Starts a thread running `body`.
  /// - Returns: The thread, or `nil` when the system cannot start one (`EAGAIN`: a memory
  ///   or process limit).
  static func spawn(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
    var thread = pthread_t()
    let box = Unmanaged.passRetained(Box(body))
    let status = pthread_create(
      &thread, nil,
      { raw in
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        box.body()
        return nil
      }, box.toOpaque())
    guard status == 0 else {
      box.release()
      return nil
    }
    return thread
  }

  /// Waits for a thread to end.
  static func join(_ thread: pthread_t) {
    pthread_join(thread, nil)
  }
}
