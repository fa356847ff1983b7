import Foundation
import Testing

/// End-to-end: the names that link a policy to its scopes (`rewrite-spec.md` §2c). A
/// reference to another declaration's argument is followed to that argument; a name the run
/// cannot know (a module variable without a default, `each.value`) is unknown, never a
/// literal that matches nothing; names compare without regard to case; and a global policy
/// of one layout is the parent of another layout's scopes. Each case is an operation or API
/// that strips or validates `Authorization` after its `<base />` below a parent with a key:
/// rewritten, the parent's token would be stripped or checked (401 at runtime).
@Suite struct UnresolvedScopeNameCommandTests {
  static let key = """
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key" exists-action="override">
                <value>{{orders-key}}</value>
            </set-header>
        </inbound>
    </policies>
    """
  static let deleting = Policies.authorizationDeleter

  static func resource(_ type: String, _ name: String, _ arguments: String, _ policy: String) -> String {
    """
    resource "\(type)" "\(name)" {
    \(arguments)
      xml_content = <<XML
    \(policy)
    XML
    }

    """
  }

  /// `migrate --write` on `root`: status, stderr, and the findings of `rule`.
  static func migrate(_ root: URL, rule: String, strict: Bool = false) -> (
    status: Int32, stderr: String, found: [String]
  ) {
    CLI.migrate(root, rule: rule, strict ? ["--strict"] : [])
  }

  static let registryExample = [
    "main.tf": """
    resource "azurerm_api_management_api" "a" {
      name     = "orders"
      revision = "1"
    }
    resource "azurerm_api_management_api_operation" "get" {
      operation_id = "get"
      api_name     = azurerm_api_management_api.a.name
      method       = "GET"
    }

    """
      + resource("azurerm_api_management_api_policy", "a", "  api_name = azurerm_api_management_api.a.name", key)
      + resource(
        "azurerm_api_management_api_operation_policy", "get",
        """
          api_name     = azurerm_api_management_api_operation.get.api_name
          operation_id = azurerm_api_management_api_operation.get.operation_id
        """, deleting)
  ]

  @Test("the registry's operation policy (api_name = operation.api_name) is the API's child: its key is held")
  func operationPolicyByTheOperationsAPINameStripsAPIMsTokenSoTheKeyIsHeld() throws {
    try withTemporaryTree(Self.registryExample) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.found.count == 1, "\(result.stderr)")
      expectFile(root, "main.tf", Self.registryExample["main.tf"] ?? "")
    }
  }

  static let moduleVariable = [
    "main.tf": resource("azurerm_api_management_api_policy", "a", "  api_name = \"a\"", key)
      + "module \"op\" {\n  source   = \"./modules/op\"\n  for_each = toset([\"a\"])\n  api_name = each.key\n}\n",
    "modules/op/main.tf": "variable \"api_name\" { type = string }\n"
      + resource(
        "azurerm_api_management_api_operation_policy", "get", "  api_name     = var.api_name\n  operation_id = \"get\"",
        deleting),
  ]

  @Test("an operation named by a module variable may be the API's child: its key is held, saying why")
  func operationOfUnknownAPIStripsAPIMsTokenSoTheKeyIsHeld() throws {
    try withTemporaryTree(Self.moduleVariable) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.contains("API name `${each.key}` the run does not resolve") == true)
      expectFile(root, "main.tf", Self.moduleVariable["main.tf"] ?? "")
    }
  }

  @Test(
    "an operation named by a function or a conditional was read as a literal name matching no API: the key was migrated",
    arguments: ["lower(var.api_name)", "var.api_name == \"\" ? \"x\" : var.api_name", "local.names[0]"])
  func operationNamedByAnExpressionMayStripAPIMsTokenSoTheKeyIsHeld(expression: String) throws {
    var files = Self.moduleVariable
    files["modules/op/main.tf"] = files["modules/op/main.tf"]?.replacingOccurrences(
      of: "api_name     = var.api_name", with: "api_name     = \(expression)")
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.contains("the run does not resolve") == true, "\(result.found)")
      expectFile(root, "main.tf", files["main.tf"] ?? "")
    }
  }

  @Test("a variable's default and a data source's name link the policies they name")
  func defaultsAndDataSourcesLinkTheOperationThatStripsAPIMsToken() throws {
    let files = [
      "main.tf": """
      variable "api_name" {
        default = "orders"
      }
      data "azurerm_api_management_api" "a" {
        name = "orders"
      }

      """
        + Self.resource(
          "azurerm_api_management_api_policy", "a", "  api_name = data.azurerm_api_management_api.a.name", Self.key)
        + Self.resource(
          "azurerm_api_management_api_operation_policy", "get",
          "  api_name     = var.api_name\n  operation_id = \"get\"",
          Self.deleting)
    ]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.contains("does not resolve") == false)
      #expect(findingLines(result.stderr).allSatisfy { !$0.hasSuffix("[scope-unknown]") }, "\(result.stderr)")
    }
  }

  @Test("a product whose membership is a for_each value may hold any API: its key is held")
  func forEachMembershipStripsAPIMsTokenSoTheProductKeyIsHeld() throws {
    let files = [
      "main.tf": Self.resource("azurerm_api_management_product_policy", "p", "  product_id = \"p\"", Self.key)
        + """
        resource "azurerm_api_management_product_api" "members" {
          for_each   = toset(["a", "b"])
          api_name   = each.value
          product_id = "p"
        }

        """
        + Self.resource("azurerm_api_management_api_policy", "a", "  api_name = \"a\"", Self.deleting)
    ]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      expectFile(root, "main.tf", files["main.tf"] ?? "")
    }
  }

  @Test("API names differ only in case: the same API, so the operation's stripping holds the key")
  func namesDifferingInCaseAreOneAPISoTheKeyIsHeld() throws {
    let files = [
      "main.tf": Self.resource("azurerm_api_management_api_policy", "a", "  api_name = \"Orders\"", Self.key)
        + Self.resource(
          "azurerm_api_management_api_operation_policy", "get", "  api_name     = \"orders\"\n  operation_id = \"get\"",
          Self.deleting)
    ]
    try withTemporaryTree(files) { root in
      #expect(Self.migrate(root, rule: "authorization-child-scope").found.count == 1)
    }
  }

  @Test("a Terraform global policy is the parent of an APIOps tree's operations, and the reverse")
  func globalPolicyOfOneLayoutHoldsForAnotherLayoutsChild() throws {
    let terraformGlobal = [
      "infra/main.tf": Self.resource(
        "azurerm_api_management_policy", "global", "  api_management_id = \"x\"", Self.key),
      "apim/apis/a/policy.xml": "<policies>\n    <inbound>\n        <base />\n    </inbound>\n</policies>\n",
      "apim/apis/a/operations/o/policy.xml": Self.deleting,
    ]
    try withTemporaryTree(terraformGlobal) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.hasPrefix("infra/main.tf:") == true)
    }
    let apiopsGlobal = [
      "apim/policy.xml": Self.key,
      "infra/main.tf": Self.resource("azurerm_api_management_api_policy", "w", "  api_name = \"a\"", Self.deleting),
    ]
    try withTemporaryTree(apiopsGlobal) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      expectFile(root, "apim/policy.xml", Self.key)
    }
  }
  static func json(_ text: String) -> String {
    String(text.debugDescription.dropFirst().dropLast())
  }

  @Test("ARM nested deployment: its operation that deletes Authorization holds the outer API's key")
  func nestedDeploymentOperationStripsAPIMsTokenSoTheKeyIsHeld() throws {
    let template = """
      {
        "parameters": { "apim": { "type": "string" } },
        "resources": [
          {
            "type": "Microsoft.ApiManagement/service/apis/policies",
            "name": "[concat(parameters('apim'), '/a/policy')]",
            "properties": { "format": "rawxml", "value": "\(Self.json(Self.key))" }
          },
          {
            "type": "Microsoft.Resources/deployments",
            "name": "ops",
            "properties": {
              "expressionEvaluationOptions": { "scope": "inner" },
              "template": {
                "parameters": { "apim": { "type": "string" } },
                "resources": [
                  {
                    "type": "Microsoft.ApiManagement/service/apis/operations/policies",
                    "name": "[concat(parameters('apim'), '/a/get/policy')]",
                    "properties": { "format": "rawxml", "value": "\(Self.json(Self.deleting))" }
                  }
                ]
              }
            }
          }
        ]
      }

      """
    try withTemporaryTree(["t.json": template]) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      expectFile(root, "t.json", template)
    }
  }

  @Test("Bicep module parameter as the API name: the call's argument makes the operation the API's child: held")
  func bicepModuleParameterOperationStripsAPIMsTokenSoTheKeyIsHeld() throws {
    func policy(_ symbol: String, _ type: String, _ name: String, _ text: String) -> String {
      """
      resource \(symbol) 'Microsoft.ApiManagement/service/\(type)@2022-08-01' = {
        name: '\(name)'
        properties: {
          format: 'rawxml'
          value: '''
      \(text)
      '''
        }
      }

      """
    }
    let files = [
      "main.bicep": "param apimName string\n" + policy("apiPol", "apis/policies", "${apimName}/a/policy", Self.key)
        + "module ops 'ops.bicep' = {\n  name: 'ops'\n  params: {\n    apiName: 'a'\n  }\n}\n",
      "ops.bicep": "param apimName string\nparam apiName string\n"
        + policy("opPol", "apis/operations/policies", "${apimName}/${apiName}/get/policy", Self.deleting),
    ]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      // The module's one call gives `apiName` its value: the operation is `a`'s, named as such.
      #expect(result.found.first?.contains("`${apiName}`") == false, "\(result.stderr)")
      expectFile(root, "main.bicep", files["main.bicep"] ?? "")
    }
  }

  @Test("a file named like an API policy that nothing applies is scope-unknown; with --strict an error")
  func fileNamedLikeAnAPIPolicyIsScopeUnknownSinceItsChildrenCouldNotBeLookedFor() throws {
    let files = [
      "infra/main.tf": "module \"orders_api\" {\n  source = \"./modules/api\"\n  name   = \"orders\"\n"
        + "  policy = file(\"${path.module}/policies/api_policy.xml\")\n}\n"
        + Self.resource(
          "azurerm_api_management_api_operation_policy", "get", "  api_name     = \"orders\"\n  operation_id = \"get\"",
          Self.deleting),
      "infra/policies/api_policy.xml": Self.key,
    ]
    try withTemporaryTree(files) { root in
      let warned = Self.migrate(root, rule: "scope-unknown")
      #expect(warned.status == 0, "\(warned.stderr)")
      #expect(warned.found.count == 1, "\(warned.stderr)")
      #expect(warned.found.first?.hasPrefix("infra/policies/api_policy.xml:") == true)
    }
    try withTemporaryTree(files) { root in
      let strict = Self.migrate(root, rule: "scope-unknown", strict: true)
      #expect(strict.status == 2, "\(strict.stderr)")
      expectFile(root, "infra/policies/api_policy.xml", Self.key)
    }
  }

  @Test("APIOps apis.json naming an API in another case: the product's writer holds the API's key")
  func apisJSONInAnotherCaseStillLinksTheProductsWriter() throws {
    let basic = """
      <policies>
          <inbound>
              <base />
              <authentication-basic username="u" password="{{pw}}" />
          </inbound>
      </policies>
      """
    let files = ["apis/a/policy.xml": Self.key, "products/p/policy.xml": basic, "products/p/apis.json": "[\"A\"]\n"]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root, rule: "authorization-writer")
      #expect(result.found.count == 1, "\(result.stderr)")
      expectFile(root, "apis/a/policy.xml", Self.key)
    }
  }

  @Test("an operation of unresolved API: an API that reads Authorization in <outbound> holds its key")
  func operationOfUnknownAPIIsHeldByAnAPIReadingAPIMsTokenInOutbound() throws {
    let reader = """
      <policies>
          <inbound>
              <base />
          </inbound>
          <outbound>
              <base />
              <set-header name="X-Caller" exists-action="override">
                  <value>@(context.Request.Headers.GetValueOrDefault("Authorization",""))</value>
              </set-header>
          </outbound>
      </policies>
      """
    let files = [
      "main.tf": Self.resource("azurerm_api_management_api_policy", "a", "  api_name = \"a\"", reader),
      "modules/op/main.tf": "variable \"api_name\" { type = string }\n"
        + Self.resource(
          "azurerm_api_management_api_operation_policy", "get",
          "  api_name     = var.api_name\n  operation_id = \"get\"",
          Self.key),
    ]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root, rule: "authorization-parent-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.hasPrefix("modules/op/main.tf:") == true)
      expectFile(root, "modules/op/main.tf", files["modules/op/main.tf"] ?? "")
    }
  }
}
