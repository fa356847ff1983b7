/// One key injection as the migration sees it: where it is, which key it sends, which resource
/// it gets and why, what happens to it and which Function App it reaches.
public struct InjectionRecord: Sendable, Hashable {
  /// What the migration does with the injection.
  public enum Outcome: String, Sendable, Hashable, Codable {
    /// Replaced by (or removed in favour of) an `<authentication-managed-identity>` element.
    case rewritten
    /// Left in place and reported for review.
    case review
    /// Left in place because the file has an error (no resource, a conflict, …).
    case blocked
    /// Left in place because a suppression comment or the baseline accepts it.
    case accepted
  }

  /// Where the key comes from, as far as it can be named without printing a secret.
  public enum Key: Sendable, Hashable {
    /// A named value, `{{name}}`, directly or through a variable.
    case namedValue(String)
    /// A deployment-time placeholder, such as `${fn_key}` or `{#token#}`, as written.
    case placeholder(String)
    /// A literal key (never shown).
    case literal
    /// A policy expression that could not be traced to a named value.
    case expression
    /// No `<value>`.
    case missing

    /// A short label: the named value or placeholder, or the kind of value in angle brackets.
    public var label: String {
      switch self {
      case .namedValue(let name): name
      case .placeholder(let text): text
      case .literal: "<literal key>"
      case .expression: "<expression>"
      case .missing: "<no value>"
      }
    }
  }

  /// The 1-based line of the `<set-header>`.
  public var line: Int
  /// The 1-based column of the `<set-header>`.
  public var column: Int
  /// The policy path of its parent, such as `inbound/choose/when`.
  public var section: String
  /// The header name as written.
  public var header: String
  /// The key it sends.
  public var key: Key
  /// The resource the map gives it, and why.
  public var resolution: ResourceResolution
  /// What the migration does with it.
  public var outcome: Outcome
  /// The Function App it reaches, when the policy says: `backend-id NAME` or a URL.
  public var target: BackendTarget?
  /// The scope of the policy that holds it.
  public var scope: PolicyScope

  /// Creates a record.
  public init(
    line: Int, column: Int, section: String, header: String, key: Key, resolution: ResourceResolution,
    outcome: Outcome, target: BackendTarget?, scope: PolicyScope
  ) {
    self.line = line
    self.column = column
    self.section = section
    self.header = header
    self.key = key
    self.resolution = resolution
    self.outcome = outcome
    self.target = target
    self.scope = scope
  }
}
