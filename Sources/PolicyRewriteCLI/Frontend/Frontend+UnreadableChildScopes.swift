import PolicyDOM
import PolicyRewrite

extension Frontend {
  /// ``RewriteConfiguration/authorizationUnreadableChildScopes`` from the graph
  /// (`rewrite-spec.md` §2c: what is unknown is said, never assumed away): for each parent
  /// scope (global, workspace, product, API; declared, or placed by the APIOps layout) that
  /// may inject a key, its child scopes whose policy the run cannot read: a declaration that
  /// applies it from a URL (`xml_link`), a variable, or a `file()` path that names no file of
  /// the run; a policy that does not parse; a policy that includes (itself or through its
  /// fragments) a fragment that no scanned file defines. Each is named with why.
  func unreadableChildScopes(
    _ graph: PolicyGraph, mayInject: (PolicyGraph.Policy) -> Bool, into configuration: inout RewriteConfiguration
  ) {
    // A `policy.xml` beside `apis/` or `products/` is its tree's global policy, whatever the
    // graph made of it alone.
    let roots = Set(graph.policies.lazy.filter { $0.inlineText == nil }.compactMap(Self.apiopsRoot))
    func isTreeRoot(_ policy: PolicyGraph.Policy) -> Bool {
      policy.scope == .unknown && policy.declaredAt == nil && policy.inlineText == nil
        && (policy.path.lowercased().hasSuffix("/policy.xml") || policy.path.lowercased() == "policy.xml")
        && roots.contains(Self.folder(of: policy.path))
    }
    let parents = graph.policies.filter {
      ([.global, .workspace, .product, .api].contains($0.scope) || isTreeRoot($0)) && mayInject($0)
    }
    guard !parents.isEmpty else { return }
    // Every possible child: the graph's product, API and operation policies, then the
    // declared ones it cannot read (with why).
    let childScopes: Set<PolicyScope> = [.product, .api, .operation]
    var candidates = graph.policies.filter { childScopes.contains($0.scope) }
    let readable = candidates.count
    var unseenReasons: [String] = []
    for unseen in graph.unseen where childScopes.contains(unseen.policy.scope) {
      candidates.append(unseen.policy)
      unseenReasons.append(unseen.reason)
    }
    let declared = candidates.indices.filter { candidates[$0].declaredAt != nil }
    let declaredLookup = PolicyGraph.ChildLookup(declared.map { candidates[$0] })
    var apiopsByRoot: [String: [Int]] = [:]
    for index in 0..<readable where candidates[index].declaredAt == nil && candidates[index].inlineText == nil {
      if let root = Self.apiopsRoot(of: candidates[index]) { apiopsByRoot[root, default: []].append(index) }
    }
    /// The children of `parent`, as indices into `candidates`: declared parents have declared
    /// children, APIOps parents the policies of their tree.
    func children(of parent: PolicyGraph.Policy) -> [Int] {
      let members = parent.product.flatMap { graph.productAPIs[$0] }
      if parent.declaredAt != nil {
        switch parent.scope {
        case .global, .workspace: return declared
        // Names compare without regard to case; a child whose API is not resolved may be any's.
        case .product:
          return declaredLookup.mayHold(in: graph, product: parent.product).map { declared[$0] }.filter {
            candidates[$0].scope != .product
          }
        case .api:
          return declaredLookup.mayMatch(api: parent.api).map { declared[$0] }.filter {
            candidates[$0].scope == .operation
          }
        default: return []
        }
      }
      guard parent.inlineText == nil else { return [] }
      switch parent.scope {
      case .product:
        // Without `apis.json` the product may hold any API of its tree.
        let tree = Self.apiopsRoot(of: parent).flatMap { apiopsByRoot[$0] } ?? []
        return tree.filter { candidates[$0].scope != .product && members?.contains(candidates[$0].api ?? "") ?? true }
      case .api:
        let tree = Self.apiopsRoot(of: parent).flatMap { apiopsByRoot[$0] } ?? []
        return tree.filter { candidates[$0].scope == .operation && candidates[$0].api == parent.api }
      default:
        return apiopsByRoot[Self.folder(of: parent.path)] ?? []
      }
    }
    let lists = parents.map(children)
    var used = Set<Int>()
    for list in lists { used.formUnion(list) }
    guard !used.isEmpty else { return }
    // Why each child that is used cannot be read, if it cannot: files parsed on the run's
    // threads (their bytes are the read-ahead's), inline texts here.
    var problems: [Int: String] = [:]
    let files = used.filter { $0 < readable && candidates[$0].inlineText == nil }.sorted()
    let paths = files.map { candidates[$0].path }
    OrderedParallel.run(
      count: paths.count, jobs: min(options.jobs, Self.maximumJobs),
      work: { [readAhead, documents] index -> String? in
        guard let bytes = readAhead.bytes(Array(paths[index].utf8)) else { return "it could not be read" }
        // Checked through the store: the run's own pass takes the verdict.
        return PolicyGraph.parseProblem(bytes, path: paths[index], store: documents).map {
          Self.parseProblem($0, at: paths[index])
        }
      },
      consume: { index, problem in
        if let problem { problems[files[index]] = problem }
      })
    let inline = used.filter { $0 < readable && candidates[$0].inlineText != nil }.sorted()
    for index in inline {
      let policy = candidates[index]
      if let error = PolicyGraph.parseProblem(Array((policy.inlineText ?? "").utf8), path: policy.path) {
        problems[index] = Self.parseProblem(error, at: nil)
      }
    }
    let unparsed = used.filter { $0 < readable && problems[$0] == nil }.sorted()
    for (index, fragments) in zip(unparsed, graph.unresolvedFragments(of: unparsed.map { candidates[$0] }))
    where !fragments.isEmpty {
      problems[index] =
        "it includes \(fragments.count == 1 ? "fragment" : "fragments") \(fragments.joined(separator: ", ")) that no scanned file defines"
    }
    for index in used where index >= readable { problems[index] = unseenReasons[index - readable] }
    guard !problems.isEmpty else { return }
    for (parent, list) in zip(parents, lists) {
      let found = list.filter { problems[$0] != nil }.map { index -> String in
        let child = candidates[index]
        let named =
          index >= readable
          ? child.declaredAt.map { "\($0.path):\($0.line)" + ($0.address.map { " (\($0))" } ?? "") } ?? child.path
          : Self.describe(child)
        return "\(named): \(problems[index] ?? "")"
      }
      guard !found.isEmpty else { continue }
      let key = scopeKey(parent, in: &configuration)
      configuration.authorizationUnreadableChildScopes[key, default: []] += found
    }
  }

  /// ``RewriteConfiguration/authorizationUnreadableParentScopes`` from the graph, the parent
  /// side of ``unreadableChildScopes(_:mayInject:into:)``: for each workspace, product, API
  /// or operation policy that may inject a key, the parent scopes (global, workspace,
  /// product, API) that a declaration applies but whose policy the run cannot read (a file
  /// excluded or not named on the command line, `xml_link`, a variable), each named by its
  /// declaration with why. Names compare as the graph's do (``PolicyGraph/mayMatch(_:_:)``,
  /// ``PolicyGraph/mayHold(product:api:)``).
  func unreadableParentScopes(
    _ graph: PolicyGraph, mayInject: (PolicyGraph.Policy) -> Bool, into configuration: inout RewriteConfiguration
  ) {
    // A declaration whose policy and names are both variables (a module's own resource,
    // `xml_content = var.xml_content` with `api_name = var.name`) stands for every call of
    // its module, whose arguments the graph reads as that policy's own declaration: taken
    // for a parent of every scope its unresolved name may be, it would hold every key of a
    // repository of such modules for a false reason.
    let parents = graph.unseen.filter { unseen in
      [.global, .workspace, .product, .api].contains(unseen.policy.scope)
        && !(unseen.isModuleVariable && unseen.policy.unlinkedIdentifier != nil)
    }
    guard !parents.isEmpty else { return }
    let children = graph.policies.filter {
      [.workspace, .product, .api, .operation].contains($0.scope) && mayInject($0)
    }
    guard !children.isEmpty else { return }
    func isParent(_ parent: PolicyGraph.Policy, of child: PolicyGraph.Policy) -> Bool {
      switch parent.scope {
      case .global: return true
      case .workspace:
        return child.scope != .workspace && child.workspace != nil
          && PolicyGraph.mayMatch(parent.workspace, child.workspace)
      case .product:
        return (child.scope == .api || child.scope == .operation)
          && graph.mayHold(product: parent.product, api: child.api)
      case .api: return child.scope == .operation && PolicyGraph.mayMatch(parent.api, child.api)
      default: return false
      }
    }
    for child in children {
      let found = parents.filter { isParent($0.policy, of: child) }.map { unseen -> String in
        let parent = unseen.policy
        let named =
          parent.declaredAt.map { "\($0.path):\($0.line)" + ($0.address.map { " (\($0))" } ?? "") } ?? parent.path
        return "the \(parent.scope.rawValue) policy declared at \(named): \(unseen.reason)"
      }
      guard !found.isEmpty else { continue }
      let key = scopeKey(child, in: &configuration)
      configuration.authorizationUnreadableParentScopes[key, default: []] += found
    }
  }

  /// A child's parse error as a reason: where it is (the message itself is the
  /// child's own finding; its text may name lines, which a container's line mapping would
  /// take for the parent's).
  private static func parseProblem(_ error: ParseError, at path: String?) -> String {
    let place = "\(error.line):\(error.column)"
    return "it does not parse (error at \(path.map { "\($0):\(place)" } ?? "\(place) of its policy text"))"
  }
}
