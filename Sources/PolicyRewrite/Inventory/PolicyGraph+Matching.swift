extension PolicyGraph {
  /// Whether an identifier is known: not empty, and not an expression that the graph could
  /// not resolve (kept as written, `${var.api_name}`, `${apiName}`, `${each.value}`).
  package static func isResolved(_ identifier: String?) -> Bool {
    guard let identifier, !identifier.isEmpty else { return false }
    // Asked for every pair of parent and child: a byte scan, not a substring search.
    var afterDollar = false
    for byte in identifier.utf8 {
      if afterDollar, byte == UInt8(ascii: "{") { return false }
      afterDollar = byte == UInt8(ascii: "$")
    }
    return true
  }

  /// An identifier as names are compared: API Management names (API, operation and product
  /// ids) do not depend on case.
  package static func nameKey(_ identifier: String) -> String { identifier.lowercased() }

  /// Whether two identifiers may name the same thing: equal without regard to case; a name
  /// not resolved matches any whose text fits around its unknown parts
  /// (`xBrowserSync-${prefix}-API` may be `xbrowsersync-dev-api`, never `orders`); a missing
  /// one, or two unresolved ones, may be any.
  package static func mayMatch(_ one: String?, _ other: String?) -> Bool {
    guard let one, let other, !one.isEmpty, !other.isEmpty else { return true }
    switch (isResolved(one), isResolved(other)) {
    case (true, true): return nameKey(one) == nameKey(other)
    case (false, true): return fits(nameKey(other), pattern: nameKey(one))
    case (true, false): return fits(nameKey(one), pattern: nameKey(other))
    case (false, false): return true
    }
  }

  /// Whether `name` fits `pattern`, each `${…}` of which stands for any text.
  static func fits(_ name: String, pattern: String) -> Bool {
    var pieces: [Substring] = []
    var rest = Substring(pattern)
    while let open = rest.firstRange(of: "${") {
      pieces.append(rest[..<open.lowerBound])
      guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
        rest = ""
        break
      }
      rest = rest[rest.index(after: close)...]
    }
    pieces.append(rest)
    guard let first = pieces.first, let last = pieces.last, name.hasPrefix(first) else { return false }
    var remaining = Substring(name).dropFirst(first.count)
    for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
      guard let found = remaining.firstRange(of: piece) else { return false }
      remaining = remaining[found.upperBound...]
    }
    return pieces.count == 1 ? remaining.isEmpty : remaining.count >= last.count && remaining.hasSuffix(last)
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
