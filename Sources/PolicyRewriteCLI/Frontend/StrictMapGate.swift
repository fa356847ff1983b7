import PolicyRewrite

/// The run-wide decision of `migrate --strict-map --write` (or `--output-dir`): the whole run
/// is planned without writing, and when a key injection has no map entry, or an entry looks like
/// a typo of one, nothing is written at all. A script can then read exit status 2 as "nothing
/// happened", and a re-run after fixing the map starts from the same files.
struct StrictMapGate {
  let frontend: Frontend

  /// Keeps every report of the planning pass.
  private final class Collector: Reporter {
    var reports: [FileReport] = []
    func report(_ file: FileReport) { reports.append(file) }
    func finish(_ summary: RunSummary) {}
  }

  /// The reports to show instead of the run when it must not write, with nothing marked as
  /// changed and a closing error on the map; `nil` when the run may go ahead.
  func refusal(paths: [String]) -> [FileReport]? {
    var options = frontend.options
    options.output = .none
    options.wantsDiff = false
    options.showsProgress = false
    let collector = Collector()
    _ = Frontend(options: options, readAhead: frontend.readAhead, documents: frontend.documents).runFiles(
      paths: paths, reporter: collector)
    let blocking = collector.reports.reduce(0) { count, report in
      count
        + report.findings.count {
          $0.severity == .error && ($0.diagnostic == .unresolvedResource || $0.diagnostic == .strictMap)
        }
    }
    guard blocking > 0 else { return nil }
    var reports = collector.reports.map { report in
      var report = report
      report.changed = false
      report.diff = []
      report.removedKeyNamedValues = []
      report.destination = nil
      for index in report.injections.indices where report.injections[index].outcome == .rewritten {
        report.injections[index].outcome = .blocked
      }
      return report
    }
    // The closing error goes with the map's own findings (one report per path).
    let mapPath = frontend.options.resourceMapFile?.path ?? "<resource map>"
    let index = reports.lastIndex { $0.path == mapPath && !$0.isInput }
    var closing = index.map { reports[$0] } ?? FileReport(path: mapPath)
    closing.isPolicy = false
    closing.isInput = false
    closing.fail(
      .strictMap,
      "--strict-map: \(RunSummary.count(blocking, "key injection or map entry", "key injections or map entries")) not resolved; nothing was written"
    )
    closing.findings.sort { ($0.line, $0.column) < ($1.line, $1.column) }
    if let index { reports[index] = closing } else { reports.append(closing) }
    return reports
  }
}
