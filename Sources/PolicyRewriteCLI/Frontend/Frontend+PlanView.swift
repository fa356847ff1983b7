import PolicyDOM
import PolicyRewrite

extension Frontend {
  /// What `plan` shows of a file: an injection with no resource yet is not an error there (the
  /// plan is how resources are chosen), so a file whose only errors are unresolved resources
  /// lists its injections as the migration would rewrite them once resources are given.
  static func planView(of report: inout FileReport) {
    let unresolved = report.findings.filter { $0.diagnostic == .unresolvedResource }
    guard !unresolved.isEmpty else { return }
    report.findings.removeAll { $0.diagnostic == .unresolvedResource }
    guard !report.findings.contains(where: { $0.severity == .error && $0.id.isFailure }) else { return }
    for index in report.injections.indices where report.injections[index].outcome == .blocked {
      report.injections[index].outcome = .rewritten
    }
  }
}
