extension RewriteConfiguration {
  /// An MI element of a parent scope's `<inbound>` (``RewriteConfiguration/authorizationParentTokens``):
  /// it sets `Authorization` to a token of its resource in every pipeline of its child scopes.
  public struct ParentToken: Sendable, Hashable {
    /// The parent policy, as messages name it.
    public var parent: String
    /// The element's `resource`, as written.
    public var resource: String

    /// Creates an entry.
    public init(parent: String, resource: String) {
      self.parent = parent
      self.resource = resource
    }
  }
}
