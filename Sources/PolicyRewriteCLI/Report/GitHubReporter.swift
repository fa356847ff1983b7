import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#endif

/// Writes GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`).
///
/// GitHub shows at most 10 annotations of each type per step, so the first 10 errors,
/// warnings and notices become annotations and the rest are printed as plain lines; the
/// totals close the output, and when `GITHUB_STEP_SUMMARY` is set a Markdown table of every
/// finding is appended to it.
final class GitHubReporter: Reporter {
  static let annotationLimit = 10

  private let command: Frontend.Command
  private let diff: Bool
  private let output: ByteStream
  private let errors: ByteStream
  private var annotated: [Severity: Int] = [:]
  private var table: [String] = []

  init(command: Frontend.Command, diff: Bool, output: ByteStream, errors: ByteStream) {
    self.command = command
    self.diff = diff
    self.output = output
    self.errors = errors
  }

  func report(_ file: FileReport) {
    if diff, !file.diff.isEmpty { output.write(file.diff) }
    for finding in file.findings {
      let count = annotated[finding.severity, default: 0]
      if count < Self.annotationLimit {
        annotated[finding.severity] = count + 1
        output.write(Self.command(for: finding, path: file.path) + "\n")
      } else {
        output.write(TextReporter.line(for: finding, path: file.path, color: false) + "\n")
      }
      table.append(
        "| \(Self.cell(file.path)):\(finding.line):\(finding.column) | \(finding.severity.rawValue) | \(finding.rule.rawValue) | \(Self.cell(finding.message)) |"
      )
    }
    output.flush()
  }

  func finish(_ summary: RunSummary) {
    let lines = summary.lines(for: command)
    output.writeLines(lines)
    errors.writeLines(lines)
    guard let path = getenv("GITHUB_STEP_SUMMARY").map({ String(cString: $0) }), !path.isEmpty else { return }
    var markdown = "### policy-rewrite \(command.rawValue)\n\n" + lines.joined(separator: "\n\n") + "\n\n"
    if !table.isEmpty {
      markdown += "| location | severity | rule | message |\n|---|---|---|---|\n" + table.joined(separator: "\n") + "\n"
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
      "file=\(escapeProperty(path))", "line=\(finding.line)", "col=\(finding.column)",
      "title=\(escapeProperty("policy-rewrite \(finding.rule.rawValue)"))",
    ]
    return "::\(type) \(properties.joined(separator: ","))::\(escapeData(finding.message))"
  }

  /// Escapes a command's message (actions/toolkit `escapeData`).
  static func escapeData(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "%": result += "%25"
      case "\r": result += "%0D"
      case "\n": result += "%0A"
      case "\r\n": result += "%0D%0A"
      default: result.append(character)
      }
    }
    return result
  }

  /// Escapes a command's property value (actions/toolkit `escapeProperty`).
  static func escapeProperty(_ text: String) -> String {
    var result = ""
    for character in escapeData(text) {
      switch character {
      case ":": result += "%3A"
      case ",": result += "%2C"
      default: result.append(character)
      }
    }
    return result
  }

  private static func cell(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "|": result += "\\|"
      case "\n", "\r", "\r\n": result += " "
      default: result.append(character)
      }
    }
    return result
  }
}
