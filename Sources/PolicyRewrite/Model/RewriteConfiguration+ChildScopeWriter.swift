extension RewriteConfiguration {
  /// An element of a child scope's `<inbound>` that writes `Authorization` before the child's
  /// `<base />` (``RewriteConfiguration/authorizationChildWriters``): it runs before every
  /// parent scope's policy, so a parent's MI element would overwrite the value it wrote; or an
  /// MI element after it (``isAfterBase``), which would overwrite the parent's token.
  public struct ChildScopeWriter: Sendable, Hashable {
    /// The child policy and the writer's line, as messages name them
    /// (`apis/a/operations/get/policy.xml:4`, or for an inline policy its file's line and the
    /// declaration that holds it).
    public var location: String
    /// The writer's element name (`authentication-basic`, `set-header`, …).
    public var element: String
    /// For an `authentication-managed-identity`, its resource: one with the parent's own
    /// resource writes the same token and is not a conflict.
    public var resource: String?
    /// Whether it stands after the child's `<base />` (an MI element there runs after every
    /// parent: it overwrites a parent's token of another resource) rather than before it.
    public var isAfterBase = false

    /// Creates a writer entry.
    public init(location: String, element: String, resource: String? = nil) {
      self.location = location
      self.element = element
      self.resource = resource
    }

    /// Creates a writer entry after the child's `<base />` when `isAfterBase`.
    public init(location: String, element: String, resource: String?, isAfterBase: Bool) {
      self.init(location: location, element: element, resource: resource)
      self.isAfterBase = isAfterBase
    }
  }
}
