import PolicyDOM

/// Something policy-rewrite reports about a file, at a line and column.
public struct Finding: Sendable, Hashable {
  /// What was found: an analysis rule's id, or an operational diagnostic's.
  public var id: FindingID
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
  /// Every place the message is about when it names only the first few of them (`…; and 4
  /// more`), each as the message names it (`apis/a/operations/get/policy.xml:12, which reads
  /// the Authorization header after its <base /> (<validate-jwt>)`); empty otherwise.
  public var related: [String] = []

  /// Creates a finding of an analysis rule.
  public init(rule: Rule, severity: Severity, message: String, line: Int, column: Int, section: String = "") {
    self.init(id: .rule(rule), severity: severity, message: message, line: line, column: column, section: section)
  }

  /// Creates an operational diagnostic: about the run, not the policy's content.
  public init(
    diagnostic: OperationalDiagnostic, severity: Severity, message: String, line: Int, column: Int,
    section: String = ""
  ) {
    self.init(
      id: .operational(diagnostic), severity: severity, message: message, line: line, column: column, section: section)
  }

  /// Creates a finding with `id`.
  public init(id: FindingID, severity: Severity, message: String, line: Int, column: Int, section: String = "") {
    self.id = id
    self.severity = severity
    self.message = message
    self.line = line
    self.column = column
    self.section = section
  }

  /// A finding about the whole file, at its first line and column.
  package static func onFile(_ diagnostic: OperationalDiagnostic, _ severity: Severity, _ message: String) -> Finding {
    Finding(diagnostic: diagnostic, severity: severity, message: message, line: 1, column: 1)
  }

  /// The analysis rule that reported this finding, or `nil` for an operational diagnostic.
  public var rule: Rule? {
    guard case .rule(let rule) = id else { return nil }
    return rule
  }

  /// The operational diagnostic this finding is, or `nil` for a finding of an analysis rule.
  public var diagnostic: OperationalDiagnostic? {
    guard case .operational(let diagnostic) = id else { return nil }
    return diagnostic
  }
}
