extension AuthorizationRule {
  /// The rules about the Authorization header, which the Managed Identity element writes.
  static let descriptions: [RuleDescription] = [
    RuleDescription(
      rule: .authorizationWriter, kind: .review, defaultSeverity: .warning,
      summary:
        "A key injection is not rewritten: the policy also writes the Authorization header, which Managed Identity would overwrite or be overwritten by.",
      explanation: """
        <authentication-managed-identity> sets the request's Authorization header. When the same \
        pipeline already sets it (set-header Authorization, authentication-basic, another \
        Managed Identity element with another resource), one of the two values would be lost. \
        Decide which one the backend needs and migrate by hand.
        """,
      example: """
        <authentication-basic username="svc" password="{{pw}}" />
        <set-header name="x-functions-key"><value>{{k}}</value></set-header>
        """),
    RuleDescription(
      rule: .authorizationReaderAfterManagedIdentity, kind: .review, defaultSeverity: .warning,
      summary:
        "A key injection is not rewritten: a policy that runs after it reads or removes the caller's Authorization header, which Managed Identity would replace.",
      explanation: """
        A nested injection is replaced in place, so its Managed Identity element would run \
        before a later validate-jwt, check-header, delete of Authorization or expression that \
        reads it: that policy would see APIM's token instead of the caller's, and typically \
        answer 401. Move the injection after the reader by hand, or restructure the branch.
        """,
      example: """
        <choose><when condition="…">
          <set-header name="x-functions-key"><value>{{k}}</value></set-header>
        </when></choose>
        <validate-jwt header-name="Authorization">…</validate-jwt>
        """),
    RuleDescription(
      rule: .authorizationTokenReplaced, kind: .review, defaultSeverity: .note,
      summary: "After the migration the backend receives APIM's token in Authorization instead of the caller's.",
      explanation: """
        The policy reads the caller's Authorization header before the Managed Identity element \
        and does not remove it, so the backend used to receive the caller's token and now \
        receives APIM's. If the Function App needs the caller's token, copy it into another \
        header before the Managed Identity element (output-token-variable-name does not keep \
        the caller's token: it stores APIM's).
        """,
      example: """
        <validate-jwt header-name="Authorization">…</validate-jwt>
        <set-header name="x-functions-key"><value>{{k}}</value></set-header>
        """,
      fix: """
        <validate-jwt header-name="Authorization">…</validate-jwt>
        <set-header name="X-Caller-Authorization" exists-action="override">
          <value>@(context.Request.Headers.GetValueOrDefault("Authorization",""))</value>
        </set-header>
        <authentication-managed-identity resource="api://orders-func" />
        """),
    RuleDescription(
      rule: .authorizationChildScope, kind: .review, defaultSeverity: .warning,
      summary:
        "A key injection is not rewritten: a child scope reads or removes the caller's Authorization header after its <base />, where this scope's Managed Identity would already have replaced it.",
      explanation: """
        A parent scope's policy runs where each child scope's <base /> stands. A child (an \
        operation under an API, an API under a product or the global policy) that validates, \
        reads, removes or writes Authorization after its <base /> would see or overwrite APIM's \
        token. Move the reader before <base /> in the child, or migrate the child scopes first.
        """,
      example: """
        <!-- apis/orders/policy.xml -->
        <inbound><base /><set-header name="x-functions-key"><value>{{k}}</value></set-header></inbound>
        <!-- apis/orders/operations/get/policy.xml -->
        <inbound><base /><validate-jwt header-name="Authorization">…</validate-jwt></inbound>
        """),
  ]
}
