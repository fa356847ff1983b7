import ArgumentParser
import PolicyRewriteCLI

/// Messages written straight to standard error, outside any report.
enum StandardError {
  /// Writes `text` to standard error at once.
  static func write(_ text: String) {
    let stream = ByteStream.standardError()
    stream.write(text)
    stream.flush()
  }

  /// Ends a run whose report could not be written with exit status 2, saying so on
  /// standard error (when that is the stream that still works).
  static func failIfReportLost() throws {
    guard ByteStream.outputLost else { return }
    write("policy-rewrite: the report could not be written completely (standard output or error)\n")
    throw ExitCode(2)
  }
}
