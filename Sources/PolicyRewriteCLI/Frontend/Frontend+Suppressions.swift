import PolicyDOM
import PolicyRewrite

extension Frontend {
  /// Moves the findings that a suppression comment or the baseline accepts out of the report.
  /// Unused suppressions are reported by `check` only: `migrate` does not report what it rewrites.
  func applySuppressions(to report: inout FileReport, source: [UInt8], accepted: [Finding] = []) {
    let inline = InlineSuppressions(source, path: report.path)
    // The injections that migrate left because they are accepted: their `check` findings, so
    // that the comment or baseline entry that accepts them counts as used.
    var (kept, suppressed) = inline.apply(to: report.findings + accepted)
    if options.command != .check { kept.removeAll { $0.diagnostic == .unusedSuppression } }
    if let baseline = options.baseline {
      let (remaining, accepted) = baseline.apply(to: kept, path: report.pathBytes ?? Array(report.path.utf8))
      kept = remaining
      suppressed += accepted
    }
    report.findings = kept
    report.suppressed = suppressed
  }

  /// The `key-injection` findings of a file that a suppression comment or the baseline
  /// accepts: `migrate` leaves those injections as they are (`check` stays green on them).
  func acceptedInjections(_ bytes: [UInt8], kind: SourceKind, report: FileReport, as resourcePath: String)
    -> [Finding]
  {
    let path = report.pathBytes ?? Array(report.path.utf8)
    let hasComment = bytes.containsLiteral("policy-rewrite:")
    let inBaseline = options.baseline?.hasEntries(forPath: path) ?? false
    guard hasComment || inBaseline else { return [] }
    let injections = rewriter.check(bytes, path: resourcePath, kind: kind).findings.filter { $0.rule == .keyInjection }
    guard !injections.isEmpty else { return [] }
    var (kept, suppressed) = InlineSuppressions(bytes, path: report.path).apply(to: injections)
    if let baseline = options.baseline {
      let (_, accepted) = baseline.apply(to: kept, path: path)
      suppressed += accepted
      kept = []
    }
    return suppressed.map(\.finding)
  }
}
