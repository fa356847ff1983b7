import PolicyDOM

extension PolicyGraph {
  /// A policy file's scope and identifiers from the APIOps layout, or from its name.
  static func apiopsPolicy(path: String, isFragment: Bool) -> Policy {
    var policy = Policy(path: path, scope: PolicyScope.of(path: path, isFragment: isFragment))
    // Split as bytes, Strings made only for the identifiers (a String split costs far more).
    let bytes = Array(path.utf8)
    let parts = bytes.split(separator: .slash)
    let n = parts.count
    func text(_ index: Int) -> String? {
      index >= 0 && index < n ? String(decoding: parts[index], as: UTF8.self) : nil
    }
    func equals(_ index: Int, _ literal: String) -> Bool {
      index >= 0 && index < n && parts[index].elementsEqual(literal.utf8)
    }
    // Most paths name no fragment folder: a byte search spares them the per-folder test.
    if bytes.containsLiteral("fragment", caseInsensitive: true),
      let fragments = parts.dropLast().lastIndex(where: {
        Array($0).containsLiteral("fragment", caseInsensitive: true)
      })
    {
      if policy.scope == .fragment || isFragment {
        policy.scope = .fragment
        let name = text(n - 1) ?? ""
        policy.fragment =
          name.lowercased() == "policy.xml" && fragments < n - 2
          ? text(n - 2) : String(name.split(separator: ".").first ?? Substring(name))
      }
      return policy
    }
    switch policy.scope {
    case .operation where equals(n - 5, "apis") && equals(n - 3, "operations"):
      (policy.api, policy.operation) = (text(n - 4), text(n - 2))
    case .api where equals(n - 3, "apis"):
      policy.api = text(n - 2)
    case .product where equals(n - 3, "products"):
      policy.product = text(n - 2)
    case .global, .fragment, .unknown, .workspace, .operation, .api, .product:
      break
    }
    if bytes.containsLiteral("workspaces"), let workspace = (0..<n).first(where: { equals($0, "workspaces") }),
      workspace + 1 < n - 1
    {
      policy.workspace = text(workspace + 1)
      if policy.scope == .global { policy.scope = .workspace }
    }
    // A scope guessed from a file name (`api_policy.xml`, `product-policy.xml`) without the
    // names that place it in a pipeline links it to nothing: it is unknown, and said so.
    if policy.unlinkedIdentifier != nil { policy.scope = .unknown }
    return policy
  }
}
