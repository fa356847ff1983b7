import FoundationEssentials
import PolicyDOM
import PolicyRewrite

extension ByteStream {
  /// Writes `value` as pretty-printed JSON with sorted keys and a final newline, then flushes.
  ///
  /// A value that cannot be encoded writes nothing here: the reason goes to `errors` and the
  /// report counts as lost (``ByteStream/outputLost``), so the command exits with status 2.
  func writeJSON(_ value: some Encodable, errors: @autoclosure () -> ByteStream = .standardError()) {
    do {
      write(try JSONEncoder.document(value))
    } catch {
      let errors = errors()
      errors.write("policy-rewrite: error: cannot encode the JSON report: \(error)\n")
      errors.flush()
      Self.recordLoss()
    }
    flush()
  }

  /// Writes each line with a newline, then flushes.
  func writeLines(_ lines: [String]) {
    for line in lines { write(line + "\n") }
    flush()
  }
}
