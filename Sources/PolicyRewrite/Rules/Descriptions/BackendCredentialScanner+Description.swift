extension BackendCredentialScanner {
  /// What the scanner reports.
  static let description = RuleDescription(
    rule: .backendCredentials, kind: .key, defaultSeverity: .warning,
    summary: "A backend's credentials send a function key (x-functions-key header or code query parameter).",
    explanation: """
      An APIM backend entity (Terraform azurerm_api_management_backend, Bicep or ARM \
      …/backends, APIOps backendInformation.json or configuration.<env>.yaml) sends the key on \
      every call that uses the backend. Remove the credentials and add \
      <authentication-managed-identity> to the policies that use the backend (backend-id).
      """,
    example: """
      credentials { header = { "x-functions-key" = "{{orders-func-key}}" } }
      """)
}
