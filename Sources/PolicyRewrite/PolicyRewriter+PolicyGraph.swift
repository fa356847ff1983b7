import PolicyDOM

extension PolicyRewriter {
  /// What the policy graph says about a rewritten file (`rewrite-spec.md` §2c): a fragment
  /// included from outside `<inbound>` keeps its injections for review; a file with a key
  /// injection whose scope or included fragment is not known gets a warning for each gap, or
  /// an error that leaves it unchanged when the gaps are errors.
  func applyPolicyGraph(to result: RewriteResult, source: [UInt8], path: String) -> RewriteResult {
    var result = result
    guard !result.injections.isEmpty else { return result }
    if let outside = configuration.fragmentIncludesOutsideInbound[path], !outside.isEmpty,
      result.injections.contains(where: { $0.outcome == .rewritten })
    {
      let places =
        outside.prefix(3).joined(separator: ", ") + (outside.count > 3 ? " and \(outside.count - 3) more" : "")
      for record in result.injections where record.outcome == .rewritten {
        result.findings.append(
          Finding(
            rule: .fragmentIncludedOutsideInbound, severity: .warning,
            message:
              "the key injection at line \(record.line) is not rewritten: this fragment is included from outside <inbound> (\(places)), where <authentication-managed-identity> is not valid; migrate it by hand",
            line: record.line, column: 1))
      }
      for index in result.injections.indices where result.injections[index].outcome == .rewritten {
        result.injections[index].outcome = .review
        result.reviewCount += 1
      }
      Self.leaveUnchanged(&result, source: source)
    }
    if let gaps = configuration.policyGraphGaps[path] {
      let severity: Severity = configuration.policyGraphGapsAreErrors ? .error : .warning
      for rule in [Rule.scopeUnknown, .unresolvedFragment] {
        guard let message = gaps[rule] else { continue }
        result.findings.append(Finding(rule: rule, severity: severity, message: message, line: 1, column: 1))
      }
      if severity == .error, gaps.isEmpty == false {
        Self.leaveUnchanged(&result, source: source)
        result.blockInjections()
      }
    }
    result.findings.sort(by: Finding.locationOrder)
    return result
  }

  private static func leaveUnchanged(_ result: inout RewriteResult, source: [UInt8]) {
    result.output = source
    result.changed = false
    result.removedKeyNamedValues = []
  }
}
