import PolicyRewrite

/// Passes every report on to another reporter and keeps the findings (and those a previous
/// baseline accepted), for `check --write-baseline`.
public final class BaselineRecorder: Reporter {
  private let next: any Reporter
  /// The findings seen so far, each with the bytes of its file's path.
  public private(set) var findings: [(path: [UInt8], finding: Finding)] = []

  /// Creates a recorder in front of `next`.
  public init(_ next: any Reporter) {
    self.next = next
  }

  /// Keeps the file's findings and passes the report on.
  public func report(_ file: FileReport) {
    if file.isInput {
      let path = file.pathBytes ?? Array(file.path.utf8)
      findings += file.findings.map { (path, $0) }
      findings += file.suppressed.filter { $0.kind == .baseline }.map { (path, $0.finding) }
    }
    next.report(file)
  }

  /// Passes the totals on.
  public func finish(_ summary: RunSummary) { next.finish(summary) }
}
