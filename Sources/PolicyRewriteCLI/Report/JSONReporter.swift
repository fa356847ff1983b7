import PolicyDOM
import PolicyRewrite

/// Writes one JSON document with every finding, the changed files and the totals.
///
/// ```json
/// {"tool": {"name": "policy-rewrite", "version": "0.1.0"}, "command": "check",
///  "findings": [{"path": "apis/orders/policy.xml", "line": 5, "column": 9,
///                "rule": "key-injection", "severity": "error", "message": "...",
///                "section": "inbound"}],
///  "files": [{"path": "apis/orders/policy.xml", "changed": true, "diff": "--- a/..."}],
///  "summary": {"scanned": 1, "changed": 0, ...}}
/// ```
final class JSONReporter: Reporter {
  struct Tool: Encodable {
    var name = "policy-rewrite"
    var version = PolicyRewriteVersion.current
  }

  struct Item: Encodable {
    var path: String
    var line: Int
    var column: Int
    var rule: String
    var severity: String
    var message: String
    var section: String
  }

  struct ChangedFile: Encodable {
    var path: String
    var changed: Bool
    var diff: String?
  }

  struct Summary: Encodable {
    var scanned: Int
    var changed: Int
    var unchanged: Int
    var needingReview: Int
    var errors: Int
    var findings: Int
    var filesWithFindings: Int
    var namedValuesToCleanUp: [String]
    var namedValuesStillReferenced: [String: String]
  }

  struct Document: Encodable {
    var tool = Tool()
    var command: String
    var findings: [Item]
    var files: [ChangedFile]
    var summary: Summary
  }

  private let command: Frontend.Command
  private let diff: Bool
  private let output: ByteStream
  private let errors: ByteStream
  private var items: [Item] = []
  private var files: [ChangedFile] = []

  init(command: Frontend.Command, diff: Bool, output: ByteStream, errors: ByteStream) {
    self.command = command
    self.diff = diff
    self.output = output
    self.errors = errors
  }

  func report(_ file: FileReport) {
    for finding in file.findings {
      items.append(
        Item(
          path: file.path, line: finding.line, column: finding.column, rule: finding.rule.rawValue,
          severity: finding.severity.rawValue, message: finding.message, section: finding.section))
    }
    if file.changed {
      files.append(
        ChangedFile(path: file.path, changed: true, diff: diff ? String(decoding: file.diff, as: UTF8.self) : nil))
    }
  }

  func finish(_ summary: RunSummary) {
    let document = Document(
      command: command.rawValue, findings: items, files: files,
      summary: Summary(
        scanned: summary.scanned, changed: summary.changed, unchanged: summary.unchanged,
        needingReview: summary.needingReview, errors: summary.errors, findings: summary.findings,
        filesWithFindings: summary.withFindings, namedValuesToCleanUp: summary.namedValuesToCleanUp,
        namedValuesStillReferenced: summary.namedValuesStillReferenced))
    output.writeJSON(document)
    errors.writeLines(summary.lines(for: command).map(Escaping.terminal))
  }
}
