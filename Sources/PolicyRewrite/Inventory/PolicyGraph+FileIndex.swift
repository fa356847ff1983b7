extension PolicyGraph {
  /// The paths of a run, looked up exactly or by a pattern whose `*` stands for what a
  /// declaration could not know (a variable in a file name).
  struct FileIndex {
    /// Each path by its normalised form.
    private let exact: [String: String]
    /// Normalised paths by normalised folder.
    private let byFolder: [String: [String]]

    init(paths: [String]) {
      var exact: [String: String] = [:]
      var byFolder: [String: [String]] = [:]
      for path in paths {
        let bytes = Array(path.utf8)
        let needsJoin =
          bytes.first == .dot || bytes.containsLiteral("/.") || bytes.containsLiteral("//") || bytes.last == .slash
        let normalized = needsJoin ? PolicyGraph.join("", path) : path
        exact[normalized] = path
        byFolder[PolicyGraph.folder(of: normalized), default: []].append(normalized)
      }
      self.exact = exact
      self.byFolder = byFolder
    }

    /// The paths (as given) that `pattern` names.
    func matching(_ pattern: String) -> [String] {
      let normalized = PolicyGraph.join("", pattern)
      guard normalized.contains("*") else { return exact[normalized].map { [$0] } ?? [] }
      let folder = PolicyGraph.folder(of: normalized)
      let name = normalized.split(separator: "/").last.map(String.init) ?? normalized
      let folders: [String]
      if folder.contains("*") {
        let glob = Glob("/" + folder.trimmingPrefix("/"))
        folders = byFolder.keys.filter { glob.matches("/" + $0.trimmingPrefix("/")) }.sorted()
      } else {
        folders = [folder]
      }
      let nameGlob = Glob("/" + name)
      return folders.flatMap { folder in
        (byFolder[folder] ?? []).filter {
          nameGlob.matches("/" + ($0.split(separator: "/").last.map(String.init) ?? $0))
        }
      }.sorted().compactMap { exact[$0] }
    }
  }
}
