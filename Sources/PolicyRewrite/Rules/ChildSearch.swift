import PolicyDOM

/// A search among an element's children whose answer is kept per element: planning thousands
/// of injections in one `<inbound>` reads its children once, not once per injection.
struct ChildSearch<Found> {
  private var known: [Int: Found?] = [:]
  /// The children read so far: the work the searches did.
  private(set) var examinedChildren = 0

  /// The first answer `match` gives for one of `element`'s children, in document order, or
  /// `nil`; `match` may search a child's own children with the search it is handed.
  mutating func first(in element: PolicyElement, _ match: (inout Self, PolicyElement) -> Found?) -> Found? {
    if let cached = known[element.range.lowerBound] { return cached }
    var found: Found?
    var child = element.firstChildElement
    while let current = child, found == nil {
      examinedChildren += 1
      found = match(&self, current)
      child = current.nextSiblingElement
    }
    known[element.range.lowerBound] = .some(found)
    return found
  }
}
