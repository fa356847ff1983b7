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
  ///   - quiet: Whether text output keeps only errors and the one-line total.
  ///   - colorDiff: Whether text diffs on standard output are coloured (as `git diff` on a terminal).
  public func makeReporter(
    command: Frontend.Command, color: Bool, diff: Bool, quiet: Bool = false, colorDiff: Bool = false
  ) -> any Reporter {
    let output = ByteStream.standardOutput()
    let errors = ByteStream.standardError()
    switch self {
    case .text:
      return TextReporter(
        command: command, color: color, diff: diff, quiet: quiet, colorDiff: colorDiff, output: output, errors: errors)
    case .json: return JSONReporter(command: command, diff: diff, output: output, errors: errors)
    case .sarif: return SARIFReporter(command: command, diff: diff, output: output, errors: errors)
    case .github: return GitHubReporter(command: command, diff: diff, output: output, errors: errors)
    }
  }
}

extension RunSummary {
  /// `1 file`, `2 files`: a count with its noun in the right number.
  static func count(_ number: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(number) \(number == 1 ? singular : plural ?? singular + "s")"
  }

  /// The closing lines every format writes on standard error; the first is the one-line total.
  func lines(for command: Frontend.Command) -> [String] {
    var lines: [String]
    switch command {
    case .migrate:
      let outcome =
        switch output {
        case .none: "\(changed) would change"
        case .inPlace: "\(changed) rewritten"
        case .directory(let directory): "\(changed) written to \(directory)"
        }
      let accepted =
        acceptedInjections > 0 ? ", \(Self.count(acceptedInjections, "injection")) left as accepted" : ""
      lines = [
        "policy-rewrite migrate: \(Self.count(scanned, "file")) scanned, \(outcome), \(unchanged) unchanged, \(needingReview) needing review\(accepted), \(errors) with errors"
      ]
      if !audiences.isEmpty { lines.append("resources: " + audienceList) }
      let cleanUp = self.cleanUp.filter { $0.stillReferencedBy == nil }
      let kept = self.cleanUp.filter { $0.stillReferencedBy != nil }
      if !cleanUp.isEmpty {
        // One named value a line: a run over a whole repository lists hundreds.
        lines.append(
          "named values that held keys and are no longer referenced (delete them and their Key Vault secrets after the switch):"
        )
        lines += Escaping.cappedLines(cleanUp.map(\.text))
      }
      if !kept.isEmpty {
        lines.append("named values that held keys and are still referenced elsewhere (keep them for now):")
        lines += Escaping.cappedLines(kept.map(\.text))
      }
    case .check:
      let accepted = suppressed > 0 ? ", \(suppressed) suppressed" : ""
      lines = [
        "policy-rewrite check: \(Self.count(scanned, "file")) scanned, \(Self.count(findings, "finding")) in \(Self.count(withFindings, "file"))\(accepted), \(errors) with errors"
      ]
    case .plan:
      lines = [
        "policy-rewrite plan: \(Self.count(scanned, "file")) scanned, \(needingReview) needing review, \(errors) with errors"
      ]
    }
    return lines
  }

  /// `R: N (namedValue 2, path 1); …`: rewritten injections per resource and where it came from.
  var audienceList: String {
    Escaping.cappedList(
      audiences.keys.sorted().map { resource in
        let sources = audiences[resource] ?? [:]
        let total = sources.values.reduce(0, +)
        let detail = ResourceResolution.Source.allCases.compactMap { source in
          sources[source].map { "\(source.rawValue) \($0)" }
        }
        return "\(resource): \(total) (\(detail.joined(separator: ", ")))"
      }, separator: "; ")
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
