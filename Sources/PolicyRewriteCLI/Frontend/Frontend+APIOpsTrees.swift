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
    let parts = root.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count >= 2, parts[parts.count - 2] == "workspaces" else { return nil }
    return parts.dropLast(2).joined(separator: "/")
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
    // An ASCII path (most are) is split as bytes: a String splits by grapheme, which cost
    // more than the rest of the graph's cross-scope pass on a tree of a thousand policies.
    let bytes = Array(policy.path.utf8)
    if !bytes.contains(where: { $0 >= 0x80 }) {
      let slashes = bytes.indices.filter { bytes[$0] == .slash }
      let index = slashes.count + 1 - depth
      guard index >= 0 else { return nil }
      let start = index == 0 ? 0 : slashes[index - 1] + 1
      let end = index < slashes.count ? slashes[index] : bytes.count
      guard end - start == expected.utf8CodeUnitCount,
        bytes[start..<end].elementsEqual(
          UnsafeBufferPointer(start: expected.utf8Start, count: end - start),
          by: {
            $0.asciiLowercased == $1
          })
      else { return nil }
      return index == 0 ? "" : String(decoding: bytes[..<slashes[index - 1]], as: UTF8.self)
    }
    let parts = policy.path.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count >= depth else { return nil }
    let folder = parts[parts.count - depth].lowercased()
    guard folder == (policy.scope == .product ? "products" : "apis") else { return nil }
    return parts.dropLast(depth).joined(separator: "/")
  }
}
