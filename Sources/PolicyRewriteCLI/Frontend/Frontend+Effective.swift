import PolicyDOM
import PolicyRewrite

extension Frontend {
  /// The effective policy of an operation (or of an API alone) of the files under `paths`:
  /// the files are walked and the policy graph built as for `plan`, then the chain composed
  /// (``EffectivePolicy``). Walking problems become notes.
  public func effectivePolicy(paths: [String], api: String, operation: String?, product: String?)
    -> EffectivePolicy
  {
    let (items, _) = options.walker.walk(placedPaths(paths), jobs: min(options.jobs, Self.maximumJobs))
    var graph = policyGraph(items)
    // A run that names a tree's folder (`effective --api b tree`) finds its global policy at
    // `tree/policy.xml`, as `migrate tree` does.
    let roots = Self.apiopsTreeRoots(graph.policies)
    let rootGlobals = graph.policies.lazy.map(\.path).filter { path in
      let lowered = path.lowercased()
      return (lowered.hasSuffix("/policy.xml") || lowered == "policy.xml") && roots.contains(Self.folder(of: path))
    }
    graph.placeAsGlobal(Set(rootGlobals))
    return EffectivePolicy(graph: graph, api: api, operation: operation, product: product) { policy in
      guard let (bytes, _) = try? readAhead.read(Array(policy.path.utf8)) else { return nil }
      guard let offset = policy.inlineOffset, let text = policy.inlineText else { return (bytes, 1) }
      return (Array(text.utf8), LineMap(bytes).location(of: offset).line)
    }
  }
}
