import PolicyDOM

/// The analysis rules, in the order they run. A rule may read what the rules before it
/// found: the key-injection rule comes first, because the others look at its injections, and
/// the key-variable rule comes after the Authorization rule, whose review items keep
/// injections (and so the variables they read) in place.
enum RulePipeline {
  static let rules: [any AnalysisRule.Type] = [
    KeyInjectionRule.self,
    LiteralKeyRule.self,
    QueryParameterCodeRule.self,
    URLCodeRule.self,
    AuthorizationRule.self,
    KeyVariableRule.self,
  ]

  /// Runs every rule that the configuration does not turn off.
  static func run(on analysis: inout PolicyAnalysis) {
    let all = rules + analysis.configuration.additionalRules.rules
    for rule in all where !analysis.configuration.disabledRules.contains(rule.id) {
      rule.run(on: &analysis)
    }
  }
}
