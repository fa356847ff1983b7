import PolicyRewrite

extension Frontend {
  /// For each APIOps global, product or API policy of the graph, the child-scope policy files
  /// that lie on disk beside it but are not among the run's files (a run on one file or one
  /// folder of a larger tree): their readers of `Authorization` after `<base />` were not
  /// looked for. A product's are those of the APIs its folder names (`apis.json`, link files),
  /// or of every API of the tree when its membership is not known.
  /// Keyed by the parent's path as the graph has it; the value is the missing files, sorted.
  /// Only the policies in `injecting` (those that may hold a key) are looked at.
  func unscannedChildScopes(_ graph: PolicyGraph, injecting: Set<String>) -> [String: [String]] {
    let known = Set(graph.policies.map(\.path))
    var result: [String: [String]] = [:]
    var missingWorkspacePolicies: [String] = []
    for policy in graph.policies
    where policy.declaredAt == nil && policy.inlineText == nil && injecting.contains(policy.path) {
      let parts = policy.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
      guard let name = parts.last?.lowercased(), name == "policy.xml" || name == "apipolicy.xml" else { continue }
      let folder = parts.dropLast().joined(separator: "/")
      // Folders whose subfolders hold child scopes, and whether each subfolder's
      // `operations` folder holds more.
      var childFolders: [(folder: String, operations: Bool)]
      // The APIs a product holds, when its folder says (`apis.json`, link files): its other
      // APIs are not its children.
      var members: Set<String>?
      switch policy.scope {
      case .api where parts.count >= 3 && parts[parts.count - 3].lowercased() == "apis":
        childFolders = [(join(folder, "operations"), false)]
      case .product where parts.count >= 3 && parts[parts.count - 3].lowercased() == "products":
        // Membership may not be among the files: then every API of the tree may be in it.
        childFolders = [(join(parts.dropLast(3).joined(separator: "/"), "apis"), true)]
        if case .members(let names) = Self.apiopsMembership(productFolder: folder) { members = names }
      case .global,
        .unknown where APIOpsScopePlacement.holdsTree(folder):
        // A `policy.xml` beside `apis`, `products` or `workspaces` is the tree's global
        // policy, whatever the graph made of it alone; it runs in every workspace too.
        childFolders = [(join(folder, "apis"), true), (join(folder, "products"), false)]
        for entry in (try? FileSystem.entries(of: join(folder, "workspaces"))) ?? [] where entry.kind == .directory {
          let workspace = join(join(folder, "workspaces"), entry.name)
          if FileSystem.kind(of: join(workspace, "policy.xml")) == .file, !known.contains(join(workspace, "policy.xml"))
          {
            missingWorkspacePolicies.append(join(workspace, "policy.xml"))
          }
          childFolders += [(join(workspace, "apis"), true), (join(workspace, "products"), false)]
        }
      default:
        continue
      }
      var missing = missingWorkspacePolicies
      missingWorkspacePolicies = []
      func addPolicies(below childFolder: String, operations: Bool, members: Set<String>? = nil) {
        guard let entries = try? FileSystem.entries(of: childFolder.isEmpty ? "." : childFolder) else { return }
        for entry in entries where entry.kind == .directory {
          if let members, !members.contains(Self.membershipName(entry.name)) { continue }
          let child = join(childFolder, entry.name)
          for file in ["policy.xml", "apiPolicy.xml"] {
            let path = join(child, file)
            if FileSystem.kind(of: path) == .file, !known.contains(path) { missing.append(path) }
          }
          if operations { addPolicies(below: join(child, "operations"), operations: false) }
        }
      }
      for (childFolder, operations) in childFolders {
        addPolicies(below: childFolder, operations: operations, members: members)
      }
      if !missing.isEmpty { result[policy.path] = missing.sorted() }
    }
    return result
  }

  /// For each APIOps product, API or operation policy of the graph that may hold a key
  /// (`injecting`), the parent-scope policy files that lie on disk in its tree but are not
  /// among the run's files (a run on one file or one folder of a larger tree): the global
  /// `policy.xml` (and, for a workspace's, the service's), the products' policies (those whose
  /// membership is not known or names the API), and an operation's API policy. What they do with `Authorization` was not looked
  /// at. Keyed by the child's path as the graph has it; the value is the missing files, sorted.
  func unscannedParentScopes(_ graph: PolicyGraph, injecting: Set<String>) -> [String: [String]] {
    let known = Set(graph.policies.map(\.path))
    var result: [String: [String]] = [:]
    // Each tree's products (policy file not in the run, and `apis.json` bytes) and each
    // path's existence are looked up once, not once a child: most children share them.
    var productsOfRoot: [String: [(policy: String, membership: APIOpsMembership)]] = [:]
    var isFile: [String: Bool] = [:]
    func unseen(_ path: String) -> Bool {
      guard !known.contains(path) else { return false }
      if let answer = isFile[path] { return answer }
      let answer = FileSystem.kind(of: path) == .file
      isFile[path] = answer
      return answer
    }
    func products(_ root: String) -> [(policy: String, membership: APIOpsMembership)] {
      if let found = productsOfRoot[root] { return found }
      var found: [(policy: String, membership: APIOpsMembership)] = []
      let folder = join(root, "products")
      for entry in (try? FileSystem.entries(of: folder)) ?? [] where entry.kind == .directory {
        let product = join(folder, entry.name)
        let policy = join(product, "policy.xml")
        guard unseen(policy) else { continue }
        found.append((policy, Self.apiopsMembership(productFolder: product)))
      }
      productsOfRoot[root] = found
      return found
    }
    for policy in graph.policies
    where policy.declaredAt == nil && policy.inlineText == nil && injecting.contains(policy.path) {
      guard let root = Self.apiopsRoot(of: policy) else { continue }
      // A workspace's tree runs the service tree's global policy too.
      let globals = [root] + (Self.serviceRoot(ofWorkspaceTree: root).map { [$0] } ?? [])
      var missing = globals.map { join($0, "policy.xml") }.filter(unseen)
      if policy.scope != .product, let api = policy.api {
        let name = Self.membershipName(api)
        // A product whose `apis.json` or link files do not name the API (APIM names are
        // case-insensitive) is not its parent; one whose membership is not known is.
        missing += products(root).filter { product in
          guard case .members(let names) = product.membership else { return true }
          return names.contains(name)
        }.map(\.policy)
        if policy.scope == .operation {
          missing += ["policy.xml", "apiPolicy.xml"].map { join(join(join(root, "apis"), api), $0) }.filter(unseen)
        }
      }
      if !missing.isEmpty { result[policy.path] = missing.sorted() }
    }
    return result
  }

  private func join(_ folder: String, _ name: String) -> String { folder.isEmpty ? name : folder + "/" + name }
}

extension Frontend {
  /// The policies of `graph` that nothing places: of unknown scope, and neither a `policy.xml`
  /// beside the `apis/`, `products/` or `workspaces/` folder of an APIOps tree (that tree's
  /// global policy) nor a workspace's own `policy.xml`.
  static func unplacedPolicies(_ graph: PolicyGraph) -> [PolicyGraph.Policy] {
    let candidates = graph.policies.filter { $0.scope == .unknown }
    guard !candidates.isEmpty else { return [] }
    let roots = apiopsTreeRoots(graph.policies)
    return candidates.filter { policy in
      guard policy.inlineText == nil else { return true }
      if policy.path.lowercased().hasSuffix("/policy.xml"),
        roots.contains(String(policy.path.dropLast("/policy.xml".count)))
      {
        return false
      }
      return workspacePolicyRoot(policy.path) == nil
    }
  }
}

extension Frontend {
  /// Whether `graph` holds a global policy: one of global scope, or a `policy.xml` beside the
  /// `apis/`, `products/` or `workspaces/` folder of an APIOps tree.
  static func hasGlobalPolicy(_ graph: PolicyGraph) -> Bool {
    if graph.policies.contains(where: { $0.scope == .global }) { return true }
    let unknown = graph.policies.filter { $0.scope == .unknown && $0.inlineText == nil }
    guard !unknown.isEmpty else { return false }
    let unplaced = Set(unplacedPolicies(graph).map(\.path))
    return unknown.contains { !unplaced.contains($0.path) && workspacePolicyRoot($0.path) == nil }
  }
}
