extension ReadinessAssessment {
  /// The rules of the readiness verdict: what makes a Function App answer 401 once APIM sends
  /// a token and no key.
  static let descriptions: [RuleDescription] = [
    RuleDescription(
      rule: .functionAuthLevel, kind: .readiness, defaultSeverity: .error,
      summary: "An HTTP trigger of the Function App requires a function or admin key.",
      explanation: """
        Once APIM sends a token and no key, the Functions host answers 401 to a trigger whose \
        authLevel is function or admin (the default of function.json, C#, Python and Java). \
        Entra ID authentication protects the app instead: set the trigger to anonymous.
        """,
      example: #"app.http("orders", { authLevel: "function", handler })"#,
      fix: #"app.http("orders", { authLevel: "anonymous", handler })"#),
    RuleDescription(
      rule: .functionAppWithoutEntraAuth, kind: .readiness, defaultSeverity: .error,
      summary: "The Function App's IaC configures no Entra ID authentication that requires a token.",
      explanation: """
        Without Easy Auth requiring a token (the pagopa-dx module's entra_id_authentication, \
        auth_settings_v2 with require_authentication and active_directory_v2, or authsettingsV2), \
        the token APIM sends is not checked: the functions are either open to anyone or refuse the call.
        """,
      example: #"resource "azurerm_linux_function_app" "orders" { name = "orders-func" }"#,
      fix: """
        auth_settings_v2 {
          require_authentication = true
          active_directory_v2 { client_id = azuread_application.orders.client_id }
        }
        """),
    RuleDescription(
      rule: .audienceMismatch, kind: .readiness, defaultSeverity: .error,
      summary: "The resource the policies ask a token for is not an audience the Function App accepts.",
      explanation: """
        The token's audience is the <authentication-managed-identity> resource; the app accepts \
        its client id and its allowed audiences only. Fix the resource map or the app's allowed audiences.
        """),
    RuleDescription(
      rule: .apimIdentityMissing, kind: .readiness, defaultSeverity: .error,
      summary: "The APIM instance has no system-assigned identity, and the policies give no client-id.",
      explanation: """
        <authentication-managed-identity> without client-id uses APIM's system-assigned identity. \
        Add identity { type = "SystemAssigned" } (or give the user-assigned identity's client-id).
        """),
    RuleDescription(
      rule: .apimCallerNotAllowed, kind: .readiness, defaultSeverity: .error,
      summary: "The Function App's allowed callers do not include APIM's identity.",
      explanation: """
        Easy Auth refuses a token from an application that is not among the allowed callers \
        (allowed_callers_client_ids, allowed_applications). Add APIM's client id, for example \
        data.azuread_service_principal.apim.client_id.
        """),
    RuleDescription(
      rule: .allowedCallerObjectID, kind: .readiness, defaultSeverity: .error,
      summary: "An allowed caller is APIM's principal (object) id, not its client id.",
      explanation: """
        Allowed callers are client (application) ids; identity[0].principal_id is the service \
        principal's object id, which never matches a token's client. Look the client id up with \
        data "azuread_service_principal" { object_id = ….identity[0].principal_id } and use its client_id.
        """,
      example: "allowed_callers_client_ids = [azurerm_api_management.apim.identity[0].principal_id]",
      fix: "allowed_callers_client_ids = [data.azuread_service_principal.apim.client_id]"),
  ]
}
