import PolicyDOM

/// The stable identifiers of what policy-rewrite reports about a run rather than about a
/// policy's content: a file that could not be read, parsed, verified or written, a path that
/// was skipped, a resource map entry or suppression that is wrong or unused.
///
/// They share the wire format of ``Rule`` (the raw value is the id in text, JSON and SARIF
/// output), but are a type of their own, so that an analysis rule (``AnalysisRule``,
/// ``KeyInjection``) cannot report one. What each means is in its ``RuleDescription``, kept
/// next to the code that reports it.
public enum OperationalDiagnostic: String, Sendable, Hashable, CaseIterable {
  case unresolvedResource = "unresolved-resource"
  case parseError = "parse-error"
  case ioError = "io-error"
  case skippedPath = "skipped-path"
  case verificationFailed = "verification-failed"
  case unusedMapEntry = "unused-map-entry"
  case strictMap = "strict-map"
  case unusedSuppression = "unused-suppression"
  case invalidSuppression = "invalid-suppression"
  case noPolicyFiles = "no-policy-files"
  case notAPolicy = "not-a-policy"
  case unsupportedFileType = "unsupported-file-type"

  /// This diagnostic's description: severity, summary and explanation.
  public var details: RuleDescription { RuleCatalog.description(of: .operational(self)) }
}
