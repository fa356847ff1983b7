import PolicyRewrite

extension Frontend {
  /// For each APIOps global or API policy of the graph, the child-scope policy files that lie
  /// on disk beside it but are not among the run's files (a run on one file or one folder of
  /// a larger tree): their readers of `Authorization` after `<base />` were not looked for.
  /// Keyed by the parent's path as the graph has it; the value is the missing files, sorted.
  /// Only the policies in `injecting` (those that may hold a key) are looked at.
  func unscannedChildScopes(_ graph: PolicyGraph, injecting: Set<String>) -> [String: [String]] {
    let known = Set(graph.policies.map(\.path))
    var result: [String: [String]] = [:]
    for policy in graph.policies
    where policy.declaredAt == nil && policy.inlineText == nil && injecting.contains(policy.path) {
      let parts = policy.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
      guard let name = parts.last?.lowercased(), name == "policy.xml" || name == "apipolicy.xml" else { continue }
      let folder = parts.dropLast().joined(separator: "/")
      let childFolders: [String]
      switch policy.scope {
      case .api where parts.count >= 3 && parts[parts.count - 3].lowercased() == "apis":
        childFolders = [join(folder, "operations")]
      case .global:
        childFolders = [join(folder, "apis"), join(folder, "products")]
      default:
        continue
      }
      var missing: [String] = []
      for childFolder in childFolders {
        guard let entries = try? FileSystem.entries(of: childFolder.isEmpty ? "." : childFolder) else { continue }
        for entry in entries where entry.kind == .directory {
          let child = join(childFolder, entry.name)
          for file in ["policy.xml", "apiPolicy.xml"] {
            let path = join(child, file)
            if FileSystem.kind(of: path) == .file, !known.contains(path) { missing.append(path) }
          }
        }
      }
      if !missing.isEmpty { result[policy.path] = missing.sorted() }
    }
    return result
  }

  private func join(_ folder: String, _ name: String) -> String { folder.isEmpty ? name : folder + "/" + name }
}
