import PolicyDOM
import PolicyRewrite
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A buffered writer on a file descriptor (standard output or standard error).
///
/// A write that fails is remembered for the whole process (``outputLost``), so the command
/// can exit non-zero when its report did not reach its reader. A write to a closed pipe
/// during a write run ends the run as SIGPIPE would, with the writes in flight rolled back
/// (see ``TemporaryFiles``).
public final class ByteStream {
  private static let lost = Atomic<Bool>(false)

  /// Whether a write to any stream failed: the report is incomplete.
  public static var outputLost: Bool { lost.load(ordering: .relaxed) }

  /// Records that a report could not be written whole (see ``outputLost``).
  static func recordLoss() { lost.store(true, ordering: .relaxed) }

  /// Standard output.
  public static func standardOutput() -> ByteStream { ByteStream(descriptor: 1) }
  /// Standard error.
  public static func standardError() -> ByteStream { ByteStream(descriptor: 2) }

  private let descriptor: Int32
  private var buffer: [UInt8] = []

  /// Creates a stream on `descriptor`; the stream does not close it.
  public init(descriptor: Int32) {
    self.descriptor = descriptor
  }

  deinit { flush() }

  /// Whether the stream is a terminal.
  public var isTerminal: Bool { isatty(descriptor) == 1 }

  /// Appends bytes, writing them out when the buffer is large.
  public func write(_ bytes: some Sequence<UInt8>) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 1 << 16 { flush() }
  }

  /// Appends text.
  public func write(_ text: String) { write(text.utf8) }

  /// Writes out everything buffered.
  public func flush() {
    var written = 0
    while written < buffer.count {
      let result = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
      if result < 0 {
        if errno == EINTR { continue }
        if errno == EPIPE { TemporaryFiles.shared.interrupt(SIGPIPE) }
        Self.recordLoss()
        break
      }
      written += result
    }
    buffer.removeAll(keepingCapacity: true)
  }
}
