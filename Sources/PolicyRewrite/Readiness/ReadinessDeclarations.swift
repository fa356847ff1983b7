/// What one infrastructure file declares that the readiness verdict needs: Function Apps, APIM
/// instances, APIM backends (with their URLs as written, references included) and Entra ID
/// service principals looked up by Terraform.
public struct ReadinessDeclarations: Sendable, Hashable {
  /// An APIM backend entity.
  public struct Backend: Sendable, Hashable {
    /// The backend id policies name in `backend-id`.
    public var name: String
    /// Its URL as written (`https://${module.orders_func.function_app.default_hostname}/api`).
    public var url: String

    /// Creates a backend.
    public init(name: String, url: String) {
      self.name = name
      self.url = url
    }
  }

  /// A Terraform `data "azuread_service_principal"` lookup: its address and what it names
  /// (the source text of its attributes), to tell whether it is APIM's identity.
  public struct ServicePrincipal: Sendable, Hashable {
    /// `data.azuread_service_principal.apim`.
    public var address: String
    /// The source text of its attributes (`object_id = azurerm_api_management.apim.identity[0].principal_id`).
    public var lookup: String

    /// Creates a lookup.
    public init(address: String, lookup: String) {
      self.address = address
      self.lookup = lookup
    }
  }

  /// Function Apps.
  public var functionApps: [FunctionApp] = []
  /// APIM instances.
  public var apimInstances: [APIMInstance] = []
  /// APIM backends.
  public var backends: [Backend] = []
  /// Service principal lookups.
  public var servicePrincipals: [ServicePrincipal] = []

  /// Creates empty declarations.
  public init() {}

  /// Whether nothing was found.
  public var isEmpty: Bool {
    functionApps.isEmpty && apimInstances.isEmpty && backends.isEmpty && servicePrincipals.isEmpty
  }

  /// Adds another file's declarations.
  public mutating func add(_ other: ReadinessDeclarations) {
    functionApps += other.functionApps
    apimInstances += other.apimInstances
    backends += other.backends
    servicePrincipals += other.servicePrincipals
  }
}
