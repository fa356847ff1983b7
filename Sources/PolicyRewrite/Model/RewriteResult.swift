import PolicyDOM

/// What a rewrite of one document produced.
public struct RewriteResult: Sendable {
  /// The rewritten bytes; the input bytes when nothing changed or an error stopped the rewrite.
  public var output: [UInt8]
  /// Findings, ordered by line and column.
  public var findings: [Finding]
  /// Whether the file is a policy document (`<policies>` or `<fragment>` root).
  public var isPolicy: Bool
  /// Whether ``output`` differs from the input.
  public var changed: Bool
  /// Named values that held the keys of the injections removed by this rewrite.
  public var removedKeyNamedValues: Set<String>
  /// The number of injections left for review.
  public var reviewCount: Int
  /// Every key injection of a migration, with its resource, why, and its outcome.
  public var injections: [InjectionRecord] = []
  /// The edits of a changed file, in its own bytes (for a container, mapped to its encoding):
  /// `output` is `source` with them applied. The dry-run diff is built from them.
  package var edits: [TextEdit] = []
  /// Where the injections left as accepted start, for the verification's second rewrite.
  var acceptedOffsets: [Int] = []

  /// A result that leaves `source` as it is, with no findings yet.
  init(unchanged source: [UInt8], isPolicy: Bool = true) {
    self.init(
      output: source, findings: [], isPolicy: isPolicy, changed: false, removedKeyNamedValues: [], reviewCount: 0)
  }

  init(
    output: [UInt8], findings: [Finding], isPolicy: Bool, changed: Bool, removedKeyNamedValues: Set<String>,
    reviewCount: Int
  ) {
    self.output = output
    self.findings = findings
    self.isPolicy = isPolicy
    self.changed = changed
    self.removedKeyNamedValues = removedKeyNamedValues
    self.reviewCount = reviewCount
  }

  /// Whether any finding is an error (the output is then the input).
  public var hasErrors: Bool { findings.contains { $0.severity == .error } }

  /// Marks the injections that were to be rewritten (from index `start` on) as blocked: an
  /// error, or a piece that cannot be decoded, stops them.
  mutating func blockInjections(from start: Int = 0) {
    for index in injections.indices.dropFirst(start) where injections[index].outcome == .rewritten {
      injections[index].outcome = .blocked
    }
  }
}
