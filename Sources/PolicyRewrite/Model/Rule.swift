import PolicyDOM

/// The stable identifiers of the analysis rules: what policy-rewrite finds in a policy or
/// template.
///
/// The raw value is the rule id shown in text output (`[key-injection]`), used as the SARIF
/// `ruleId` and in JSON. Ids never change meaning once published. What each rule means is in
/// its ``RuleDescription`` (``RuleCatalog``), kept next to the code that reports it. What is
/// reported about the run rather than a policy (a file that cannot be read or parsed, a map
/// entry that matches nothing) is an ``OperationalDiagnostic``; ``FindingID`` is either.
public enum Rule: String, Sendable, Hashable, CaseIterable {
  case keyInjection = "key-injection"
  case keyOutsideInbound = "key-outside-inbound"
  case keyInResponse = "key-in-response"
  case unresolvableHeaderName = "unresolvable-header-name"
  case unresolvableExistsAction = "unresolvable-exists-action"
  case fragmentInboundOnly = "fragment-inbound-only"
  case literalKey = "literal-key"
  case keyInQueryParameter = "key-in-query-parameter"
  case keyInURL = "key-in-url"
  case backendCredentials = "backend-credentials-key"
  case undecodableEmbeddedPolicy = "undecodable-embedded-policy"
  case managedIdentityConflict = "managed-identity-conflict"
  case conflictingResources = "conflicting-resources"
  case authorizationWriter = "authorization-writer"
  case authorizationReaderAfterManagedIdentity = "authorization-reader-after-managed-identity"
  case authorizationTokenReplaced = "authorization-token-replaced"
  case keyVariable = "key-variable"
  case authorizationChildScope = "authorization-child-scope"
  case authorizationParentScope = "authorization-parent-scope"
  case authorizationPossibleReader = "authorization-possible-reader"
  case authorizationOtherBackend = "authorization-other-backend"
  case skippedKeyInjection = "skipped-key-injection"
  case templateDirective = "template-directive"
  case sharedDefaultResource = "shared-default-resource"
  case workspaceScope = "workspace-scope"
  case functionAuthLevel = "function-auth-level"
  case functionAppWithoutEntraAuth = "function-app-without-entra-auth"
  case audienceMismatch = "audience-mismatch"
  case apimIdentityMissing = "apim-identity-missing"
  case apimCallerNotAllowed = "apim-caller-not-allowed"
  case allowedCallerObjectID = "allowed-caller-object-id"
  case scopeUnknown = "scope-unknown"
  case unresolvedFragment = "unresolved-fragment"
  case childScopesNotScanned = "child-scopes-not-scanned"
  case parentScopesNotScanned = "parent-scopes-not-scanned"
  case childScopeUnreadable = "child-scope-unreadable"
  case parentScopeUnreadable = "parent-scope-unreadable"
  case fragmentIncludedOutsideInbound = "fragment-included-outside-inbound"
  case managedIdentityOutputVariable = "managed-identity-output-variable"
  case managedIdentityTokenVariable = "managed-identity-token-variable"

  /// This rule's description: severity, whether it fails `check`, summary, explanation and
  /// examples (``FindingID`` reads the same for any id).
  public var details: RuleDescription { RuleCatalog.description(of: .rule(self)) }
}
