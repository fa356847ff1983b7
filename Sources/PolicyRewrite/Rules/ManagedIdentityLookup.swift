import PolicyDOM

/// The `authentication-managed-identity` among an element's children, looked up once per
/// element.
typealias ManagedIdentityLookup = ChildSearch<PolicyElement>

extension ChildSearch where Found == PolicyElement {
  /// The first MI element among `element`'s children.
  mutating func managedIdentity(in element: PolicyElement) -> PolicyElement? {
    first(in: element) { _, child in child.hasName("authentication-managed-identity") ? child : nil }
  }
}
