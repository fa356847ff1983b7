extension PolicyGraph {
  /// Whether an identifier is known: not empty, and not an expression that the graph could
  /// not resolve (kept as written, `${var.api_name}`, `${apiName}`, `${each.value}`).
  package static func isResolved(_ identifier: String?) -> Bool {
    guard let identifier, !identifier.isEmpty else { return false }
    return !identifier.contains("${")
  }

  /// An identifier as names are compared: API Management names (API, operation and product
  /// ids) do not depend on case.
  package static func nameKey(_ identifier: String) -> String { identifier.lowercased() }

  /// Whether two identifiers may name the same thing: equal without regard to case, or
  /// either of them not resolved (an unknown name may be any).
  package static func mayMatch(_ one: String?, _ other: String?) -> Bool {
    guard isResolved(one), isResolved(other), let one, let other else { return true }
    return nameKey(one) == nameKey(other)
  }

  /// Whether the product `product` may hold the API `api`: a membership names it (without
  /// regard to case), or a membership, the product id or the API name is not resolved.
  package func mayHold(product: String?, api: String?) -> Bool {
    guard Self.isResolved(product), let product else { return true }
    let key = Self.nameKey(product)
    for (id, members) in productAPIs where !Self.isResolved(id) || Self.nameKey(id) == key {
      if !Self.isResolved(api) { return true }
      if members.contains(where: { Self.mayMatch($0, api) }) { return true }
    }
    return false
  }
}
