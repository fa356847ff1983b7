import PolicyRewrite

/// A named value that held a key, and where it is declared, so that it can be deleted (with
/// its Key Vault secret) once traffic has moved.
public struct CleanUpItem: Sendable, Hashable, Encodable {
  /// A declaration of the named value in the scanned files.
  public struct Location: Sendable, Hashable, Encodable {
    /// The file that declares it.
    public var path: String
    /// The 1-based line of the declaration.
    public var line: Int
    /// The Terraform resource address, when declared in Terraform.
    public var address: String?
    /// The Terraform address of the Key Vault secret it reads, when it says.
    public var keyVaultSecret: String?
    /// Where that Key Vault secret is declared, when it is among the scanned files.
    public var keyVaultSecretLocation: SecretLocation?
    /// Other Terraform resources that name this one (in `depends_on` or an interpolation), as
    /// `ADDRESS at PATH:LINE`: their references go with it.
    public var dependents: [String]?

    /// Where a Key Vault secret is declared.
    public struct SecretLocation: Sendable, Hashable, Encodable {
      /// The file.
      public var path: String
      /// The 1-based line.
      public var line: Int
    }

    init(path: String, line: Int, address: String?, keyVaultSecret: String? = nil) {
      self.path = path
      self.line = line
      self.address = address
      self.keyVaultSecret = keyVaultSecret
    }
  }

  /// The named value's display name.
  public var namedValue: String
  /// A file that still references it, when one does (keep it for now).
  public var stillReferencedBy: String?
  /// Where it is declared.
  public var declarations: [Location]

  /// `NAME (azurerm_api_management_named_value.x at main.tf:12; azurerm_key_vault_secret.y at kv.tf:3)`.
  public var text: String {
    let places = declarations.map { location -> String in
      var place = (location.address.map { "\($0) at " } ?? "") + "\(location.path):\(location.line)"
      if let secret = location.keyVaultSecret {
        place += "; \(secret)"
        if let secretLocation = location.keyVaultSecretLocation {
          place += " at \(secretLocation.path):\(secretLocation.line)"
        }
      }
      if let dependents = location.dependents, !dependents.isEmpty {
        place += "; referenced by " + dependents.joined(separator: ", ")
      }
      return place
    }
    var text = namedValue
    if let stillReferencedBy { text += " (\(stillReferencedBy))" }
    if !places.isEmpty { text += " [" + places.joined(separator: "; ") + "]" }
    return text
  }
}
