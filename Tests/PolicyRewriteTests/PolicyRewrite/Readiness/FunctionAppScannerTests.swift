import PolicyRewrite
import Testing

/// Function Apps, APIM instances and backends read from Terraform, Bicep and ARM, and the
/// verdict's refusal to call an app ready on missing evidence.
@Suite struct FunctionAppScannerTests {
  func scan(_ path: String, _ text: String) -> ReadinessDeclarations {
    FunctionAppScanner.declarations(in: Array(text.utf8), path: path)
  }

  static let bicep = """
    param appName string = 'orders-func'

    resource apim 'Microsoft.ApiManagement/service@2023-05-01-preview' = {
      name: 'contoso-apim'
      location: location
      identity: {
        type: 'SystemAssigned'
      }
    }

    resource orders 'Microsoft.Web/sites@2023-01-01' = {
      name: appName
      kind: 'functionapp,linux'
      properties: {
        serverFarmId: plan.id
      }
    }

    resource ordersAuth 'Microsoft.Web/sites/config@2023-01-01' = {
      parent: orders
      name: 'authsettingsV2'
      properties: {
        globalValidation: {
          requireAuthentication: true
          unauthenticatedClientAction: 'Return401'
        }
        identityProviders: {
          azureActiveDirectory: {
            enabled: true
            registration: {
              clientId: '3c1d6a52-8f0e-4d8b-9a51-0d6f2b7c4e11'
            }
            validation: {
              allowedAudiences: [
                'api://orders-func'
              ]
              defaultAuthorizationPolicy: {
                allowedApplications: [ apimClientId ]
              }
            }
          }
        }
      }
    }

    resource web 'Microsoft.Web/sites@2023-01-01' = {
      name: 'www'
      kind: 'app'
    }

    resource backend 'Microsoft.ApiManagement/service/backends@2023-05-01-preview' = {
      parent: apim
      name: 'orders'
      properties: {
        url: 'https://${orders.properties.defaultHostName}/api'
        protocol: 'http'
      }
    }
    """

  @Test func bicepFunctionAppWithAuthSettingsAndAPIMIdentity() throws {
    let found = scan("infra/main.bicep", Self.bicep)
    #expect(found.functionApps.count == 1, "a site of kind 'app' is not a Function App")
    let app = try #require(found.functionApps.first)
    #expect(app.name == "orders-func")
    #expect(app.address == "orders")
    #expect(app.line == 11)
    #expect(app.hostnames == ["orders-func.azurewebsites.net"])
    let entra = try #require(app.entraID)
    #expect(entra.configured)
    #expect(entra.audiences == ["3c1d6a52-8f0e-4d8b-9a51-0d6f2b7c4e11", "api://orders-func"])
    #expect(entra.allowedCallers == ["${apimClientId}"])
    #expect(found.apimInstances.map(\.hasSystemAssignedIdentity) == [true])
    // A name that is a parameter without a value is not a name: the symbol stands for it.
    let unnamed = scan(
      "apim.bicep",
      "param apimName string\nresource apim 'Microsoft.ApiManagement/service@2023-05-01' = {\n  name: apimName\n}\n")
    #expect(unnamed.apimInstances.map(\.name) == ["apim"])
    #expect(found.backends.map(\.url) == ["https://${orders.properties.defaultHostName}/api"])
    #expect(ReadinessAssessment.appIndex(url: found.backends[0].url, apps: found.functionApps) == 0)
  }

  @Test func armFunctionAppWithNestedAuthSettings() throws {
    let arm = """
      {
        "parameters": { "appName": { "type": "string", "defaultValue": "billing-func" } },
        "resources": [
          {
            "type": "Microsoft.Web/sites",
            "name": "[parameters('appName')]",
            "kind": "functionapp",
            "resources": [
              {
                "type": "config",
                "name": "authsettingsV2",
                "properties": {
                  "globalValidation": { "requireAuthentication": false },
                  "identityProviders": { "azureActiveDirectory": { "registration": { "clientId": "api://billing" } } }
                }
              }
            ]
          },
          { "type": "Microsoft.ApiManagement/service", "name": "apim" }
        ]
      }
      """
    let found = scan("azuredeploy.json", arm)
    let app = try #require(found.functionApps.first)
    #expect(app.name == "billing-func")
    #expect(app.hostnames == ["billing-func.azurewebsites.net"])
    #expect(app.entraID?.configured == false, "requireAuthentication is false")
    #expect(app.entraID?.audiences == ["api://billing"])
    #expect(found.apimInstances.first?.identityType == nil)
    #expect(found.apimInstances.first?.hasSystemAssignedIdentity == false)
  }

  @Test func terraformAuthSettingsWithoutRequireAuthenticationIsNotConfigured() throws {
    let found = scan(
      "main.tf",
      """
      resource "azurerm_windows_function_app" "w" {
        name = "w-func"
        auth_settings_v2 {
          active_directory_v2 {
            client_id = azuread_application.w.client_id
          }
        }
      }

      """)
    let app = try #require(found.functionApps.first)
    #expect(app.address == "azurerm_windows_function_app.w")
    #expect(app.entraID?.configured == false)
    #expect(app.entraID?.audiences == ["${azuread_application.w.client_id}"])
  }

  @Test func aModuleFromAnotherSourceIsNotAFunctionApp() {
    let found = scan("main.tf", #"module "x" { source = "pagopa-dx/azure-app-service/azurerm" }"#)
    #expect(found.functionApps.isEmpty)
    #expect(!FunctionAppScanner.mayDeclare(Array("resource \"azurerm_storage_account\" \"s\" {}".utf8), path: "a.tf"))
  }

  @Test func managedIdentityElementsAndTheirBackends() {
    let policy = #"""
      <policies><inbound>
        <set-backend-service base-url="https://orders-func.azurewebsites.net/api" />
        <authentication-managed-identity resource="api://orders" client-id="11111111-2222-3333-4444-555555555555"/>
      </inbound></policies>
      """#
    let use = ManagedIdentityUse.scan(Array(policy.utf8))
    #expect(use.elements.map(\.resource) == ["api://orders"])
    #expect(use.elements.map(\.clientID) == ["11111111-2222-3333-4444-555555555555"])
    #expect(use.elements.map(\.line) == [3])
    #expect(use.targets == [.url("https://orders-func.azurewebsites.net/api")])
    // In an escaped JSON string.
    let escaped =
      #"{"value": "<set-backend-service backend-id=\"orders\" /><authentication-managed-identity resource=\"api://o\" />"}"#
    let fromJSON = ManagedIdentityUse.scan(Array(escaped.utf8))
    #expect(fromJSON.elements.map(\.resource) == ["api://o"])
    #expect(fromJSON.targets == [.backendID("orders")])
    #expect(ManagedIdentityUse.scan(Array("<policies/>".utf8)).elements.isEmpty)
  }

  static let app = FunctionApp(
    name: "orders-func", address: "azurerm_linux_function_app.orders", path: "main.tf", line: 1,
    hostnames: ["orders-func.azurewebsites.net"],
    entraID: .init(configured: true, audiences: ["api://orders"], allowedCallers: [], line: 3))

  func verdict(
    apims: [APIMInstance], resource: String?, triggers: [HTTPTrigger], app: FunctionApp = Self.app
  ) -> FunctionAppReadiness? {
    var declarations = ReadinessDeclarations()
    declarations.functionApps = [app]
    declarations.apimInstances = apims
    let project = FunctionProject(
      folder: "apps/orders-func",
      triggers: triggers.map { FunctionProject.Trigger(path: "apps/orders-func/f.ts", trigger: $0) }, filesRead: 1)
    let assessment = ReadinessAssessment(
      declarations: declarations, backendURLs: [:],
      calls: [
        PolicyCall(
          target: .url("https://orders-func.azurewebsites.net/api"), resource: resource, usesManagedIdentity: true)
      ],
      projects: [project], codeFolders: [:])
    return assessment.verdicts().apps.first
  }

  static let apim = APIMInstance(
    name: "apim", address: "azurerm_api_management.apim", path: "main.tf", line: 9, identityType: "SystemAssigned")
  static let anonymous = HTTPTrigger(
    function: "f", authLevel: .anonymous, isDefault: false, line: 2, language: .typeScript)

  @Test func readyOnlyWhenEveryLevelIsKnown() {
    #expect(verdict(apims: [Self.apim], resource: "api://orders", triggers: [Self.anonymous])?.verdict == .ready)
    // A resource that is a named value cannot be compared: unknown, never ready.
    let named = verdict(apims: [Self.apim], resource: "{{orders-audience}}", triggers: [Self.anonymous])
    #expect(named?.verdict == .unknown)
    #expect(named?.unknowns.first?.hasPrefix("cannot compare the resource") == true)
    // A trigger level written as a variable.
    let variable = HTTPTrigger(
      function: "f", authLevel: .unknown, isDefault: false, written: "level", line: 2, language: .typeScript)
    #expect(verdict(apims: [Self.apim], resource: "api://orders", triggers: [variable])?.verdict == .unknown)
    // No APIM instance among the scanned files.
    #expect(verdict(apims: [], resource: "api://orders", triggers: [Self.anonymous])?.verdict == .unknown)
    // No resource known for the calls.
    #expect(verdict(apims: [Self.apim], resource: nil, triggers: [Self.anonymous])?.verdict == .unknown)
    // Allowed callers that are literal client ids: APIM's own is unknown.
    var literalCallers = Self.app
    literalCallers.entraID?.allowedCallers = ["99999999-2222-3333-4444-555555555555"]
    let literal = verdict(
      apims: [Self.apim], resource: "api://orders", triggers: [Self.anonymous], app: literalCallers)
    #expect(literal?.verdict == .unknown)
  }

  @Test func theGuidesAudienceReferenceMatchesTheModule() {
    var module = Self.app
    module.address = "module.orders_func"
    module.entraID?.audiences = ["${azuread_application.orders.client_id}"]
    let result = verdict(
      apims: [Self.apim], resource: "${module.orders_func.entra_id_authentication.audience_client_id}",
      triggers: [Self.anonymous], app: module)
    #expect(result?.verdict == .ready, "\(result?.unknowns ?? [])")
  }

  @Test func aUserAssignedClientIDNeedsNoSystemAssignedIdentity() {
    var app = Self.app
    app.entraID?.allowedCallers = ["11111111-2222-3333-4444-555555555555"]
    var declarations = ReadinessDeclarations()
    declarations.functionApps = [app]
    declarations.apimInstances = [
      APIMInstance(name: "apim", address: "azurerm_api_management.apim", path: "main.tf", line: 9, identityType: nil)
    ]
    let assessment = ReadinessAssessment(
      declarations: declarations, backendURLs: [:],
      calls: [
        PolicyCall(
          target: .url("https://orders-func.azurewebsites.net/api"), resource: "api://orders",
          clientID: "11111111-2222-3333-4444-555555555555", usesManagedIdentity: true)
      ],
      projects: [FunctionProject(folder: "x/orders-func", triggers: [], filesRead: 0)], codeFolders: [:])
    let result = assessment.verdicts().apps.first
    #expect(result?.blockers.isEmpty == true, "\(result?.blockers ?? [])")
  }

  @Test func theMapAcceptsFunctionAppsAndRejectsUnknownKeys() throws {
    let map = try ResourceMap(json: Array(#"{"functionApps": {"orders-func": {"code": "apps/orders"}}}"#.utf8))
    #expect(map.functionAppCode == ["orders-func": "apps/orders"])
    #expect(throws: ResourceMap.InvalidMap.self) {
      try ResourceMap(json: Array(#"{"functionApps": {"orders-func": {"folder": "apps/orders"}}}"#.utf8))
    }
    #expect(throws: ResourceMap.InvalidMap.self) {
      try ResourceMap(json: Array(#"{"functionApp": {}}"#.utf8))
    }
  }
}
