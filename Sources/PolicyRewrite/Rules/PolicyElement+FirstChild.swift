import PolicyDOM

extension PolicyElement {
  /// The first child element called `name`.
  func firstChildElement(named name: StaticString) -> PolicyElement? {
    var child = firstChildElement
    while let current = child {
      if current.hasName(name) { return current }
      child = current.nextSiblingElement
    }
    return nil
  }
}
