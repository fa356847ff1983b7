import PolicyDOM
import PolicyRewrite

/// Writes findings as `PATH:LINE:COL: severity: message [rule-id]` on standard error and
/// diffs on standard output.
final class TextReporter: Reporter {
  private let command: Frontend.Command
  private let color: Bool
  private let diff: Bool
  private let output: ByteStream
  private let errors: ByteStream

  init(command: Frontend.Command, color: Bool, diff: Bool, output: ByteStream, errors: ByteStream) {
    self.command = command
    self.color = color
    self.diff = diff
    self.output = output
    self.errors = errors
  }

  func report(_ file: FileReport) {
    if diff, !file.diff.isEmpty {
      output.write(file.diff)
      output.flush()
    }
    for finding in file.findings {
      errors.write(Self.line(for: finding, path: file.path, color: color))
      errors.write("\n")
    }
    errors.flush()
  }

  func finish(_ summary: RunSummary) {
    output.flush()
    errors.writeLines(summary.lines(for: command).map(Escaping.terminal))
  }

  /// One finding in the text format; the path and the message are escaped for a terminal.
  static func line(for finding: Finding, path: String, color: Bool) -> String {
    let location = "\(Escaping.terminal(path)):\(finding.line):\(finding.column):"
    let message = Escaping.terminal(finding.message)
    let severity = finding.severity.rawValue
    guard color else { return "\(location) \(severity): \(message) [\(finding.rule.rawValue)]" }
    let code =
      switch finding.severity {
      case .error: "\u{1B}[1;31m"
      case .warning: "\u{1B}[1;33m"
      case .note: "\u{1B}[1;36m"
      }
    return
      "\u{1B}[1m\(location)\u{1B}[0m \(code)\(severity):\u{1B}[0m \(message) \u{1B}[2m[\(finding.rule.rawValue)]\u{1B}[0m"
  }
}
