extension EditPlanner {
  /// The rules about the resource (audience) each Managed Identity element gets.
  static let descriptions: [RuleDescription] = [
    RuleDescription(
      rule: .managedIdentityConflict, kind: .review, defaultSeverity: .error, isFailure: true,
      needles: [.keyHeaderName],
      summary:
        "An existing <authentication-managed-identity> names a different resource than the one resolved for the key.",
      explanation: """
        The place already has a Managed Identity element for another audience, and the key's \
        Function App would need a second one, which would overwrite the first token. The file \
        is left unchanged; correct the resource map or the policy.
        """),
    RuleDescription(
      rule: .conflictingResources, kind: .review, defaultSeverity: .error, isFailure: true, needles: [.keyHeaderName],
      summary: "Key injections that share one Managed Identity element resolve to different resources.",
      explanation: """
        Several injections in one <inbound> (or one send-request) get one Managed Identity \
        element, but they resolve to different audiences. The file is left unchanged; give \
        them one audience or split the policy.
        """),
    RuleDescription(
      diagnostic: .unresolvedResource, defaultSeverity: .error, isFailure: true,
      summary: "No resource (audience) is configured for a key injection.",
      explanation: """
        Every injection needs the audience of its Function App: a resource map entry for its \
        named value or path, or --resource. The file is left unchanged.
        """),
    RuleDescription(
      rule: .sharedDefaultResource, kind: .review, defaultSeverity: .warning, needles: [.keyHeaderName],
      summary:
        "One default resource covers the keys of several Function Apps: every app but the one it names will reject the token.",
      explanation: """
        Each Function App has its own Entra ID application and audience. A --resource or a map \
        default that resolves the keys of several named values gives them all one audience. Map \
        each key named value to its own app's audience.
        """),
  ]
}
