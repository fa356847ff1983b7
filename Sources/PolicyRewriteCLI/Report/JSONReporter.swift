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
    /// The policy path of the finding's parent; absent where the finding is not in a policy.
    var section: String?
    /// Every place the message is about, when it names only the first few; absent otherwise.
    var related: [String]?
  }

  /// One scanned file and what happened to it.
  struct File: Encodable {
    var path: String
    /// `migrate`: `changed`, `unchanged`, `review` or `error`; `check`: `clean`, `findings` or `error`.
    var outcome: String
    var findings: Int
    var changed: Bool?
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

  /// The totals; `findings` is the length of the `findings` array, `filesWithFindings` the
  /// number of files in it that are not notes only.
  struct Summary: Encodable {
    var scanned: Int
    var changed: Int?
    var unchanged: Int?
    var needingReview: Int?
    var errors: Int
    var findings: Int
    var filesWithFindings: Int
    var suppressed: Int
    var namedValuesToCleanUp: [String]?
    var namedValuesStillReferenced: [String: String]?
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
    var files: [File]
    var summary: Summary
  }

  private let target: ReportTarget
  private var items: [Item] = []
  private var files: [File] = []
  private var suppressed: [Suppressed] = []

  init(_ target: ReportTarget) {
    self.target = target
  }

  func report(_ file: FileReport) {
    for accepted in file.suppressed {
      suppressed.append(
        Suppressed(
          path: file.path, line: accepted.finding.line, column: accepted.finding.column,
          rule: accepted.finding.id.rawValue, message: accepted.finding.message, reason: accepted.reason,
          kind: accepted.kind.rawValue))
    }
    for finding in file.findings {
      items.append(
        Item(
          path: file.path, line: finding.line, column: finding.column, rule: finding.id.rawValue,
          severity: finding.severity.rawValue, message: finding.message,
          section: finding.section.isEmpty ? nil : finding.section,
          related: finding.related.isEmpty ? nil : finding.related))
    }
    guard file.countsAsScanned else { return }
    let migrating = target.command == .migrate
    let outcome =
      if file.hasErrors {
        "error"
      } else if migrating {
        file.changed ? "changed" : file.needsReview ? "review" : "unchanged"
      } else {
        file.findings.contains { $0.severity != .note } ? "findings" : "clean"
      }
    files.append(
      File(
        path: file.path, outcome: outcome, findings: file.findings.count, changed: migrating ? file.changed : nil,
        diff: target.diff && file.changed ? String(decoding: file.diff, as: UTF8.self) : nil,
        destination: file.destination,
        injections: migrating && !file.injections.isEmpty ? file.injections.map(Injection.init) : nil))
  }

  func finish(_ summary: RunSummary) {
    let migrating = target.command == .migrate
    let withFindings = Set(
      items.filter { $0.severity != Severity.note.rawValue }.map(\.path)
    ).count
    let document = Document(
      command: target.command.rawValue, findings: items, suppressed: suppressed, files: files,
      summary: Summary(
        scanned: summary.scanned, changed: migrating ? summary.changed : nil,
        unchanged: migrating ? summary.unchanged : nil, needingReview: migrating ? summary.needingReview : nil,
        errors: summary.errors, findings: items.count, filesWithFindings: withFindings,
        suppressed: summary.suppressed,
        namedValuesToCleanUp: migrating ? summary.namedValuesToCleanUp : nil,
        namedValuesStillReferenced: migrating ? summary.namedValuesStillReferenced : nil,
        cleanUp: migrating ? summary.cleanUp : nil,
        resources: migrating
          ? summary.audiences.mapValues { sources in
            Dictionary(uniqueKeysWithValues: sources.map { ($0.key.rawValue, $0.value) })
          } : nil))
    target.finish(writing: document, summary)
  }
}
