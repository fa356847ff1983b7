import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// How a resource is chosen, and how a map file's mistakes are found.
@Suite struct ResourceResolutionTests {
  static let map = ResourceMap(
    defaultResource: try! Resource(validating: "api://default"),
    byNamedValue: ["orders-func-key": try! Resource(validating: "api://orders")],
    byPath: [(Glob("apis/payments/**"), try! Resource(validating: "api://payments"))])

  @Test func eachSourceIsNamed() {
    #expect(
      Self.map.resolve(namedValue: "orders-func-key", path: "apis/payments/policy.xml")
        == ResourceResolution(
          resource: try! Resource(validating: "api://orders"), source: .namedValue, entry: "orders-func-key"))
    #expect(
      Self.map.resolve(namedValue: "other-key", path: "apis/payments/policy.xml")
        == ResourceResolution(
          resource: try! Resource(validating: "api://payments"), source: .path, entry: "apis/payments/**"))
    #expect(
      Self.map.resolve(namedValue: nil, path: "apis/orders/policy.xml")
        == ResourceResolution(resource: try! Resource(validating: "api://default"), source: .default))
    var commandLine = Self.map
    commandLine.defaultIsFromCommandLine = true
    #expect(commandLine.resolve(namedValue: nil, path: "x.xml").source == .commandLine)
    #expect(ResourceMap().resolve(namedValue: "k", path: "x.xml") == ResourceResolution(resource: nil, source: .none))
  }

  @Test func byPathIsRelativeToTheMapFolder() {
    var map = Self.map
    map.baseDirectory = "/repo/apim"
    #expect(map.resolve(namedValue: nil, path: "/repo/apim/apis/payments/policy.xml").source == .path)
    // The same tree seen from elsewhere: a path outside the map's folder never matches byPath.
    #expect(map.resolve(namedValue: nil, path: "/other/apis/payments/policy.xml").source == .default)
    #expect(map.resolve(namedValue: nil, path: "/repo/apimx/apis/payments/policy.xml").source == .default)
  }

  @Test(arguments: [
    // (map text, line, column, start of the message)
    (
      "{\n  \"default\": \"api://x\",\n  \"byPath\": {\"a/**\": \"api://y\",}\n}\n", 3, 32,
      "resource map is not valid JSON"
    ),
    ("{\n  \"byNamedValue\": {\n    \"k\": \"orders\"\n  }\n}\n", 3, 10, "resource map: invalid resource 'orders'"),
    ("{\n  \"default\": \"api://x\",\n  \"byNamedVaule\": {}\n}\n", 3, 3, "unknown key 'byNamedVaule'"),
    ("{\"byNamedValue\": {\n  \"fn-key\": \"\"\n}}", 2, 3, "no resource yet for 'fn-key'"),
    ("[1, 2]", 1, 1, "resource map must be a JSON object"),
  ])
  func mapErrorsPointAtTheirLineAndColumn(text: String, line: Int, column: Int, message: String) {
    #expect {
      try ResourceMap(json: Array(text.utf8))
    } throws: { error in
      guard let error = error as? ResourceMap.InvalidMap else { return false }
      #expect(error.line == line && error.column == column, "\(error.line):\(error.column) \(error.description)")
      #expect(error.description.hasPrefix(message), "\(error.description)")
      return true
    }
  }

  @Test(
    arguments: [
      ("{}", nil), ("[]", nil), ("{\"a\": [1, -2.5e3, true, false, null, \"\\u00e9\\n\"]}", nil),
      ("{\"a\": 1,}", 8), ("{\"a\" 1}", 5), ("{\"a\": 01}", 7), ("\"\\x\"", 2), ("{\"a\": tru}", 6), ("{} {}", 3),
    ] as [(String, Int?)])
  func jsonSyntaxFindsTheFirstError(text: String, offset: Int?) {
    #expect(JSONSyntax.firstError(in: Array(text.utf8)) == offset, "\(text)")
  }

  @Test func editDistanceAndSuggestions() {
    #expect(Suggestion.editDistance(Array("io-fn-profile-kye".utf8), Array("io-fn-profile-key".utf8)) == 2)
    #expect(Suggestion.editDistance(Array("".utf8), Array("abc".utf8)) == 3)
    #expect(Suggestion.editDistance(Array("abc".utf8), Array("".utf8)) == 3)
    #expect(
      Suggestion.closest(to: "io-fn-profile-kye", among: ["io-fn-profile-key", "io-fn-payments-key"])
        == "io-fn-profile-key")
    #expect(Suggestion.closest(to: "orders-key", among: ["totally-different"]) == nil)
  }

  @Test func terraformDeclarations() {
    let source = """
      resource "azurerm_key_vault_secret" "orders" {
        name         = "orders-func-key" # the secret
        key_vault_id = azurerm_key_vault.main.id
      }

      resource "azurerm_api_management_named_value" "orders_key" {
        name                = "orders-func-key"
        display_name        = "orders-func-key-display"
        api_management_name = "apim"
        secret              = true
        value_from_key_vault {
          secret_id = azurerm_key_vault_secret.orders.versionless_id
        }
      }

      resource "azurerm_api_management_backend" "orders" {
        name     = "orders-func"
        protocol = "http"
        url      = "https://orders-func.azurewebsites.net/api"
        description = "a { brace in a string }"
      }

      """
    let declarations = DeclarationScanner.declarations(in: Array(source.utf8), path: "infra/apim.tf")
    #expect(
      declarations == [
        Declaration(
          kind: .keyVaultSecret, name: "orders-func-key", address: "azurerm_key_vault_secret.orders", line: 1,
          isSecret: true),
        Declaration(
          kind: .namedValue, name: "orders-func-key-display", address: "azurerm_api_management_named_value.orders_key",
          line: 6, isSecret: true, keyVaultSecret: "azurerm_key_vault_secret.orders"),
        Declaration(
          kind: .backend, name: "orders-func", address: "azurerm_api_management_backend.orders", line: 16,
          url: "https://orders-func.azurewebsites.net/api"),
      ])
  }

  @Test func apiopsDeclarations() {
    let namedValue = #"{"properties": {"displayName": "orders-func-key", "secret": true}}"#
    #expect(
      DeclarationScanner.declarations(
        in: Array(namedValue.utf8), path: "namedValues/orders-func-key/namedValueInformation.json")
        == [Declaration(kind: .namedValue, name: "orders-func-key", line: 1, isSecret: true)])
    let backend = #"{"properties": {"url": "https://orders.azurewebsites.net/api", "protocol": "http"}}"#
    #expect(
      DeclarationScanner.declarations(in: Array(backend.utf8), path: "backends/orders-func/backendInformation.json")
        == [Declaration(kind: .backend, name: "orders-func", line: 1, url: "https://orders.azurewebsites.net/api")])
  }

  @Test(arguments: [
    ("policy.xml", false, PolicyScope.global),
    ("apimartifacts/policy.xml", false, .global),
    ("apimartifacts/products/gold/policy.xml", false, .product),
    ("apimartifacts/apis/orders/policy.xml", false, .api),
    ("apimartifacts/apis/orders/apiPolicy.xml", false, .api),
    ("apimartifacts/apis/orders/operations/get-order/policy.xml", false, .operation),
    ("apimartifacts/policy fragments/auth/policy.xml", false, .fragment),
    ("policies/anything.xml", true, .fragment),
    ("src/notes.xml", false, .unknown),
    ("Repo/APIs/Orders/Operations/Get/Policy.XML", false, .operation),
    ("/abs//Products/x/policy.xml", false, .product),
    ("infra/GlobalPolicy.xml", false, .global),
    ("infra/orders-api-policy.xml", false, .unknown),
    ("infra/api-orders.xml", false, .api),
    ("infra/PRODUCT-gold.xml", false, .product),
    ("d\u{E9}p\u{F4}t/Op\u{E9}ration-x.xml", false, .unknown),
    ("d\u{E9}p\u{F4}t/APIS/x/OPERATIONS/y/policy.xml", false, .operation),
  ])
  func scopesFromTheLayout(path: String, isFragment: Bool, scope: PolicyScope) {
    #expect(PolicyScope.of(path: path, isFragment: isFragment) == scope)
  }

  @Test func functionKeyNames() {
    for name in ["orders-func-key", "FN_KEY_ORDERS", "ordersFunctionKey", "fnkey"] {
      #expect(Declaration.looksLikeFunctionKey(name), "\(name)")
    }
    for name in ["orders-api-key", "function-url", "fn-audience"] {
      #expect(!Declaration.looksLikeFunctionKey(name), "\(name)")
    }
  }

  @Test func recordsCarryTheResourceSourceAndBackend() {
    let policy = """
      <policies>
        <inbound>
          <base />
          <set-backend-service backend-id="orders-func" />
          <choose>
            <when condition="@(true)">
              <set-backend-service base-url="https://eu-func.azurewebsites.net/api" />
              <set-header name="x-functions-key"><value>{{eu-func-key}}</value></set-header>
            </when>
          </choose>
          <set-header name="x-functions-key"><value>{{orders-func-key}}</value></set-header>
        </inbound>
        <outbound>
          <set-header name="x-functions-key"><value>${legacy_key}</value></set-header>
        </outbound>
      </policies>
      """
    let rewriter = PolicyRewriter(configuration: RewriteConfiguration(resources: Self.map))
    let records = rewriter.rewrite(Array(policy.utf8), path: "apis/orders/policy.xml").injections
    #expect(records.map(\.line) == [8, 11, 14])
    #expect(
      records.map(\.key) == [.namedValue("eu-func-key"), .namedValue("orders-func-key"), .placeholder("${legacy_key}")])
    #expect(records.map(\.resolution.source) == [.default, .namedValue, .default])
    #expect(records.map(\.outcome) == [.rewritten, .rewritten, .review])
    #expect(
      records.map(\.target) == [.url("https://eu-func.azurewebsites.net/api"), .backendID("orders-func"), nil])
    #expect(records.allSatisfy { $0.scope == .api })
  }

  @Test func embeddedPoliciesTakeTheScopeOfTheirResource() {
    let bicep = """
      resource op 'Microsoft.ApiManagement/service/apis/operations/policies@2023-05-01-preview' = {
        name: 'policy'
        properties: {
          format: 'rawxml'
          value: '''
      <policies><inbound><base /><set-header name="x-functions-key"><value>{{op-func-key}}</value></set-header></inbound></policies>
      '''
        }
      }

      """
    let terraform = """
      resource "azurerm_api_management_product_policy" "gold" {
        xml_content = <<XML
      <policies><inbound><base /><set-header name="x-functions-key"><value>{{gold-func-key}}</value></set-header></inbound></policies>
      XML
      }

      """
    let rewriter = PolicyRewriter(configuration: RewriteConfiguration(resources: Self.map))
    #expect(rewriter.rewrite(Array(bicep.utf8), path: "infra/apim.bicep").injections.map(\.scope) == [.operation])
    #expect(rewriter.rewrite(Array(terraform.utf8), path: "infra/apim.tf").injections.map(\.scope) == [.product])
    #expect(rewriter.rewrite(Array(terraform.utf8), path: "infra/apim.tf").injections.map(\.line) == [3])
    #expect(PolicyScope.of(armResourceType: "Microsoft.ApiManagement/service/policies") == .global)
    #expect(PolicyScope.of(armResourceType: "Microsoft.ApiManagement/service/policyFragments") == .fragment)
  }
}
