import PolicyDOM

/// What a rewrite looks for and what it writes.
public struct RewriteConfiguration: Sendable, Hashable {
  /// Header names that carry a function key, lowercased; matched without regard to ASCII case.
  public var keyHeaders: Set<String>
  /// Which resource each injection gets.
  public var resources: ResourceMap
  /// The `client-id` attribute (a user-assigned identity), when asked for.
  public var clientID: String?
  /// The `output-token-variable-name` attribute, when asked for.
  public var outputTokenVariableName: String?
  /// The `ignore-error` attribute, when asked for.
  public var ignoreError: Bool?
  /// Analysis rules that are not run (an empty set runs them all).
  public var disabledRules: Set<Rule> = []
  /// The policy fragments among the scanned files that touch `Authorization`, by fragment id,
  /// for `include-fragment`. A fragment that is not listed is assumed not to touch it.
  public var authorizationFragments: [String: AuthorizationUse] = [:]
  /// For a parent scope's policy file (by the path it is rewritten with), the child-scope files
  /// whose `<inbound>` reads or removes `Authorization` after `<base />`: the parent's MI
  /// element would run before them, so its injections are left for review.
  public var authorizationChildScopes: [String: [String]] = [:]
  /// For a parent scope's policy (by the path it is rewritten with), the writers of
  /// `Authorization` that its child scopes have before their `<base />`: they run before the
  /// parent, whose MI element would then overwrite their value, so the parent's `<inbound>`
  /// injections are left for review.
  public var authorizationChildWriters: [String: [ChildScopeWriter]] = [:]
  /// For a parent scope's policy (by the path it is rewritten with), the child scopes whose
  /// policy could not be read, each described with why (a URL, a variable, a file not in the
  /// run, a parse error, an include of a fragment no scanned file defines): what they do
  /// after their `<base />` is not known, so the parent's `<inbound>` injections are left for
  /// review (`child-scope-unreadable`).
  public var authorizationUnreadableChildScopes: [String: [String]] = [:]
  /// For a child scope's policy file (by the path it is rewritten with), the parent-scope files
  /// whose `<inbound>` reads or removes `Authorization`: a nested injection of the child before
  /// its `<base />` would hand them APIM's token, so it is left for review.
  public var authorizationParentScopes: [String: [String]] = [:]
  /// For a child scope's policy (by the path it is rewritten with), the parent-scope policies
  /// whose `<backend>`, `<outbound>` or `<on-error>` reads the request's `Authorization` (an
  /// expression, a `send-request` in copy mode): those sections run after the child's whole
  /// `<inbound>`, so every injection of the child's `<inbound>`, before or after its `<base />`,
  /// would hand them APIM's token; they are left for review.
  public var authorizationParentLaterReaders: [String: [String]] = [:]
  /// More of ``authorizationParentScopes``, stored so that children with the same parents share
  /// one list (``parentScopes(of:)`` joins both): the run's own cross-scope pass adds its lists
  /// here, since without `apis.json` every product is a parent of every API.
  package var authorizationParentScopeLists = ScopeLists()
  /// More of ``authorizationParentLaterReaders``, stored as ``authorizationParentScopeLists`` is
  /// (``parentLaterReaders(of:)`` joins both).
  package var authorizationParentLaterReaderLists = ScopeLists()
  /// For a child scope's policy file (by the path it is rewritten with), the parent-scope
  /// policies whose `<inbound>` writes `Authorization` (`authentication-basic`, a `set-header`
  /// that sets it): the child's MI element and that writer would overwrite each other's value
  /// in the one pipeline, whichever runs first, so the child's injections are left for review.
  public var authorizationParentWriters: [String: [String]] = [:]
  /// For a child scope's policy file (by the path it is rewritten with), the MI elements of its
  /// parent scopes' `<inbound>`: one of another resource than a child injection's and the
  /// child's MI element would overwrite each other's token, so that injection is left for
  /// review.
  public var authorizationParentTokens: [String: [ParentToken]] = [:]
  /// For a child scope's policy file (by the path it is rewritten with), the parent-scope
  /// policies whose `<inbound>` sets a key header: a child's `exists-action="skip"` injection
  /// after its `<base />` never took effect, and as an MI element it would overwrite the
  /// parent's token, so it is left for review.
  public var authorizationParentKeyHeaders: [String: [String]] = [:]
  /// For a child scope's policy file (by the path it is rewritten with), the parent-scope
  /// policies whose `<inbound>` sends requests to a backend that does not look like a Function
  /// App: in a branch, or for every request when the child routes some requests elsewhere in a
  /// branch (the pipeline then has two backends). Unless the child sets a Function App backend
  /// for every request after its `<base />`, that backend would receive APIM's token, so the
  /// child's injections are left for review.
  public var authorizationParentBackends: [String: [String]] = [:]
  /// The part of ``authorizationParentBackends`` that sends every request to its backend (a
  /// top-level `set-backend-service`): it holds a child's injections only when the child
  /// routes some requests elsewhere in a branch.
  public var authorizationParentDefaultBackends: [String: [String]] = [:]
  /// The files (by the path they are rewritten with) that hold inline policies with entries of
  /// their own in the cross-scope maps (``inlinePolicyKey(path:text:)``).
  public var inlinePolicyFiles: Set<String> = []
  /// For a fragment's file (by the path it is rewritten with), the files that include it from
  /// `<backend>`, `<outbound>` or `<on-error>` (with the section): its injections are not
  /// rewritten, since the MI element is not valid there.
  public var fragmentIncludesOutsideInbound: [String: [String]] = [:]
  /// For a fragment's file (by the path it is rewritten with), the policies that include it
  /// from `<inbound>` and whose `<inbound>` reads or removes `Authorization` (or whose later
  /// sections read it), or whose child scopes read or remove it after `<base />` (each
  /// described with its file and line): the MI
  /// element that replaces the fragment's key would hand them APIM's token, so the fragment's
  /// injections are left for review.
  public var fragmentIncludedBeforeReaders: [String: [String]] = [:]
  /// For a policy file (by the path it is rewritten with), what the policy graph does not know
  /// about it: a message for `scope-unknown` and one for `unresolved-fragment`. Reported once
  /// a file when it has a key injection.
  public var policyGraphGaps: [String: [Rule: String]] = [:]
  /// Where in the file each of ``policyGraphGaps`` is placed, when it is known: the first
  /// unresolved `include-fragment`, the unresolved declaration (1:1 when no entry).
  public var policyGraphGapLocations: [String: [Rule: Position]] = [:]
  /// Whether ``policyGraphGaps`` are errors (`--strict`): the file is then left unchanged.
  public var policyGraphGapsAreErrors = false
  /// For a policy file (by the path it is rewritten with), a message naming input that the
  /// policy graph needs for it and that does not parse (an APIOps product's `apis.json`):
  /// with or without `--strict`, an error that leaves the file unchanged when it has a key
  /// injection (the input itself is reported as a `parse-error`).
  public var policyGraphInputErrors: [String: String] = [:]
  /// The fragment ids, as policies write them, that an `include-fragment` of the run names
  /// and that the policy graph does not resolve (no scanned file defines the fragment, or the
  /// id is a reference the run cannot follow): what they do with `Authorization` is not
  /// known, so a key injection that such an include runs after is left for review
  /// (`unresolved-fragment`).
  public var unresolvedFragmentIDs: Set<String> = []
  /// For a child scope's policy (by the path it is rewritten with), the parent-scope
  /// policies that a declaration applies but the run cannot read, each described with its
  /// declaration and why (a file not in the run, a URL, a variable): what they do around the
  /// child is not known, so the child's `<inbound>` injections are left for review
  /// (`parent-scope-unreadable`).
  public var authorizationUnreadableParentScopes: [String: [String]] = [:]
  /// The URLs of the APIM backends the run declares (APIOps `backendInformation.json`), by
  /// backend id: a branch's `set-backend-service backend-id` to one whose host is not a
  /// Function App's holds the `<inbound>`'s injections (`authorization-other-backend`). An id
  /// that is not listed is judged by its name.
  public var backendURLs: [String: String] = [:]
  /// Rules run after the built-in ones (none by default).
  var additionalRules = AdditionalRules()

  /// The header every configuration treats as a key header.
  public static let defaultKeyHeader = "x-functions-key"

  /// Creates a configuration.
  /// - Parameters:
  ///   - extraKeyHeaders: Header names that carry keys besides `x-functions-key`.
  ///   - resources: Which resource each injection gets.
  ///   - clientID: The `client-id` of a user-assigned identity.
  ///   - outputTokenVariableName: The `output-token-variable-name` attribute.
  ///   - ignoreError: The `ignore-error` attribute.
  public init(
    extraKeyHeaders: [String] = [], resources: ResourceMap = ResourceMap(), clientID: String? = nil,
    outputTokenVariableName: String? = nil, ignoreError: Bool? = nil
  ) {
    self.keyHeaders = Set(([Self.defaultKeyHeader] + extraKeyHeaders).map { $0.lowercased() })
    self.resources = resources
    self.clientID = clientID
    self.outputTokenVariableName = outputTokenVariableName
    self.ignoreError = ignoreError
  }

  /// Whether `name` is a key header.
  public func isKeyHeader(_ name: String) -> Bool { keyHeaders.contains(name.lowercased()) }
}

extension RewriteConfiguration {
  /// A line and column (1-based) in a file.
  public struct Position: Sendable, Hashable {
    /// The line.
    public var line: Int
    /// The column, in bytes.
    public var column: Int

    /// The location `line`:`column`.
    public init(line: Int, column: Int) {
      self.line = line
      self.column = column
    }
  }
}
