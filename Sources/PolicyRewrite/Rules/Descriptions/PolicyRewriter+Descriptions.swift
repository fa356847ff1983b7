extension PolicyRewriter {
  /// The rules the entry point reports about a document as a whole.
  static let descriptions: [RuleDescription] = [
    RuleDescription(
      rule: .undecodableEmbeddedPolicy, kind: .key, defaultSeverity: .warning,
      summary:
        "An embedded policy that names a function key header is built by an expression or linked, so it cannot be decoded and rewritten.",
      explanation: """
        A Terraform, Bicep or ARM template builds the policy with an expression (concat, \
        format, replace…) or links it, so the tool cannot read the policy APIM receives. \
        Migrate it by hand, or move the policy into a file the template loads.
        """),
    RuleDescription(
      diagnostic: .parseError, defaultSeverity: .error, isFailure: true,
      summary: "The file is not a well-formed policy document.",
      explanation: """
        The policy could not be parsed, even with its expressions masked as APIM reads them. \
        The error gives the line and column; the file is not changed.
        """),
    RuleDescription(
      diagnostic: .verificationFailed, defaultSeverity: .error, isFailure: true,
      summary: "The rewritten policy failed verification (re-parse, idempotence or a remaining injection).",
      explanation: """
        Before anything is written, the rewritten policy is parsed and rewritten again; when \
        that fails or changes anything, the file is left as it was and this error names why.
        """),
    RuleDescription(
      rule: .workspaceScope, kind: .review, defaultSeverity: .note, needles: [.keyHeaderName],
      summary:
        "A workspace-scope policy was migrated: APIM's policy reference lists no workspace scope for authentication-managed-identity.",
      explanation: """
        The rewrite is the same as in other scopes, but Microsoft's reference does not list \
        workspaces among the scopes of authentication-managed-identity. Test the workspace's \
        API before the switch.
        """),
  ]
}
