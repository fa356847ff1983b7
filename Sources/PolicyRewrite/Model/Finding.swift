import PolicyDOM

/// Something policy-rewrite reports about a file, at a line and column.
public struct Finding: Sendable, Hashable {
  /// What was found.
  public var rule: Rule
  /// How serious it is.
  public var severity: Severity
  /// A sentence for people; it never contains a secret.
  public var message: String
  /// The 1-based line.
  public var line: Int
  /// The 1-based column (in characters).
  public var column: Int
  /// Where in the policy it is, such as `inbound/choose/when`; empty when not known.
  public var section: String
  /// What the finding is about, for baseline fingerprints: a digest of the text of the
  /// element it is at (the header with its value, the variable, the URL), so that another key
  /// in the same place is another finding; empty when not known.
  public var subject = ""

  /// Creates a finding.
  public init(rule: Rule, severity: Severity, message: String, line: Int, column: Int, section: String = "") {
    self.rule = rule
    self.severity = severity
    self.message = message
    self.line = line
    self.column = column
    self.section = section
  }

  /// A finding about the whole file, at its first line and column.
  package static func onFile(_ rule: Rule, _ severity: Severity, _ message: String) -> Finding {
    Finding(rule: rule, severity: severity, message: message, line: 1, column: 1)
  }
}
