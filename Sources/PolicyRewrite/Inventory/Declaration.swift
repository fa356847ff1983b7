/// A named value, Key Vault secret or backend declared in infrastructure code: what the
/// clean-up after a migration deletes, and where a policy's `backend-id` points.
public struct Declaration: Sendable, Hashable {
  /// What is declared.
  public enum Kind: String, Sendable, Hashable, Codable {
    /// An APIM named value (`azurerm_api_management_named_value`, APIOps `namedValueInformation.json`,
    /// Bicep `Microsoft.ApiManagement/service/namedValues`).
    case namedValue
    /// A Key Vault secret (`azurerm_key_vault_secret`).
    case keyVaultSecret
    /// An APIM backend (`azurerm_api_management_backend`, APIOps `backendInformation.json`).
    case backend
    /// Another Terraform resource that names a named value's address (in `depends_on` or an
    /// interpolation): it must drop that reference when the named value goes. ``name`` is the
    /// named value's address.
    case dependent
  }

  /// What is declared.
  public var kind: Kind
  /// The name policies use: a named value's display name, a secret's or a backend's name.
  public var name: String
  /// The Terraform resource address (`azurerm_api_management_named_value.orders_key`), when
  /// declared in Terraform.
  public var address: String?
  /// The 1-based line of the declaration.
  public var line: Int
  /// Whether a named value is a secret (or Key Vault-backed).
  public var isSecret: Bool
  /// A backend's URL.
  public var url: String?
  /// The Terraform address of the Key Vault secret a named value reads, when it says.
  public var keyVaultSecret: String?

  /// Creates a declaration.
  public init(
    kind: Kind, name: String, address: String? = nil, line: Int, isSecret: Bool = false, url: String? = nil,
    keyVaultSecret: String? = nil
  ) {
    self.kind = kind
    self.name = name
    self.address = address
    self.line = line
    self.isSecret = isSecret
    self.url = url
    self.keyVaultSecret = keyVaultSecret
  }

  /// Whether a named value's name looks like it holds a function key: it contains `func`,
  /// `function` or `fn` and `key`, ignoring case and separators.
  public static func looksLikeFunctionKey(_ name: String) -> Bool {
    let letters = name.lowercased().filter { $0.isLetter || $0.isNumber }
    return letters.contains("key") && (letters.contains("func") || letters.contains("fn"))
  }

  /// The Terraform address a named-value reference names: `azurerm_api_management_named_value.x`
  /// for `${azurerm_api_management_named_value.x.display_name}` (or `.name`), else `nil`.
  public static func terraformAddress(inReference reference: String) -> String? {
    guard reference.hasPrefix("${"), reference.hasSuffix("}") else { return nil }
    let parts = reference.dropFirst(2).dropLast().split(separator: ".")
    guard parts.count == 3, parts[0] == "azurerm_api_management_named_value",
      parts[2] == "display_name" || parts[2] == "name"
    else { return nil }
    return "\(parts[0]).\(parts[1])"
  }
}
