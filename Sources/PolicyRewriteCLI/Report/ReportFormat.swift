import FoundationEssentials
import PolicyDOM
import PolicyRewrite

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
    case .json: return JSONReporter(ReportTarget(command: command, diff: diff, output: output, errors: errors))
    case .sarif: return SARIFReporter(ReportTarget(command: command, diff: diff, output: output, errors: errors))
    case .github: return GitHubReporter(ReportTarget(command: command, diff: diff, output: output, errors: errors))
    }
  }
}
