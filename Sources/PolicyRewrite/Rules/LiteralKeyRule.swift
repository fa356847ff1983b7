import PolicyDOM

/// Reports a key injection whose value is a literal function key: a leaked secret.
///
/// Check: an error. Rewrite: a warning to rotate the key; the literal goes with its
/// injection (or stays with it, for review).
enum LiteralKeyRule: AnalysisRule {
  static let id = Rule.literalKey

  static func run(on analysis: inout PolicyAnalysis) {
    for injection in analysis.injections where injection.valueSource == .literal {
      analysis.report(
        id, .error, at: injection.element, section: injection.section, leaked(header: injection.headerName))
    }
  }

  /// In a migration, a literal key is removed with its injection (or left for review): a
  /// warning to rotate the key, not an error that stops the file.
  static func migrationFinding(_ finding: Finding) -> Finding {
    guard finding.rule == id else { return finding }
    var warning = finding
    warning.severity = .warning
    warning.message += stillInHistory
    return warning
  }
}

extension LiteralKeyRule {
  fileprivate static func leaked(header: String) -> String {
    "the value of header '\(header)' is a literal function key (a leaked secret): rotate the key and keep it in a Key Vault-backed named value"
  }

  fileprivate static let stillInHistory = " (it stays in the repository's history)"
}
