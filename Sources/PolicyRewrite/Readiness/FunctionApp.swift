/// A Function App declared in infrastructure code (Terraform, Bicep or ARM), with what the
/// migration to Managed Identity needs to know of it: how APIM reaches it and whether it
/// validates Entra ID tokens.
public struct FunctionApp: Sendable, Hashable {
  /// The Entra ID (Easy Auth) authentication the app's IaC configures.
  public struct EntraIDAuthentication: Sendable, Hashable {
    /// Whether the app refuses a call without a valid token (`require_authentication`, the
    /// pagopa-dx module's `entra_id_authentication`, Bicep `requireAuthentication`).
    public var configured: Bool
    /// The audiences the app accepts, as written: the application's client id first, then the
    /// allowed audiences.
    public var audiences: [String]
    /// The client ids of the applications allowed to call, as written.
    public var allowedCallers: [String]
    /// The 1-based line of the setting.
    public var line: Int

    /// Creates a description of the app's authentication.
    public init(configured: Bool, audiences: [String], allowedCallers: [String], line: Int) {
      self.configured = configured
      self.audiences = audiences
      self.allowedCallers = allowedCallers
      self.line = line
    }
  }

  /// The app's name: its literal name, or the Terraform or Bicep name of its declaration when
  /// the name is computed.
  public var name: String
  /// How other IaC refers to it: `module.orders_func`, `azurerm_linux_function_app.orders`,
  /// or a Bicep symbolic name.
  public var address: String
  /// The file that declares it.
  public var path: String
  /// The 1-based line of the declaration.
  public var line: Int
  /// Its known hostnames, lowercased (`orders-func.azurewebsites.net`).
  public var hostnames: [String]
  /// Its Entra ID authentication, or `nil` when the IaC configures none.
  public var entraID: EntraIDAuthentication?

  /// Creates a Function App.
  public init(
    name: String, address: String, path: String, line: Int, hostnames: [String], entraID: EntraIDAuthentication?
  ) {
    self.name = name
    self.address = address
    self.path = path
    self.line = line
    self.hostnames = hostnames
    self.entraID = entraID
  }
}
