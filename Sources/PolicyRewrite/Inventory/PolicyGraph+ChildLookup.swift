extension PolicyGraph {
  /// Which of a list of child policies a product may hold or an API may own, with the answers
  /// of ``PolicyGraph/mayHold(product:api:)`` and ``PolicyGraph/mayMatch(_:_:)`` asked one
  /// child at a time, but without comparing every parent with every child: the children whose
  /// API name is resolved are found by its key, and only the others are compared one by one.
  package struct ChildLookup: Sendable {
    /// The children, in their order.
    package let children: [Policy]
    /// The children with a resolved API name, by ``PolicyGraph/nameKey(_:)``.
    private var byAPI: [String: [Int]] = [:]
    /// The children whose API name is missing or not resolved.
    private var unresolved: [Int] = []

    /// Indexes `children` by their API names.
    package init(_ children: [Policy]) {
      self.children = children
      for (index, child) in children.enumerated() {
        if let api = child.api, PolicyGraph.isResolved(api) {
          byAPI[PolicyGraph.nameKey(api), default: []].append(index)
        } else {
          unresolved.append(index)
        }
      }
    }

    /// The indices, in order, of the children whose API name may be `api`
    /// (``PolicyGraph/mayMatch(_:_:)``).
    package func mayMatch(api: String?) -> [Int] {
      guard let api, PolicyGraph.isResolved(api) else {
        return children.indices.filter { PolicyGraph.mayMatch(api, children[$0].api) }
      }
      let found =
        (byAPI[PolicyGraph.nameKey(api)] ?? [])
        + unresolved.filter {
          PolicyGraph.mayMatch(api, children[$0].api)
        }
      return found.sorted()
    }

    /// The indices, in order, of the children whose API the product `product` of `graph` may
    /// hold (``PolicyGraph/mayHold(product:api:)``).
    package func mayHold(in graph: PolicyGraph, product: String?) -> [Int] {
      guard let product, !product.isEmpty else { return Array(children.indices) }
      let memberships = graph.productAPIs.filter { PolicyGraph.mayMatch($0.key, product) }
      // A product whose membership no file of the run declares may hold any API.
      guard !memberships.isEmpty else { return Array(children.indices) }
      var found = Set<Int>()
      for member in Set(memberships.values.joined()) {
        if PolicyGraph.isResolved(member) {
          found.formUnion(byAPI[PolicyGraph.nameKey(member)] ?? [])
        } else {
          for (api, indices) in byAPI
          where member.isEmpty || PolicyGraph.fits(api, pattern: PolicyGraph.nameKey(member)) {
            found.formUnion(indices)
          }
        }
        // A child whose API name is not resolved is compared as a pattern.
        found.formUnion(unresolved.filter { PolicyGraph.mayMatch(member, children[$0].api) })
      }
      return found.sorted()
    }
  }
}
