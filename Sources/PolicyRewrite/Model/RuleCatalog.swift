/// Every rule's description, in the order `policy-rewrite rules` lists them.
///
/// A rule keeps its description next to its code; this list is the one place that names them
/// all. A new rule adds one line here (or one entry to the list of the component that reports
/// it), and `RuleCatalogTests` fails until every ``FindingID`` has exactly one description.
public enum RuleCatalog {
  /// All descriptions: the findings about keys first, then review items, then the run.
  public static let all: [RuleDescription] =
    KeyInjectionRule.descriptions
    + [
      LiteralKeyRule.description,
      QueryParameterCodeRule.description,
      URLCodeRule.description,
      KeyVariableRule.description,
      BackendCredentialScanner.description,
    ]
    + PolicyRewriter.descriptions.filter { $0.kind == .key }
    + AuthorizationRule.descriptions
    + PolicyGraph.descriptions
    + EditPlanner.descriptions
    + ReadinessAssessment.descriptions
    + PolicyRewriter.descriptions.filter { $0.kind != .key }
    + RunDiagnostics.descriptions

  private static let byID: [FindingID: RuleDescription] = Dictionary(
    all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

  /// The description of `id`.
  public static func description(of id: FindingID) -> RuleDescription {
    guard let description = byID[id] else { preconditionFailure("rule '\(id.rawValue)' has no description") }
    return description
  }
}
