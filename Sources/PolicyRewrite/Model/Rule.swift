import PolicyDOM

/// The stable identifiers of everything policy-rewrite reports.
///
/// The raw value is the rule id shown in text output (`[key-injection]`), used as the SARIF
/// `ruleId` and in JSON. Ids never change meaning once published.
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
  case authorizationWriter = "authorization-writer"
  case authorizationReaderAfterManagedIdentity = "authorization-reader-after-managed-identity"
  case authorizationTokenReplaced = "authorization-token-replaced"
  case keyVariable = "key-variable"
  case authorizationChildScope = "authorization-child-scope"
  case scopeUnknown = "scope-unknown"
  case unresolvedFragment = "unresolved-fragment"
  case fragmentIncludedOutsideInbound = "fragment-included-outside-inbound"
  case authorizationParentScope = "authorization-parent-scope"

  /// Whether a finding of this rule means the file could not be handled (exit status 2),
  /// rather than something found in it.
  public var isFailure: Bool {
    switch self {
    case .parseError, .ioError, .unsupportedFileType, .verificationFailed, .unresolvedResource,
      .managedIdentityConflict, .strictMap, .noPolicyFiles, .conflictingResources, .scopeUnknown, .unresolvedFragment:
      // The policy graph's gaps fail only as errors (`--strict`); as warnings they do not.
      true
    default:
      false
    }
  }

  /// A one-sentence description, for SARIF rule metadata and `--help`.
  public var summary: String {
    switch self {
    case .keyInjection:
      "A set-header injects an Azure Functions key; authenticate with <authentication-managed-identity> instead."
    case .keyOutsideInbound:
      "A function key is set in <backend>, <outbound> or <on-error> outside a <send-request>, where Managed Identity is not valid."
    case .keyInResponse:
      "A function key is set as a header of a response returned to the client."
    case .unresolvableHeaderName:
      "A set-header's name is a named value or an expression, so it may carry a function key."
    case .unresolvableExistsAction:
      "A function-key set-header's exists-action is an expression, so whether it injects the key is unknown."
    case .fragmentInboundOnly:
      "Managed Identity in a policy fragment is valid only where the fragment is included from <inbound>."
    case .literalKey:
      "A function key is written literally in a policy: a leaked secret to rotate and keep in a Key Vault-backed named value."
    case .keyInQueryParameter:
      "A function key is passed as the 'code' query parameter."
    case .keyInURL:
      "A URL carries a function key in its 'code' query parameter."
    case .backendCredentials:
      "A backend's credentials send a function key (x-functions-key header or code query parameter)."
    case .undecodableEmbeddedPolicy:
      "An embedded policy that names a function key header is built by an expression or linked, so it cannot be decoded and rewritten."
    case .managedIdentityConflict:
      "An existing <authentication-managed-identity> names a different resource than the one resolved for the key."
    case .conflictingResources:
      "Key injections that share one Managed Identity element resolve to different resources."
    case .unresolvedResource:
      "No resource (audience) is configured for a key injection."
    case .parseError:
      "The file is not a well-formed policy document."
    case .ioError:
      "The file could not be read or written."
    case .skippedPath:
      "A path on the command line was skipped: a symbolic link or not a regular file."
    case .unusedMapEntry:
      "A resource map entry matched no key injection in the run: a typo, or a path glob that matches nothing."
    case .strictMap:
      "With --strict-map, a resource map entry matched no key injection in the run."
    case .unusedSuppression:
      "A policy-rewrite: ignore comment accepts no finding: remove it."
    case .noPolicyFiles:
      "A path on the command line holds no policy file, so nothing was checked there (an error with --require-files)."
    case .notAPolicy:
      "A file named on the command line is not a policy document and holds no key."
    case .invalidSuppression:
      "A policy-rewrite: ignore comment has no reason, names an unknown rule or an error that cannot be accepted."
    case .verificationFailed:
      "The rewritten policy failed verification (re-parse, idempotence or a remaining injection)."
    case .unsupportedFileType:
      "A file named on the command line is of a type policy-rewrite does not read."
    case .authorizationWriter:
      "A key injection is not rewritten: the policy also writes the Authorization header, which Managed Identity would overwrite or be overwritten by."
    case .authorizationReaderAfterManagedIdentity:
      "A key injection is not rewritten: a policy that runs after it reads or removes the caller's Authorization header, which Managed Identity would replace."
    case .authorizationTokenReplaced:
      "After the migration the backend receives APIM's token in Authorization instead of the caller's."
    case .keyVariable:
      "A set-variable copies a function key into a context variable, so the key is still in the policy."
    case .authorizationChildScope:
      "A key injection is not rewritten: a child scope reads or removes the caller's Authorization header after its <base />, where this scope's Managed Identity would already have replaced it."
    case .scopeUnknown:
      "A policy with a key injection is not known to run at any scope (no layout or declaration says), so the checks across scopes were not made for it."
    case .unresolvedFragment:
      "A policy with a key injection includes a fragment that none of the scanned files defines, so what the fragment does with Authorization is not known."
    case .authorizationParentScope:
      "A key injection is not rewritten: it stands before <base />, where a parent scope's policy that reads or removes the caller's Authorization header runs after it."
    case .fragmentIncludedOutsideInbound:
      "A fragment with a key injection is not rewritten: a scanned policy includes it from <backend>, <outbound> or <on-error>, where Managed Identity is not valid."
    }
  }
}
