import PolicyDOM
import PolicyRewrite

/// Writes findings as `PATH:LINE:COL: severity: message [rule-id]` on standard error and
/// diffs on standard output.
///
/// `migrate` then lists each file it changes or leaves for review, in path order
/// (`would change: PATH`, `rewrote: PATH`, `wrote: DEST`, `needs review: PATH`), before the totals.
/// With `quiet`, `migrate` writes only errors and the one-line total (diffs still go to standard
/// output) and `check` only errors and warnings.
final class TextReporter: Reporter {
  private let command: Frontend.Command
  private let color: Bool
  private let diff: Bool
  private let quiet: Bool
  private let colorDiff: Bool
  private let output: ByteStream
  private let errors: ByteStream
  private var changed: [(path: String, destination: String?)] = []
  private var review: [String] = []

  init(
    command: Frontend.Command, color: Bool, diff: Bool, quiet: Bool = false, colorDiff: Bool = false,
    output: ByteStream, errors: ByteStream
  ) {
    self.colorDiff = colorDiff
    self.command = command
    self.color = color
    self.diff = diff
    self.quiet = quiet
    self.output = output
    self.errors = errors
  }

  func report(_ file: FileReport) {
    if diff, !file.diff.isEmpty {
      output.write(colorDiff ? Self.colored(diff: file.diff) : file.diff)
      output.flush()
    }
    for finding in file.findings
    where !quiet || finding.severity == .error
      || (command == .check && finding.severity == .warning)
    {
      errors.write(Self.line(for: finding, path: file.path, color: color))
      errors.write("\n")
    }
    errors.flush()
    guard command == .migrate, !file.hasErrors else { return }
    if file.changed { changed.append((file.path, file.destination)) }
    if file.needsReview && file.isInput { review.append(file.path) }
  }

  func finish(_ summary: RunSummary) {
    output.flush()
    let lines = summary.lines(for: command).map(Escaping.terminal)
    if quiet {
      // check --quiet (pre-commit runs it once per batch of files) writes no summary at all.
      errors.writeLines(command == .check ? [] : Array(lines.prefix(1)))
      return
    }
    var files: [String] = []
    for file in changed {
      switch summary.output {
      case .none: files.append("would change: \(Escaping.terminalPath(file.path))")
      case .inPlace: files.append("rewrote: \(Escaping.terminalPath(file.path))")
      case .directory: files.append("wrote: \(Escaping.terminalPath(file.destination ?? file.path))")
      }
    }
    files += review.map { "needs review: \(Escaping.terminalPath($0))" }
    errors.writeLines(files + lines)
  }

  /// One finding in the text format; the path and the message are escaped for a terminal.
  static func line(for finding: Finding, path: String, color: Bool) -> String {
    let location = "\(Escaping.terminalPath(path)):\(finding.line):\(finding.column):"
    let message = Escaping.terminal(finding.message)
    let severity = finding.severity.rawValue
    guard color else { return "\(location) \(severity): \(message) [\(finding.id.rawValue)]" }
    let code =
      switch finding.severity {
      case .error: "\u{1B}[1;31m"
      case .warning: "\u{1B}[1;33m"
      case .note: "\u{1B}[1;36m"
      }
    return
      "\u{1B}[1m\(location)\u{1B}[0m \(code)\(severity):\u{1B}[0m \(message) \u{1B}[2m[\(finding.id.rawValue)]\u{1B}[0m"
  }

  /// A unified diff with `git diff`'s colours: bold headers, cyan hunks, red removals, green
  /// additions. Lines are split at LF only, so CR bytes stay where they are.
  static func colored(diff: [UInt8]) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(diff.count + diff.count / 8)
    var start = 0
    while start < diff.count {
      let end = diff[start...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? diff.count
      let line = diff[start..<end]
      let code: String? =
        if line.starts(with: Array("--- ".utf8)) || line.starts(with: Array("+++ ".utf8)) {
          "\u{1B}[1m"
        } else if line.first == UInt8(ascii: "@") {
          "\u{1B}[36m"
        } else if line.first == UInt8(ascii: "-") {
          "\u{1B}[31m"
        } else if line.first == UInt8(ascii: "+") {
          "\u{1B}[32m"
        } else {
          nil
        }
      if let code {
        let body = line.last == UInt8(ascii: "\n") ? line.dropLast() : line
        output += Array(code.utf8) + body + Array("\u{1B}[0m".utf8)
        if body.count < line.count { output.append(UInt8(ascii: "\n")) }
      } else {
        output += line
      }
      start = end
    }
    return output
  }
}
