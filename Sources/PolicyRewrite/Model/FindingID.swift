import PolicyDOM

/// The id a ``Finding`` carries: an analysis rule's or an operational diagnostic's.
///
/// Both kinds share one namespace of ids (`key-injection`, `io-error`): output, baselines,
/// `--ignore-rule` and suppressions name either by its raw value.
public enum FindingID: Sendable, Hashable, CaseIterable, RawRepresentable {
  /// A finding about a policy's content.
  case rule(Rule)
  /// A finding about the run: a file or path that could not be handled, a map entry or a
  /// suppression.
  case operational(OperationalDiagnostic)

  /// Every id, in the order SARIF's rule list (and so each result's `ruleIndex`) and the
  /// messages that list the ids have always used: the operational diagnostics stand after
  /// `conflicting-resources`, where they stood when the ids were one enum.
  public static let allCases: [FindingID] = {
    let rules = Rule.allCases.map(FindingID.rule)
    let split = (Rule.allCases.firstIndex(of: .conflictingResources) ?? rules.count - 1) + 1
    return Array(rules[..<split]) + OperationalDiagnostic.allCases.map(FindingID.operational) + rules[split...]
  }()

  /// The id for `rawValue`, if it names a rule or an operational diagnostic.
  public init?(rawValue: String) {
    if let rule = Rule(rawValue: rawValue) {
      self = .rule(rule)
    } else if let diagnostic = OperationalDiagnostic(rawValue: rawValue) {
      self = .operational(diagnostic)
    } else {
      return nil
    }
  }

  /// The id as output writes it.
  public var rawValue: String {
    switch self {
    case .rule(let rule): rule.rawValue
    case .operational(let diagnostic): diagnostic.rawValue
    }
  }

  /// This id's description: severity, summary, explanation and examples.
  public var details: RuleDescription { RuleCatalog.description(of: self) }

  /// Whether a finding with this id means the file could not be handled (exit status 2),
  /// rather than something found in it: such a finding can be neither ignored nor suppressed.
  public var isFailure: Bool { details.isFailure }

  /// A one-sentence description, for SARIF rule metadata.
  public var summary: String { details.summary }

  /// The severity this id's findings usually have.
  public var defaultSeverity: Severity { details.defaultSeverity }
}
