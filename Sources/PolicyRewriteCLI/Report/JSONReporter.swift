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
    var destination: String?
    var injections: [Injection]?
  }

  /// One key injection of a migration: where, which key, which resource and why.
  struct Injection: Encodable {
    var line: Int
    var column: Int
    var section: String
    var header: String
    var key: String
    var resource: String?
    var resourceFrom: String
    var mapEntry: String?
    var outcome: String
    var scope: String
    var backend: String?

    init(_ record: InjectionRecord) {
      line = record.line
      column = record.column
      section = record.section
      header = record.header
      key = record.key.label
      resource = record.resolution.resource?.value
      resourceFrom = record.resolution.source.rawValue
      mapEntry = record.resolution.entry
      outcome = record.outcome.rawValue
      scope = record.scope.rawValue
      backend = record.target?.description
    }
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
    var suppressed: Int
    var cleanUp: [CleanUpItem]?
    var resources: [String: [String: Int]]?
  }

  /// A finding accepted by a suppression comment or the baseline.
  struct Suppressed: Encodable {
    var path: String
    var line: Int
    var column: Int
    var rule: String
    var message: String
    var reason: String
    var kind: String
  }

  struct Document: Encodable {
    var tool = Tool()
    var command: String
    var findings: [Item]
    var suppressed: [Suppressed]
    var files: [ChangedFile]
    var summary: Summary
  }

  private let command: Frontend.Command
  private let diff: Bool
  private let output: ByteStream
  private let errors: ByteStream
  private var items: [Item] = []
  private var files: [ChangedFile] = []
  private var suppressed: [Suppressed] = []

  init(command: Frontend.Command, diff: Bool, output: ByteStream, errors: ByteStream) {
    self.command = command
    self.diff = diff
    self.output = output
    self.errors = errors
  }

  func report(_ file: FileReport) {
    for accepted in file.suppressed {
      suppressed.append(
        Suppressed(
          path: file.path, line: accepted.finding.line, column: accepted.finding.column,
          rule: accepted.finding.rule.rawValue, message: accepted.finding.message, reason: accepted.reason,
          kind: accepted.kind.rawValue))
    }
    for finding in file.findings {
      items.append(
        Item(
          path: file.path, line: finding.line, column: finding.column, rule: finding.rule.rawValue,
          severity: finding.severity.rawValue, message: finding.message, section: finding.section))
    }
    if file.changed || (command == .migrate && !file.injections.isEmpty) {
      files.append(
        ChangedFile(
          path: file.path, changed: file.changed,
          diff: diff && file.changed ? String(decoding: file.diff, as: UTF8.self) : nil,
          destination: file.destination,
          injections: command == .migrate ? file.injections.map(Injection.init) : nil))
    }
  }

  func finish(_ summary: RunSummary) {
    let document = Document(
      command: command.rawValue, findings: items, suppressed: suppressed, files: files,
      summary: Summary(
        scanned: summary.scanned, changed: summary.changed, unchanged: summary.unchanged,
        needingReview: summary.needingReview, errors: summary.errors, findings: summary.findings,
        filesWithFindings: summary.withFindings, namedValuesToCleanUp: summary.namedValuesToCleanUp,
        namedValuesStillReferenced: summary.namedValuesStillReferenced, suppressed: summary.suppressed,
        cleanUp: command == .migrate ? summary.cleanUp : nil,
        resources: command == .migrate
          ? summary.audiences.mapValues { sources in
            Dictionary(uniqueKeysWithValues: sources.map { ($0.key.rawValue, $0.value) })
          } : nil))
    output.writeJSON(document)
    errors.writeLines(summary.lines(for: command))
  }
}
