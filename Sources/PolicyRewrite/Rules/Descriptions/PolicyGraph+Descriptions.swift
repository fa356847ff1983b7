extension PolicyGraph {
  /// The rules about what the policy graph of a run does not know (`rewrite-spec.md` §2c).
  static let descriptions: [RuleDescription] = [
    RuleDescription(
      rule: .scopeUnknown, kind: .review, defaultSeverity: .warning, isFailure: true, needles: [.keyHeaderName],
      summary:
        "A policy with a key injection is not known to run at any scope (no layout or declaration says), so the checks across scopes were not made for it.",
      explanation: """
        Whether a rewrite is safe is decided on the pipeline APIM runs for each operation: \
        global, product, API, operation. A policy file that no APIOps folder, Terraform \
        resource or module argument, or Bicep or ARM resource applies has no known place in \
        it, so a parent's or child's reader of Authorization could not be looked for. Scan the \
        files that apply the policy too. With --strict this is an error and the file is left \
        unchanged.
        """),
    RuleDescription(
      rule: .unresolvedFragment, kind: .review, defaultSeverity: .warning, isFailure: true, needles: [.keyHeaderName],
      summary:
        "A policy with a key injection includes a fragment that none of the scanned files defines, so what the fragment does with Authorization is not known.",
      explanation: """
        An include-fragment runs the fragment where it stands. If the fragment validates or \
        deletes the caller's Authorization header, the Managed Identity element must go after \
        the include. Scan the repository that defines the fragment (APIOps folder, Terraform \
        azurerm_api_management_policy_fragment, Bicep or ARM policyFragments) too. With \
        --strict this is an error and the file is left unchanged.
        """,
      example: #"<include-fragment fragment-id="ioapp-authenticated-cache" />"#),
    RuleDescription(
      rule: .childScopesNotScanned, kind: .review, defaultSeverity: .warning, isFailure: true,
      needles: [.keyHeaderName],
      summary:
        "A policy with a key injection has child scopes on disk that the run did not read, so their readers of Authorization were not looked for.",
      explanation: """
        A run on one file or one folder of an APIOps tree sees the API policy but not the \
        operations beside it (or the global policy but not the APIs and products): if one of \
        them validates, removes or writes Authorization after its <base />, the API's Managed \
        Identity element breaks it. Run on the folder that holds the whole tree. With --strict \
        this is an error and the file is left unchanged.
        """),
    RuleDescription(
      rule: .parentScopesNotScanned, kind: .review, defaultSeverity: .warning, isFailure: true,
      needles: [.keyHeaderName],
      summary:
        "A policy with a key injection has parent scopes on disk that the run did not read, so their readers and writers of Authorization were not looked for.",
      explanation: """
        A run on one file or one folder of an APIOps tree sees an API or operation policy but \
        not the global, product or API policy above it: if one of them reads Authorization in \
        <backend>, <outbound> or <on-error> (which run after the whole <inbound>), reads or \
        removes it in <inbound> after a key before <base />, writes it, or routes requests to \
        another backend, the Managed Identity element breaks it or hands it APIM's token. Run \
        on the folder that holds the whole tree. With --strict this is an error and the file \
        is left unchanged.
        """),
    RuleDescription(
      rule: .childScopeUnreadable, kind: .review, defaultSeverity: .warning, isFailure: true,
      needles: [.keyHeaderName],
      summary:
        "A key injection is not rewritten: a child scope's policy could not be read (a URL, a variable, a file not in the run, a parse error, or an include of a fragment no scanned file defines), so whether it reads, removes or writes Authorization after its <base /> is not known.",
      explanation: """
        A parent scope's Managed Identity element runs inside every child scope's <base />. \
        When a child's policy is applied from xml_link, from a variable, or from a file() path \
        that names no file of the run, when it does not parse, or when it includes a fragment \
        that no scanned file defines, what runs after that <base /> is not known: if it \
        validates, removes or writes Authorization, the parent's token breaks the call (401). \
        The parent's <inbound> injections are left for review, naming the child and why. Scan \
        the files that hold the child's policy (or fix it) and run again. With --strict this \
        is an error and the file is left unchanged.
        """,
      example: #"xml_link = "https://example.com/policies/orders.xml""#),
    RuleDescription(
      rule: .parentScopeUnreadable, kind: .review, defaultSeverity: .warning, isFailure: true,
      needles: [.keyHeaderName],
      summary:
        "A key injection is not rewritten: a parent scope's policy is declared but could not be read (a file not in the run, a URL, a variable), so whether it reads, removes or writes Authorization, or routes requests elsewhere, is not known.",
      explanation: """
        A child scope's <inbound> runs the parent scopes' <inbound> at its <base />, and         their <backend>, <outbound> and <on-error> after it. When a Terraform, Bicep or ARM         declaration applies a global, product or API policy whose text the run cannot read         (its file was excluded or not named on the command line, it comes from xml_link or         from a variable), a key of the child replaced in place may run before the parent's         validate-jwt (401), or hand APIM's token to a reader or another backend. The child's         <inbound> injections are left for review, naming the parent's declaration and why it         cannot be read. Run on the files that hold the parent's policy too. With --strict         this is an error and the file is left unchanged.
        """,
      example: #"xml_content = file("./api/api_policy.xml")"#),
  ]
}
