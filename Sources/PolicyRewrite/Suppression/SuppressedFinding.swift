/// A finding that a person has accepted: silenced by a comment in the file or by a baseline.
public struct SuppressedFinding: Sendable, Hashable {
  /// Where the acceptance comes from.
  public enum Kind: String, Sendable, Hashable, Codable {
    /// A `policy-rewrite: ignore RULE (reason)` comment in the file.
    case inSource
    /// An entry of the `--baseline` file.
    case baseline
  }

  /// The finding.
  public var finding: Finding
  /// Why it is accepted: the comment's reason, or the baseline file.
  public var reason: String
  /// Where the acceptance comes from.
  public var kind: Kind

  /// Creates a suppressed finding.
  public init(finding: Finding, reason: String, kind: Kind) {
    self.finding = finding
    self.reason = reason
    self.kind = kind
  }
}
