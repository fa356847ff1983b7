import PolicyRewrite

/// What the JSON, SARIF and GitHub reporters are made with: the command, whether changed
/// files' diffs are written, and the two streams.
struct ReportTarget {
  /// The command being run.
  let command: Frontend.Command
  /// Whether changed files' diffs are written.
  let diff: Bool
  /// Standard output.
  let output: ByteStream
  /// Standard error.
  let errors: ByteStream

  /// Writes `document` as the JSON report on standard output, then the closing summary lines
  /// on standard error.
  func finish(writing document: some Encodable, _ summary: RunSummary) {
    output.writeJSON(document, errors: errors)
    errors.writeLines(summary.lines(for: command).map(Escaping.terminal))
  }
}
