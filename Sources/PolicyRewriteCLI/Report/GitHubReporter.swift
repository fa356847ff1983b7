import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#endif

/// Writes GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`).
///
/// GitHub shows at most 10 annotations of each type per step, so the first 10 errors,
/// warnings and notices become annotations and the rest are printed as plain lines; the
/// totals close the output, and when `GITHUB_STEP_SUMMARY` is set a Markdown summary is
/// appended to it: the count per rule, then the first findings, then how many more there are
/// (GitHub refuses a step summary over 1 MiB, exactly on a first run over a large repository).
///
/// Nothing from a file reaches the runner as a command: annotation properties and messages
/// are escaped (`Escaping.workflowProperty`, `Escaping.workflowData`), and plain lines and
/// diffs are written between `::stop-commands::TOKEN` and `::TOKEN::` with a random token, so
/// a name or a line holding `::stop-commands::` or `::add-mask::` is read as text. The job
/// summary is escaped as Markdown.
final class GitHubReporter: Reporter {
  static let annotationLimit = 10
  /// The most findings listed in the job summary.
  static let summaryRowLimit = 1_000
  /// The most bytes of findings listed in the job summary: with the counts per rule and the
  /// totals, the summary stays well under GitHub's 1 MiB.
  static let summaryTableBudget = 512 * 1024

  private let target: ReportTarget
  private var annotated: [Severity: Int] = [:]
  private var table: [String] = []
  private var tableBytes = 0
  private var unlisted = 0
  private var perRule: [FindingID: [Severity: Int]] = [:]

  init(_ target: ReportTarget) {
    self.target = target
  }

  func report(_ file: FileReport) {
    var plain: [UInt8] = []
    if target.diff, !file.diff.isEmpty { plain += file.diff }
    for finding in file.findings {
      let count = annotated[finding.severity, default: 0]
      if count < Self.annotationLimit {
        annotated[finding.severity] = count + 1
        target.output.write(Self.command(for: finding, path: file.path) + "\n")
      } else {
        plain += Array(
          (Escaping.workflowData(TextReporter.line(for: finding, path: file.path, color: false)) + "\n").utf8)
      }
      perRule[finding.id, default: [:]][finding.severity, default: 0] += 1
      let row =
        "| \(Escaping.markdown(file.path)):\(finding.line):\(finding.column) | \(finding.severity.rawValue) | \(finding.id.rawValue) | \(Escaping.markdown(finding.message)) |"
      if table.count < Self.summaryRowLimit, tableBytes + row.utf8.count + 1 <= Self.summaryTableBudget {
        table.append(row)
        tableBytes += row.utf8.count + 1
      } else {
        unlisted += 1
      }
    }
    if !plain.isEmpty {
      let token = Escaping.stopCommandsToken()
      target.output.write("::stop-commands::\(token)\n")
      target.output.write(plain)
      if plain.last != .lineFeed { target.output.write("\n") }
      target.output.write("::\(token)::\n")
    }
    target.output.flush()
  }

  func finish(_ summary: RunSummary) {
    let lines = summary.lines(for: target.command)
    // Once: in a workflow, standard output and error land in the same log.
    target.output.writeLines(lines.map(Escaping.workflowData))
    guard let path = getenv("GITHUB_STEP_SUMMARY").map({ String(cString: $0) }), !path.isEmpty else { return }
    var markdown =
      "### policy-rewrite \(target.command.rawValue)\n\n" + lines.map(Escaping.markdown).joined(separator: "\n\n")
      + "\n\n"
    if !perRule.isEmpty {
      markdown += "| rule | errors | warnings | notes |\n|---|---|---|---|\n"
      for rule in perRule.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
        let counts = perRule[rule] ?? [:]
        markdown +=
          "| \(rule.rawValue) | \(counts[.error] ?? 0) | \(counts[.warning] ?? 0) | \(counts[.note] ?? 0) |\n"
      }
      markdown += "\n"
    }
    if !table.isEmpty {
      markdown += "| location | severity | rule | message |\n|---|---|---|---|\n" + table.joined(separator: "\n") + "\n"
    }
    if unlisted > 0 {
      markdown +=
        "\n\(RunSummary.count(unlisted, "more finding", "more findings")) not listed here; see the SARIF or JSON artifact (`policy-rewrite check --format sarif` or `--format json`).\n"
    }
    if let handle = fopen(path, "a") {
      fputs(markdown, handle)
      fclose(handle)
    }
  }

  /// One finding as a workflow command.
  static func command(for finding: Finding, path: String) -> String {
    let type =
      switch finding.severity {
      case .error: "error"
      case .warning: "warning"
      case .note: "notice"
      }
    let properties = [
      "file=\(Escaping.workflowProperty(path))", "line=\(finding.line)", "col=\(finding.column)",
      "title=\(Escaping.workflowProperty("policy-rewrite \(finding.id.rawValue)"))",
    ]
    return "::\(type) \(properties.joined(separator: ","))::\(Escaping.workflowData(finding.message))"
  }
}
