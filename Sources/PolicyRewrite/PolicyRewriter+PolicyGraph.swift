import PolicyDOM

extension PolicyRewriter {
  /// What the policy graph says about a rewritten file (`rewrite-spec.md` §2c): a file with a
  /// key injection whose scope or included fragment is not known gets a warning for each gap,
  /// or an error that leaves it unchanged when the gaps are errors; so does, with `--strict`,
  /// a file whose key is held because a child scope's policy could not be read; and, always, a
  /// file whose graph input does not parse (``RewriteConfiguration/policyGraphInputErrors``). (A fragment
  /// included from outside `<inbound>` is held by the key-injection rule itself.)
  func applyPolicyGraph(to result: RewriteResult, source: [UInt8], path: String) -> RewriteResult {
    var result = result
    guard !result.injections.isEmpty else { return result }
    if configuration.policyGraphGapsAreErrors,
      result.findings.contains(where: {
        [.childScopeUnreadable, .parentScopeUnreadable].contains($0.rule) && $0.severity == .error
      })
    {
      Self.leaveUnchanged(&result, source: source)
      result.blockInjections()
    }
    if let gaps = configuration.policyGraphGaps[path] {
      let severity: Severity = configuration.policyGraphGapsAreErrors ? .error : .warning
      for rule in [Rule.scopeUnknown, .unresolvedFragment, .childScopesNotScanned, .parentScopesNotScanned] {
        guard let message = gaps[rule] else { continue }
        let location = configuration.policyGraphGapLocations[path]?[rule]
        result.findings.append(
          Finding(
            rule: rule, severity: severity, message: message, line: location?.line ?? 1,
            column: location?.column ?? 1))
      }
      if severity == .error, gaps.isEmpty == false {
        Self.leaveUnchanged(&result, source: source)
        result.blockInjections()
      }
    }
    if let message = configuration.policyGraphInputErrors[path] {
      result.findings.append(Finding(rule: .scopeUnknown, severity: .error, message: message, line: 1, column: 1))
      Self.leaveUnchanged(&result, source: source)
      result.blockInjections()
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
