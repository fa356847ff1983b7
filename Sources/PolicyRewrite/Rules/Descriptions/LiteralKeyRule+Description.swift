extension LiteralKeyRule {
  /// What this rule reports.
  static let description = RuleDescription(
    rule: .literalKey, kind: .key, defaultSeverity: .error, needles: [.keyHeaderName],
    summary:
      "A function key is written literally in a policy: a leaked secret to rotate and keep in a Key Vault-backed named value.",
    explanation: """
      The key's value is in the repository's history. Rotate it on the Function App, then \
      migrate the injection; the old key stays valid until it is rotated.
      """,
    example: #"<set-header name="x-functions-key"><value>q7yV…==</value></set-header>"#,
    fix: #"<authentication-managed-identity resource="api://orders-func" />"#)
}
