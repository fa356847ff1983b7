/// An API Management instance declared in infrastructure code, with its managed identity.
public struct APIMInstance: Sendable, Hashable {
  /// Its name, or its Terraform or Bicep name when the name is computed.
  public var name: String
  /// How other IaC refers to it: `azurerm_api_management.apim`, or a Bicep symbolic name.
  public var address: String
  /// The file that declares it.
  public var path: String
  /// The 1-based line of the declaration.
  public var line: Int
  /// The identity type as written (`SystemAssigned`, `SystemAssigned, UserAssigned`), or
  /// `nil` when it declares no identity.
  public var identityType: String?

  /// Creates an instance.
  public init(name: String, address: String, path: String, line: Int, identityType: String?) {
    self.name = name
    self.address = address
    self.path = path
    self.line = line
    self.identityType = identityType
  }

  /// Whether it has a system-assigned identity, the one `<authentication-managed-identity>`
  /// uses without a `client-id`.
  public var hasSystemAssignedIdentity: Bool {
    identityType.map { $0.lowercased().filter { $0 != " " }.contains("systemassigned") } ?? false
  }
}
