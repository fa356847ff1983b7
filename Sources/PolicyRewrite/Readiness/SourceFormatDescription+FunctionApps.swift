import PolicyDOM

extension SourceFormatDescription {
  /// How a file of a format declares Function Apps, APIM instances, APIM backends and service
  /// principal lookups (``FunctionAppScanner``).
  struct FunctionApps: Sendable {
    /// Whether a file may declare one: a cheap byte search.
    var mayDeclare: @Sendable (_ source: [UInt8]) -> Bool
    /// The declarations of a file.
    var read: @Sendable (_ source: [UInt8], _ path: String) -> ReadinessDeclarations
  }
}

extension SourceFormatDescription.FunctionApps {
  /// Terraform: the pagopa-dx module, `azurerm_*_function_app`, `azurerm_api_management` and its
  /// backends, `data "azuread_service_principal"`.
  static let terraform = Self(
    mayDeclare: { source in
      source.containsLiteral("function_app") || source.containsLiteral("azure-function-app")
        || source.containsLiteral("azurerm_api_management") || source.containsLiteral("azuread_service_principal")
    },
    read: FunctionAppScanner.terraform)

  /// Bicep: `Microsoft.Web/sites` and `Microsoft.ApiManagement/service` resources.
  static let bicep = Self(mayDeclare: declaresResources, read: FunctionAppScanner.bicep)

  /// ARM templates: the same resources as Bicep.
  static let arm = Self(mayDeclare: declaresResources, read: FunctionAppScanner.arm)

  private static func declaresResources(_ source: [UInt8]) -> Bool {
    source.containsLiteral("Microsoft.Web/sites") || source.containsLiteral("Microsoft.ApiManagement/service")
  }
}
