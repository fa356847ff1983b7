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

  /// Replaces the file `path` with `bytes` (atomically), the output that an option such as
  /// `--write-baseline FILE` asks for; when that fails, says so on standard error, naming the
  /// file and `what` it was to hold, and ends the run with exit status 2.
  static func replaceOrExit(_ path: String, with bytes: [UInt8], what: String) throws {
    do {
      try FileSystem.replace(path, with: bytes, expected: nil)
    } catch {
      writeLine("\(path): error: cannot write \(what): \(error.reason)")
      throw ExitCode(2)
    }
  }
}
