import PolicyDOM

/// One analysis rule: it reads what the walk of a document recorded (and what the rules
/// before it in ``RulePipeline`` found) and adds key injections or findings.
///
/// A rule keeps its id, severities and messages in its own file. A new rule is one new type
/// conforming to this protocol, one line in ``RulePipeline/rules``, and its tests.
protocol AnalysisRule: Sendable {
  /// The id that turns the rule off (``RewriteConfiguration/disabledRules``).
  static var id: Rule { get }

  /// Looks at the analysed document and records what the rule finds.
  static func run(on analysis: inout PolicyAnalysis)
}
