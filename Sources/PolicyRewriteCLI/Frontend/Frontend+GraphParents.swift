import PolicyDOM
import PolicyRewrite

/// Each policy's parent scopes in the run's policy graph.
extension Frontend {
  /// The parent scopes of each workspace, product, API or operation policy of `graph`, as
  /// indices into `graph.policies`: the global and workspace policies (a workspace's own policy
  /// has the global ones only), the products that hold its API (through membership, or an
  /// APIOps product whose membership is not known: no `apis.json` or link files in its folder,
  /// or an `apis.json` that does not read as a list of names) and, for an operation, its API's
  /// policies. Names are compared without regard to case (APIM's are case-insensitive).
  /// Parents are handled by index (a policy hashes every field): each equal policy by the
  /// index of its first copy, so that equal policies stay one parent.
  static func parentIndicesInGraph(_ graph: PolicyGraph) -> (PolicyGraph.Policy) -> [Int] {
    let policies = graph.policies
    var firstIndex: [PolicyGraph.Policy: Int] = [:]
    var canonical: [Int] = []
    canonical.reserveCapacity(policies.count)
    for (index, policy) in policies.enumerated() {
      if let first = firstIndex[policy] {
        canonical.append(first)
      } else {
        firstIndex[policy] = index
        canonical.append(index)
      }
    }
    let globals = policies.indices.filter { policies[$0].scope == .global || policies[$0].scope == .workspace }.map {
      canonical[$0]
    }
    let serviceGlobals = globals.filter { policies[$0].scope == .global }
    // Names compare without regard to case (PolicyGraph.nameKey).
    var products: [String: [Int]] = [:]
    var apis: [String: [Int]] = [:]
    for (index, policy) in policies.enumerated() {
      if policy.scope == .product, let id = policy.product {
        products[PolicyGraph.nameKey(id), default: []].append(canonical[index])
      }
      if policy.scope == .api, let id = policy.api {
        apis[PolicyGraph.nameKey(id), default: []].append(canonical[index])
      }
    }
    var productsOfAPI: [String: Set<String>] = [:]
    for (product, members) in graph.productAPIs {
      for api in members { productsOfAPI[membershipName(api), default: []].insert(PolicyGraph.nameKey(product)) }
    }
    // An APIOps product's folder says what it holds; where it says nothing readable, the
    // product may hold any API of its tree: it counts as a parent of each of them (as the
    // folder-based pass counts it for readers). By tree, in their order: each product's root is
    // worked out once, not once a child.
    var unknownMembershipByRoot: [String: [Int]] = [:]
    for (index, policy) in policies.enumerated()
    where policy.scope == .product && policy.declaredAt == nil && policy.inlineText == nil {
      guard let id = policy.product, let root = apiopsRoot(of: policy) else { continue }
      switch apiopsMembership(productFolder: folder(of: policy.path)) {
      case .members(let members):
        for api in members { productsOfAPI[api, default: []].insert(PolicyGraph.nameKey(id)) }
      case .unreadable, .malformed:
        unknownMembershipByRoot[root, default: []].append(canonical[index])
      case .unknown:
        if graph.productAPIs[id] == nil { unknownMembershipByRoot[root, default: []].append(canonical[index]) }
      }
    }
    // A `policy.xml` beside the `apis/` or `products/` folder of an APIOps tree is that tree's
    // global policy, whatever the folder is called: the graph places it by its path alone. A
    // workspace's tree (`<tree>/workspaces/<w>/`) runs the service tree's global policy too.
    var rootGlobals: [String: [Int]] = [:]
    let unplaced = policies.indices.filter { index in
      let policy = policies[index]
      guard policy.scope == .unknown, policy.inlineText == nil else { return false }
      let path = policy.path.lowercased()
      return path.hasSuffix("/policy.xml") || path == "policy.xml"
    }
    if !unplaced.isEmpty {
      let roots = Self.apiopsTreeRoots(policies)
      for index in unplaced {
        let root = folder(of: policies[index].path)
        if roots.contains(root) { rootGlobals[root, default: []].append(canonical[index]) }
      }
    }
    // A product that infrastructure code declares, and whose membership no file of the run
    // declares, may hold any API (its APIs may be joined in another repository or by hand):
    // it counts as a parent of every API, as an APIOps product without `apis.json` does in
    // its tree.
    let unjoinedProducts = policies.indices.filter { index in
      let policy = policies[index]
      return policy.scope == .product && policy.declaredAt != nil
        && !graph.productAPIs.keys.contains { PolicyGraph.mayMatch($0, policy.product) }
    }.map { canonical[$0] }
    let byTree = !unknownMembershipByRoot.isEmpty || !rootGlobals.isEmpty
    // Parents whose names are patterns (not resolved) may be those of a child whose name is
    // resolved: API policies with such a name; product policies, when a product id or a
    // member of a membership is not resolved (PolicyGraph+Matching).
    let patternAPIs = policies.indices.filter {
      policies[$0].scope == .api && policies[$0].api != nil && !PolicyGraph.isResolved(policies[$0].api)
    }
    let patternMemberships = graph.productAPIs.contains {
      !PolicyGraph.isResolved($0.key) || $0.value.contains { !PolicyGraph.isResolved($0) }
    }
    let patternProducts = policies.indices.filter {
      policies[$0].scope == .product && (patternMemberships || !PolicyGraph.isResolved(policies[$0].product))
    }
    return { child in
      let api = child.api.map(membershipName) ?? ""
      var viaProducts = (productsOfAPI[api] ?? []).sorted().flatMap { products[$0] ?? [] }
      var ownAPIs = apis[PolicyGraph.nameKey(child.api ?? "")] ?? []
      // A child whose API name is not resolved may be any API's, in any product.
      if child.scope != .product, !PolicyGraph.isResolved(child.api) {
        ownAPIs = policies.indices.filter {
          policies[$0].scope == .api && PolicyGraph.mayMatch(policies[$0].api, child.api)
        }.map { canonical[$0] }
        viaProducts = policies.indices.filter {
          policies[$0].scope == .product && graph.mayHold(product: policies[$0].product, api: child.api)
        }.map { canonical[$0] }
      } else if child.scope != .product, !patternAPIs.isEmpty || !patternProducts.isEmpty {
        let known = Set(ownAPIs + viaProducts)
        ownAPIs += patternAPIs.filter { PolicyGraph.mayMatch(policies[$0].api, child.api) }.map { canonical[$0] }.filter
        {
          !known.contains($0)
        }
        viaProducts += patternProducts.filter { graph.mayHold(product: policies[$0].product, api: child.api) }.map {
          canonical[$0]
        }.filter { !known.contains($0) }
      }
      if !unjoinedProducts.isEmpty, child.scope == .api || child.scope == .operation {
        let known = Set(viaProducts)
        viaProducts += unjoinedProducts.filter { !known.contains($0) }
      }
      var treeGlobals: [Int] = []
      if byTree, child.declaredAt == nil, child.inlineText == nil,
        let root = Self.apiopsRoot(of: child) ?? Self.workspacePolicyRoot(child.path)
      {
        let known = Set(viaProducts)
        viaProducts += (unknownMembershipByRoot[root] ?? []).filter { !known.contains($0) }
        treeGlobals =
          (rootGlobals[root] ?? []) + (serviceRoot(ofWorkspaceTree: root).map { rootGlobals[$0] ?? [] } ?? [])
      }
      switch child.scope {
      case .workspace: return serviceGlobals + treeGlobals
      case .product: return globals + treeGlobals
      case .api: return globals + treeGlobals + viaProducts
      case .operation: return globals + treeGlobals + viaProducts + ownAPIs
      case .unknown where workspacePolicyRoot(child.path) != nil:
        return serviceGlobals + treeGlobals.filter { policies[$0] != child }
      default: return []
      }
    }
  }
}
