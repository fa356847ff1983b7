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
  /// not resolved is a pattern whose literal parts must match and whose unknown parts stand
  /// for any text (`xBrowserSync-${prefix}-API` may be `xbrowsersync-dev-api`, never
  /// `orders`); two unresolved ones may name the same thing unless their literal prefixes or
  /// suffixes rule it out (`${p}-orders-api` and `${p}-billing-api` never do); a missing one
  /// may be any.
  package static func mayMatch(_ one: String?, _ other: String?) -> Bool {
    guard let one, let other, !one.isEmpty, !other.isEmpty else { return true }
    switch (isResolved(one), isResolved(other)) {
    case (true, true): return nameKey(one) == nameKey(other)
    case (false, true): return fits(nameKey(other), pattern: nameKey(one))
    case (true, false): return fits(nameKey(one), pattern: nameKey(other))
    case (false, false): return patternsOverlap(nameKey(one), nameKey(other))
    }
  }

  /// Whether two patterns, each with at least one `${…}` standing for any text, may fit one
  /// name: exactly when the literal text before the first `${` of one starts the other's (or
  /// the other way round) and the literal text after the last `}` of one ends the other's. (A
  /// name then fits both: the longer prefix, every middle part of each, the longer suffix.)
  static func patternsOverlap(_ one: String, _ other: String) -> Bool {
    func ends(_ pattern: String) -> (prefix: Substring, suffix: Substring)? {
      guard let open = pattern.firstRange(of: "${") else { return nil }
      // The text after the last interpolation's `}`; a `${` never closed leaves no suffix.
      var suffix: Substring = ""
      if let lastOpen = pattern.ranges(of: "${").last,
        let close = pattern[lastOpen.upperBound...].firstIndex(of: "}")
      {
        suffix = pattern[pattern.index(after: close)...]
      }
      return (pattern[..<open.lowerBound], suffix)
    }
    guard let a = ends(one), let b = ends(other) else { return true }
    let prefixes = a.prefix.hasPrefix(b.prefix) || b.prefix.hasPrefix(a.prefix)
    let suffixes = a.suffix.hasSuffix(b.suffix) || b.suffix.hasSuffix(a.suffix)
    return prefixes && suffixes
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

  /// Whether the product `product` may hold the API `api`: a membership of a product id that
  /// may be `product` names an API that may be `api` (``mayMatch(_:_:)``: without regard to
  /// case, a name not resolved as a pattern); a missing product id, or a product whose
  /// membership no file of the run declares, may hold any API.
  package func mayHold(product: String?, api: String?) -> Bool {
    guard let product, !product.isEmpty else { return true }
    var isJoined = false
    for (id, members) in productAPIs where Self.mayMatch(id, product) {
      isJoined = true
      if members.contains(where: { Self.mayMatch($0, api) }) { return true }
    }
    // A product whose membership no file of the run declares may hold any API.
    return !isJoined
  }
}
