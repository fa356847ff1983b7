import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#endif

/// A progress bar on standard error, drawn only when it is a terminal and the run has taken
/// more than a second.
final class ProgressBar {
  private let total: Int
  private let enabled: Bool
  private let started: Double
  private var lastDrawn = 0.0
  private var visible = false
  private let stream = ByteStream.standardError()

  init(total: Int, enabled: Bool) {
    self.total = total
    self.enabled = enabled && total > 0 && isatty(2) == 1
    self.started = Self.now()
  }

  private static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  func update(done: Int) {
    guard enabled else { return }
    let now = Self.now()
    guard now - started > 1, now - lastDrawn > 0.1 || done == total else { return }
    lastDrawn = now
    let width = 30
    let filled = width * done / total
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    stream.write("\r\u{1B}[K[\(bar)] \(done)/\(total) files")
    stream.flush()
    visible = true
  }

  func clear() {
    guard visible else { return }
    stream.write("\r\u{1B}[K")
    stream.flush()
    visible = false
  }
}
