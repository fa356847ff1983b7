/// A call a policy makes to a backend with a key or with Managed Identity: where it goes and
/// the audience it asks for.
public struct PolicyCall: Sendable, Hashable {
  /// Where the call goes.
  public var target: BackendTarget
  /// The Managed Identity resource it uses or will use after the map, when known.
  public var resource: String?
  /// The user-assigned identity's client id, when the element gives one.
  public var clientID: String?
  /// Whether the policy already uses `<authentication-managed-identity>` (not a key).
  public var usesManagedIdentity: Bool

  /// Creates a call.
  public init(target: BackendTarget, resource: String?, clientID: String? = nil, usesManagedIdentity: Bool) {
    self.target = target
    self.resource = resource
    self.clientID = clientID
    self.usesManagedIdentity = usesManagedIdentity
  }
}
