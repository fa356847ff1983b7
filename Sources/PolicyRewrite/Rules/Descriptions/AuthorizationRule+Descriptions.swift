extension AuthorizationRule {
  /// The rules about the Authorization header, which the Managed Identity element writes.
  static let descriptions: [RuleDescription] = [
    RuleDescription(
      rule: .authorizationWriter, kind: .review, defaultSeverity: .warning, needles: [.keyHeaderName],
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
      needles: [.keyHeaderName],
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
      rule: .authorizationTokenReplaced, kind: .review, defaultSeverity: .note, needles: [.keyHeaderName],
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
      rule: .authorizationChildScope, kind: .review, defaultSeverity: .warning, needles: [.keyHeaderName],
      summary:
        "A key injection is not rewritten: a child scope reads, removes or writes the Authorization header after its <base />, where this scope's Managed Identity would already have replaced it.",
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
    RuleDescription(
      rule: .authorizationParentScope, kind: .review, defaultSeverity: .warning, needles: [.keyHeaderName],
      summary:
        "A key injection before a child scope's <base /> is not rewritten: a parent scope reads or removes the caller's Authorization header, which Managed Identity would already have replaced.",
      explanation: """
        A child scope's policies before its <base /> run before every parent scope's. An \
        injection there, rewritten, would put APIM's token in Authorization before the parent's \
        validate-jwt, check-header or delete runs: the parent would reject or strip it. Move the \
        injection after <base /> in the child, or move the parent's reader into the child. A \
        parent's <backend>, <outbound> and <on-error> run after the child's whole <inbound>: a \
        reader of the request's Authorization there (an expression, a send-request in copy \
        mode) holds every injection of the child's <inbound>, before or after its <base />.
        """,
      example: """
        <!-- apis/orders/policy.xml -->
        <inbound><base /><validate-jwt header-name="Authorization">…</validate-jwt></inbound>
        <!-- apis/orders/operations/get/policy.xml -->
        <inbound><choose><when condition="…"><set-header name="x-functions-key">…</set-header></when></choose><base /></inbound>
        """),
    RuleDescription(
      rule: .authorizationPossibleReader, kind: .review, defaultSeverity: .note, needles: [.keyHeaderName],
      summary:
        "A policy whose header name is a named value or an expression may read Authorization: the Managed Identity element is placed after it.",
      explanation: """
        validate-jwt, validate-azure-ad-token and check-header name their header with a \
        {{named value}} or an @(expression): if it resolves to Authorization, a Managed Identity \
        element before it would make every call fail. The element goes after it, and this note \
        says why.
        """,
      example: #"<validate-jwt header-name="{{jwt-header-name}}">…</validate-jwt>"#),
    RuleDescription(
      rule: .authorizationOtherBackend, kind: .review, defaultSeverity: .warning, needles: [.keyHeaderName],
      summary:
        "A key injection is not rewritten: a branch sends the request to a backend that is not a Function App, which would receive APIM's token instead of the caller's.",
      explanation: """
        A <choose> routes some requests to another backend (set-backend-service to a host that \
        is not the Function App). A Managed Identity element above the choose would replace the \
        caller's token for that backend too. Put the element into the branches that reach the \
        Function App by hand.
        """,
      example: """
        <set-header name="x-functions-key"><value>{{k}}</value></set-header>
        <choose><when condition="…"><set-backend-service base-url="https://legacy-api.example.com" /></when></choose>
        """),
    RuleDescription(
      rule: .skippedKeyInjection, kind: .review, defaultSeverity: .warning, needles: [.keyHeaderName],
      summary:
        "A key injection with exists-action=\"skip\" follows another injection of the same header: the skip never took effect, but as Managed Identity it would overwrite the token.",
      explanation: """
        Once the first injection set the header, a later exists-action="skip" did nothing. Both \
        rewritten, the second Managed Identity element would run and overwrite the first token, \
        possibly for another audience. Remove the dead injection by hand.
        """),
    RuleDescription(
      rule: .templateDirective, kind: .review, defaultSeverity: .warning, needles: [.keyHeaderName],
      summary:
        "A key injection is not rewritten: the Managed Identity element would move across a Terraform %{ if } or %{ for } directive.",
      explanation: """
        An injection inside a template directive is replaced in place, inside the same \
        directive. When the rewrite would need to place the element in another branch of the \
        template, or group injections from several branches, it is held: a directive is never \
        split, and the token must stay as conditional as the key was. So is a key beside a \
        Managed Identity element already there that stands in a directive branch the key is \
        not in: when the template renders without it, the backend would get neither key nor \
        token.
        """),
    RuleDescription(
      rule: .managedIdentityOutputVariable, kind: .review, defaultSeverity: .warning, needles: [.keyHeaderName],
      summary:
        "A key injection is not rewritten: the Managed Identity element already there puts its token into a variable (output-token-variable-name), which may never reach the Authorization header.",
      explanation: """
        An <authentication-managed-identity> with the key's resource stands for the key only \
        when its token reaches the backend. With output-token-variable-name, the documentation \
        sets Authorization by hand from the variable, and the policy toolkit's emulator stores \
        the token only in the variable: removing the key could leave the Function App with \
        neither key nor token (401). The element counts as in place only when the next element \
        after it, in the same place, is <set-header name="Authorization" \
        exists-action="override"> whose one value is @("Bearer " + \
        (string)context.Variables["…"]) with that variable; never inside a send-request. Add \
        that set-header, or migrate by hand.
        """,
      example: """
        <authentication-managed-identity resource="api://orders-func" output-token-variable-name="token" />
        <set-header name="x-functions-key"><value>{{k}}</value></set-header>
        """,
      fix: """
        <authentication-managed-identity resource="api://orders-func" output-token-variable-name="token" />
        <set-header name="Authorization" exists-action="override">
          <value>@("Bearer " + (string)context.Variables["token"])</value>
        </set-header>
        """),
  ]
}
