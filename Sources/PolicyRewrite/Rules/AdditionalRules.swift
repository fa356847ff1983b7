import PolicyDOM

/// Analysis rules run after those of ``RulePipeline``, from the configuration
/// (``RewriteConfiguration/additionalRules``): how a rule that is not built in, such as a
/// test's rule, runs through the same pipeline, planning and verification as the built-in ones.
struct AdditionalRules: Hashable, Sendable {
  /// The rules, in the order they run.
  var rules: [any AnalysisRule.Type] = []

  static func == (lhs: AdditionalRules, rhs: AdditionalRules) -> Bool {
    lhs.rules.map(ObjectIdentifier.init) == rhs.rules.map(ObjectIdentifier.init)
  }

  func hash(into hasher: inout Hasher) {
    for rule in rules { hasher.combine(ObjectIdentifier(rule)) }
  }
}
