import PolicyDOM

/// Everything a user needs to know about one rule id: what it reports, how serious it is,
/// whether it fails `check`, and an example of the policy it reports and of the fix.
///
/// Each rule keeps its description next to its code (an analysis rule as its type's
/// `description`); ``RuleCatalog`` lists them all, and `Rule`'s `summary`, `defaultSeverity`
/// and `isFailure` read from it, so no second table has to be kept in step.
public struct RuleDescription: Sendable, Hashable {
  /// What a finding of a rule is about.
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    /// A key, or a way a key reaches a Function App, found in a policy or template.
    case key
    /// A reason a key injection is held for review, or a note on what the migration changes.
    case review
    /// About the run rather than a policy: a file that could not be read, parsed or written,
    /// a path that was skipped, a map entry or suppression that is wrong or unused.
    case operational
    /// Something outside the policies (the Function App's authentication, its code, APIM's
    /// identity) that makes a call with a token and no key fail with 401.
    case readiness
  }

  /// The id: an analysis rule's or an operational diagnostic's.
  public let id: FindingID
  /// What a finding of the rule is about.
  public let kind: Kind
  /// The severity a finding of the rule usually has.
  public let defaultSeverity: Severity
  /// Whether a finding means the file could not be handled (exit status 2): such a finding
  /// can be neither ignored nor suppressed.
  public let isFailure: Bool
  /// One sentence: what a finding means.
  public let summary: String
  /// Why the rule exists and what to do about a finding, in a few sentences.
  public let explanation: String
  /// A short policy (or template) fragment the rule reports; empty when the rule is not about
  /// a policy's text.
  public let example: String
  /// The same fragment once fixed; empty when there is no single fix.
  public let fix: String
  /// What a policy must hold for the rule to report on it (``CheckNeedles`` is their union);
  /// empty when the rule does not report from a policy's analysis.
  package let needles: Set<CheckNeedles.Needle>

  /// Creates the description of an analysis rule; `kind` is not ``Kind/operational``.
  public init(
    rule: Rule, kind: Kind, defaultSeverity: Severity, isFailure: Bool = false, summary: String,
    explanation: String, example: String = "", fix: String = ""
  ) {
    self.init(
      rule: rule, kind: kind, defaultSeverity: defaultSeverity, isFailure: isFailure, needles: [], summary: summary,
      explanation: explanation, example: example, fix: fix)
  }

  /// Creates the description of an analysis rule that reports on a policy holding one of
  /// `needles`.
  package init(
    rule: Rule, kind: Kind, defaultSeverity: Severity, isFailure: Bool = false, needles: Set<CheckNeedles.Needle>,
    summary: String, explanation: String, example: String = "", fix: String = ""
  ) {
    precondition(kind != .operational, "'\(rule.rawValue)': an operational diagnostic is an OperationalDiagnostic")
    self.init(
      id: .rule(rule), kind: kind, defaultSeverity: defaultSeverity, isFailure: isFailure, needles: needles,
      summary: summary, explanation: explanation, example: example, fix: fix)
  }

  /// Creates the description of an operational diagnostic (of ``Kind/operational``).
  public init(
    diagnostic: OperationalDiagnostic, defaultSeverity: Severity, isFailure: Bool = false, summary: String,
    explanation: String, example: String = "", fix: String = ""
  ) {
    self.init(
      id: .operational(diagnostic), kind: .operational, defaultSeverity: defaultSeverity, isFailure: isFailure,
      needles: [], summary: summary, explanation: explanation, example: example, fix: fix)
  }

  private init(
    id: FindingID, kind: Kind, defaultSeverity: Severity, isFailure: Bool, needles: Set<CheckNeedles.Needle>,
    summary: String, explanation: String, example: String, fix: String
  ) {
    self.needles = needles
    self.id = id
    self.kind = kind
    self.defaultSeverity = defaultSeverity
    self.isFailure = isFailure
    self.summary = summary
    self.explanation = explanation
    self.example = example
    self.fix = fix
  }

  /// Whether a finding of the rule, at its default severity, makes `check` fail: exit status 1
  /// for a finding, 2 for a failure. Notes are printed and do not fail.
  public var failsCheck: Bool { defaultSeverity != .note }
}
