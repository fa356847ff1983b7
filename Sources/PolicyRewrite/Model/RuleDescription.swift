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

  /// The rule id.
  public let rule: Rule
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

  /// Creates a description.
  public init(
    rule: Rule, kind: Kind, defaultSeverity: Severity, isFailure: Bool = false, summary: String,
    explanation: String, example: String = "", fix: String = ""
  ) {
    self.rule = rule
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
