/// Runs per-item work on several tasks and hands the results back in item order.
///
/// At most `jobs` items are in flight, and at most `window` finished results wait for an
/// earlier, slower item, so memory stays bounded whatever the number of items.
enum OrderedParallel {
  static func run<Result: Sendable>(
    count: Int, jobs: Int, window: Int = 256,
    work: @escaping @Sendable (Int) -> Result,
    consume: (Int, Result) -> Void
  ) async {
    guard count > 0 else { return }
    let jobs = max(1, jobs)
    await withTaskGroup(of: (Int, Result).self) { group in
      var next = 0
      var emitted = 0
      var waiting: [Int: Result] = [:]
      func inFlight() -> Int { next - emitted - waiting.count }
      while next < count, inFlight() < jobs {
        let index = next
        group.addTask { (index, work(index)) }
        next += 1
      }
      while let (index, result) = await group.next() {
        waiting[index] = result
        while let ready = waiting.removeValue(forKey: emitted) {
          consume(emitted, ready)
          emitted += 1
        }
        while next < count, inFlight() < jobs, waiting.count < window {
          let index = next
          group.addTask { (index, work(index)) }
          next += 1
        }
      }
    }
  }
}
