import FoundationEssentials
import PolicyDOM
import PolicyRewrite

/// Receives each file's report, in path order, and the totals at the end.
public protocol Reporter: AnyObject {
  /// Called once per file, in path order.
  func report(_ file: FileReport)
  /// Called once, after the last file.
  func finish(_ summary: RunSummary)
}

/// The output formats of `migrate` and `check`.
public enum ReportFormat: String, Sendable, CaseIterable {
  /// `PATH:LINE:COL: severity: message [rule-id]` on standard error; the diff on standard output.
  case text
  /// One JSON document on standard output.
  case json
  /// SARIF 2.1.0 on standard output, for code scanning.
  case sarif
  /// GitHub Actions workflow commands on standard output.
  case github

  /// Creates the reporter for this format.
  /// - Parameters:
  ///   - command: The command being run.
  ///   - color: Whether text output uses ANSI colours.
  ///   - diff: Whether changed files' diffs are written.
  public func makeReporter(command: Frontend.Command, color: Bool, diff: Bool) -> any Reporter {
    let output = ByteStream.standardOutput()
    let errors = ByteStream.standardError()
    switch self {
    case .text: return TextReporter(command: command, color: color, diff: diff, output: output, errors: errors)
    case .json: return JSONReporter(command: command, diff: diff, output: output, errors: errors)
    case .sarif: return SARIFReporter(command: command, diff: diff, output: output, errors: errors)
    case .github: return GitHubReporter(command: command, diff: diff, output: output, errors: errors)
    }
  }
}

extension RunSummary {
  /// The closing lines every format writes on standard error.
  func lines(for command: Frontend.Command) -> [String] {
    var lines: [String]
    switch command {
    case .migrate:
      lines = [
        "policy-rewrite migrate: \(scanned) files scanned, \(changed) changed, \(unchanged) unchanged, \(needingReview) needing review, \(errors) with errors"
      ]
      if !namedValuesToCleanUp.isEmpty {
        lines.append(
          "named values that held keys and are no longer referenced (delete them and their Key Vault secrets after the switch): \(namedValuesToCleanUp.joined(separator: ", "))"
        )
      }
      if !namedValuesStillReferenced.isEmpty {
        let list = namedValuesStillReferenced.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }
        lines.append(
          "named values that held keys and are still referenced elsewhere (keep them for now): \(list.joined(separator: ", "))"
        )
      }
    case .check:
      lines = [
        "policy-rewrite check: \(scanned) files scanned, \(findings) findings in \(withFindings) files, \(errors) with errors"
      ]
    }
    return lines
  }
}

extension ByteStream {
  /// Writes `value` as pretty-printed JSON with sorted keys and a final newline, then flushes.
  func writeJSON(_ value: some Encodable) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if let data = try? encoder.encode(value) {
      write(data)
      write("\n")
    }
    flush()
  }

  /// Writes each line with a newline, then flushes.
  func writeLines(_ lines: [String]) {
    for line in lines { write(line + "\n") }
    flush()
  }
}
