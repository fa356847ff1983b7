import PolicyDOM
import PolicyRewrite

extension Frontend {
  /// The verdicts of the Function Apps; for `check`, the blockers of apps already called with
  /// Managed Identity are reported as findings.
  func finishReadiness(
    _ collector: ReadinessCollector, tracker: inout SummaryTracker, reporter: any Reporter
  ) -> FunctionAppsReport {
    let found = collector.finish(
      backends: tracker.summary.backends, map: options.configuration.resources, absolutePath: absolutePath)
    if options.command == .check {
      for var report in found.checkReports(ignoring: options.ignoredRules) {
        // A baseline accepts a readiness finding as it accepts any other.
        if let baseline = options.baseline {
          (report.findings, report.suppressed) = baseline.apply(
            to: report.findings, path: report.pathBytes ?? Array(report.path.utf8))
        }
        tracker.add(report)
        reporter.report(report)
      }
    }
    return found
  }
}
