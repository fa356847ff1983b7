extension KeyInjectionRule {
  /// The rules this analysis reports: the key injection itself and the places where one
  /// cannot be rewritten.
  static let descriptions: [RuleDescription] = [
    RuleDescription(
      rule: .keyInjection, kind: .key, defaultSeverity: .error, needles: [.keyHeaderName],
      summary:
        "A set-header injects an Azure Functions key; authenticate with <authentication-managed-identity> instead.",
      explanation: """
        The policy sends the Function App's shared key in the x-functions-key header. `migrate` \
        removes the injection and places one <authentication-managed-identity> element in the \
        same <inbound> (after <base />, or after the last policy that reads or removes the \
        caller's Authorization header), or in place of a nested injection. The Function App must \
        accept the token (App Service Authentication with the audience given as `resource`) \
        before the policy is switched.
        """,
      example: """
        <set-header name="x-functions-key" exists-action="override">
          <value>{{orders-func-key}}</value>
        </set-header>
        """,
      fix: #"<authentication-managed-identity resource="api://orders-func" />"#),
    RuleDescription(
      rule: .keyOutsideInbound, kind: .key, defaultSeverity: .warning, needles: [.keyHeaderName],
      summary:
        "A function key is set in <backend>, <outbound> or <on-error> outside a <send-request>, where Managed Identity is not valid.",
      explanation: """
        <authentication-managed-identity> is valid only in <inbound> and inside <send-request>. \
        A key set in <outbound> or <on-error> goes to the caller, not to the Function App: it \
        leaks the key and should simply be removed. A key set in <backend> must be moved to \
        <inbound> by hand.
        """,
      example: """
        <outbound>
          <set-header name="x-functions-key" exists-action="override"><value>{{k}}</value></set-header>
        </outbound>
        """,
      fix: "<outbound>\n  <base />\n</outbound>"),
    RuleDescription(
      rule: .keyInResponse, kind: .key, defaultSeverity: .warning, needles: [.keyHeaderName],
      summary: "A function key is set as a header of a response returned to the client.",
      explanation: """
        A <return-response> carries a function key header to the caller: the key leaks to \
        whoever calls the API. Remove the header.
        """,
      example: """
        <return-response>
          <set-header name="x-functions-key"><value>{{k}}</value></set-header>
        </return-response>
        """,
      fix: "<return-response>\n  <set-status code=\"200\" />\n</return-response>"),
    RuleDescription(
      rule: .unresolvableHeaderName, kind: .key, defaultSeverity: .warning, needles: [.keyHeaderName],
      summary: "A set-header's name is a named value or an expression, so it may carry a function key.",
      explanation: """
        The header name is only known when APIM runs the policy ({{named-value}}, @(…), or a \
        template interpolation), so the tool cannot tell whether it is x-functions-key. It is \
        not rewritten; check what the name resolves to and migrate it by hand if it is a key. \
        If it may resolve to Authorization, it overwrites the token of an \
        <authentication-managed-identity> that runs before it.
        """,
      example: #"<set-header name="{{key-header}}" exists-action="override"><value>{{k}}</value></set-header>"#),
    RuleDescription(
      rule: .unresolvableExistsAction, kind: .key, defaultSeverity: .warning, needles: [.keyHeaderName],
      summary:
        "A function-key set-header's exists-action is an expression, so whether it injects the key is unknown.",
      explanation: """
        With exists-action "delete" a set-header removes the key; with any other value it sends \
        it. When the action is an expression or a template interpolation, the tool cannot tell \
        which, and holds the element for review.
        """,
      example: #"<set-header name="x-functions-key" exists-action="@(…)"><value>{{k}}</value></set-header>"#),
    RuleDescription(
      rule: .fragmentInboundOnly, kind: .review, defaultSeverity: .note, needles: [.keyHeaderName],
      summary: "Managed Identity in a policy fragment is valid only where the fragment is included from <inbound>.",
      explanation: """
        A key injection in a <fragment> is replaced in place. The element is valid only where \
        the fragment is included from <inbound> (or inside a <send-request>); check every \
        include-fragment of it.
        """,
      example: #"<fragment><set-header name="x-functions-key"><value>{{k}}</value></set-header></fragment>"#,
      fix: #"<fragment><authentication-managed-identity resource="api://orders-func" /></fragment>"#),
    RuleDescription(
      rule: .managedIdentityTokenVariable, kind: .review, defaultSeverity: .warning, needles: [.keyHeaderName],
      summary:
        "With --output-token-variable-name, the Managed Identity element written here puts its token into a variable; the policy must send it as Authorization.",
      explanation: """
        APIM's documentation sets Authorization by hand from the variable an \
        <authentication-managed-identity output-token-variable-name="…"> fills, and the policy \
        toolkit's emulator stores the token only there: unless the policy sends it, the \
        Function App gets neither key nor token (401). Add the documented set-header right \
        after the element, or migrate without the option.
        """,
      example: #"<authentication-managed-identity resource="api://orders-func" output-token-variable-name="token" />"#,
      fix: #"""
        <authentication-managed-identity resource="api://orders-func" output-token-variable-name="token" />
        <set-header name="Authorization" exists-action="override"><value>@("Bearer " + (string)context.Variables["token"])</value></set-header>
        """#),
    RuleDescription(
      rule: .fragmentIncludedOutsideInbound, kind: .review, defaultSeverity: .warning, needles: [.keyHeaderName],
      summary:
        "A fragment with a key injection is not rewritten: a scanned policy includes it from <backend>, <outbound> or <on-error>, where Managed Identity is not valid.",
      explanation: """
        A fragment runs wherever it is included. <authentication-managed-identity> is valid \
        only in <inbound> (and inside send-request), so a fragment included from another \
        section cannot hold it. Split the fragment, or move the include to <inbound>.
        """),
  ]
}
