import PolicyDOM

/// The `authentication-managed-identity` among an element's children, looked up once per
/// element: planning thousands of injections in one `<inbound>` reads its children once,
/// not once per injection.
struct ManagedIdentityLookup {
  private var known: [Int: PolicyElement?] = [:]
  /// The children read so far: the work the lookups did.
  private(set) var examinedChildren = 0

  /// The first MI element among `element`'s children.
  mutating func managedIdentity(in element: PolicyElement) -> PolicyElement? {
    if let cached = known[element.range.lowerBound] { return cached }
    var found: PolicyElement?
    var child = element.firstChildElement
    while let current = child {
      examinedChildren += 1
      if current.hasName("authentication-managed-identity") {
        found = current
        break
      }
      child = current.nextSiblingElement
    }
    known[element.range.lowerBound] = .some(found)
    return found
  }
}
