import PolicyRewrite

/// Where the APIOps trees of a run's policy graph lie: the folders that hold `apis/`,
/// `products/` and `workspaces/`, and a workspace's tree within its service's.
extension Frontend {
  /// The folders that hold an APIOps tree among `policies` (read from files): the parent of a
  /// product's, API's or operation's `products` or `apis` folder, a workspace's folder for its
  /// own `policy.xml`, and for each workspace's tree the service's folder that holds it.
  static func apiopsTreeRoots(_ policies: [PolicyGraph.Policy]) -> Set<String> {
    var roots = Set(policies.lazy.filter { $0.inlineText == nil }.compactMap(Self.apiopsRoot))
    for policy in policies where policy.inlineText == nil {
      if let root = workspacePolicyRoot(policy.path) { roots.insert(root) }
    }
    roots.formUnion(roots.compactMap(serviceRoot(ofWorkspaceTree:)))
    return roots
  }

  /// The folder of the service's tree, for the folder of a workspace's tree
  /// (`<tree>/workspaces/<w>`); `nil` for any other folder.
  static func serviceRoot(ofWorkspaceTree root: String) -> String? {
    // Every policy path of an APIOps tree comes here: its components are compared as UTF-8,
    // which needs no split into grapheme clusters.
    let utf8 = root.utf8
    guard let last = utf8.lastIndex(of: .slash) else { return nil }
    let before = utf8[..<last].lastIndex(of: .slash)
    let start = before.map(utf8.index(after:)) ?? utf8.startIndex
    guard utf8[start..<last].elementsEqual("workspaces".utf8) else { return nil }
    return before.map { String(root[..<$0]) } ?? ""
  }

  /// The folder of a workspace's tree, for the path of that workspace's own APIOps policy
  /// (`<tree>/workspaces/<w>/policy.xml`); `nil` for any other path.
  static func workspacePolicyRoot(_ path: String) -> String? {
    guard path.hasSuffix("/policy.xml") || path == "policy.xml" else { return nil }
    let root = folder(of: path)
    return serviceRoot(ofWorkspaceTree: root) == nil ? nil : root
  }

  /// The folder that holds the APIOps tree of a product, API or operation policy file (the
  /// parent of its `products` or `apis` folder), or `nil` when its path does not have that
  /// shape.
  static func apiopsRoot(of policy: PolicyGraph.Policy) -> String? {
    let depth: Int
    switch policy.scope {
    case .product, .api: depth = 3
    case .operation: depth = 5
    default: return nil
    }
    let expected: StaticString = policy.scope == .product ? "products" : "apis"
    // The component `depth` from the end, compared in the path's UTF-8 storage (ASCII case
    // folded): a String split by grapheme cost more than the rest of the graph's cross-scope
    // pass on a tree of a thousand policies, and stepping through a String's UTF-8 view
    // thousands of instructions a path.
    var path = policy.path
    return path.withUTF8 { utf8 -> String? in
      var end = utf8.count
      for _ in 1..<depth {
        guard let slash = utf8[..<end].lastIndex(of: .slash) else { return nil }
        end = slash
      }
      let before = utf8[..<end].lastIndex(of: .slash)
      let name = utf8[(before.map { $0 + 1 } ?? 0)..<end]
      let matches =
        name.count == expected.utf8CodeUnitCount
        && expected.withUTF8Buffer { literal in zip(name, literal).allSatisfy { $0.asciiLowercased == $1 } }
      guard matches else { return nil }
      return before.map { String(decoding: utf8[..<$0], as: UTF8.self) } ?? ""
    }
  }
}
