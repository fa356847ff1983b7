import ArgumentParser
import PolicyRewriteCLI

extension StandardError {
  /// Ends a run whose report could not be written with exit status 2, saying so on
  /// standard error (when that is the stream that still works).
  static func failIfReportLost() throws {
    guard ByteStream.outputLost else { return }
    write("policy-rewrite: the report could not be written completely (standard output or error)\n")
    throw ExitCode(2)
  }
}
