import PolicyDOM

extension SourceFormatDescription.Declarations {
  /// Terraform: named values, Key Vault secrets and backends, and the blocks that depend on a
  /// named value.
  static let terraform = Self(
    mayDeclare: { source, _ in
      source.containsLiteral("azurerm_api_management_named_value") || source.containsLiteral("key_vault_secret")
        || source.containsLiteral("management_backend")
    },
    read: { source, _, _ in DeclarationScanner.terraform(source) })

  /// Bicep: `namedValues` and `backends` resources.
  static let bicep = Self(
    mayDeclare: { source, _ in source.containsLiteral("Microsoft.ApiManagement/service/") },
    read: { source, _, _ in DeclarationScanner.bicep(source) })

  /// APIOps `configuration.<env>.yaml`: its `namedValues` and `backends`.
  static let apiopsConfiguration = Self(
    mayDeclare: { source, _ in source.containsLiteral("namedValues:") || source.containsLiteral("backends:") },
    read: { source, _, _ in APIOpsConfigurationDeclarations.declarations(in: source) })

  /// The one named value or backend of an APIOps information file, in a file whose name says
  /// it is one (`role`); other files of the format declare nothing.
  static func apiopsInformation(_ role: SourceKind.Role) -> Self {
    Self(
      mayDeclare: { _, kind in kind.role == role },
      read: { source, kind, path in
        kind.role == role ? DeclarationScanner.apiops(source, path: path, backend: role == .backendInformation) : []
      })
  }
}
