import PolicyDOM

/// What a `send-request`'s own children do with that request's `Authorization`.
extension AuthorizationRule {
  /// A child of `request`, other than its MI element in place `existing`, that writes or
  /// removes that request's `Authorization`: a writer (an MI element with another resource
  /// included) or a `set-header` that deletes it (a remover).
  static func requestTouch(
    in request: PolicyElement, besides existing: PolicyElement, sameToken: (AuthorizationScan.Touch) -> Bool
  ) -> AuthorizationScan.Touch? {
    var child = request.firstChildElement
    while let current = child {
      defer { child = current.nextSiblingElement }
      if current.isSame(as: existing) { continue }
      if current.hasName("authentication-managed-identity") {
        let touch = Self.touch(current, kind: .managedIdentity)
        if !sameToken(touch) { return Self.touch(current, kind: .writer) }
      } else if isRequestWriter(current) {
        return Self.touch(current, kind: .writer)
      } else if current.hasName("set-header"),
        current.attribute("name")?.trimmingXMLSpace.lowercased() == "authorization",
        current.attribute("exists-action")?.trimmingXMLSpace.lowercased() == "delete"
      {
        return Self.touch(current, kind: .remover)
      }
    }
    return nil
  }

  /// A `send-request` child that writes `Authorization` on that request.
  static func isRequestWriter(_ element: PolicyElement) -> Bool {
    if element.hasName("authentication-basic") { return true }
    guard element.hasName("set-header"), element.attribute("name")?.trimmingXMLSpace.lowercased() == "authorization"
    else { return false }
    return element.attribute("exists-action")?.trimmingXMLSpace.lowercased() != "delete"
  }
}
