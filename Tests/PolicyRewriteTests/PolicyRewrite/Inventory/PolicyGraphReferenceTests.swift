import Testing

@testable import PolicyRewrite

/// How the policy graph resolves the names that link a policy to its scopes: references to
/// another declaration's argument, variables, locals, data sources, parameters; and which
/// names stay unknown (an unknown name is never taken for a literal one).
struct PolicyGraphReferenceTests {
  static let policy = PolicyGraphTests.policy
  static func graph(_ files: [String: String]) -> PolicyGraph { PolicyGraphTests.graph(files) }

  static func heredoc(_ resource: String, _ name: String, _ arguments: String) -> String {
    """
    resource "\(resource)" "\(name)" {
    \(arguments)
      xml_content = <<XML
    \(policy)XML
    }

    """
  }

  @Test func anAttributeReferenceResolvesToThatDeclarationsArgumentNotItsName() throws {
    // The azurerm registry's own example: the operation policy's api_name is the operation
    // resource's api_name, itself a reference to the API's name.
    let graph = Self.graph([
      "main.tf": """
      resource "azurerm_api_management_api" "a" {
        name = "orders"
      }
      resource "azurerm_api_management_api_operation" "get" {
        operation_id = "get"
        api_name     = azurerm_api_management_api.a.name
      }

      """
        + Self.heredoc(
          "azurerm_api_management_api_operation_policy", "get",
          """
            api_name     = azurerm_api_management_api_operation.get.api_name
            operation_id = azurerm_api_management_api_operation.get.operation_id
          """)
    ])
    let operation = try #require(graph.policies.first { $0.scope == .operation })
    #expect(operation.api == "orders")
    #expect(operation.operation == "get")
    #expect(operation.unlinkedIdentifier == nil)
  }

  @Test("a module variable was not resolved through the module's calls: a policy of no API was a child of every one")
  func aModuleVariableResolvesThroughEachCallOfTheModule() throws {
    let module = """
      variable "api_name" { type = string }
      variable "product" {
        type    = string
        default = "gold"
      }
      resource "azurerm_api_management_api_operation_policy" "get" {
        api_name     = var.api_name
        operation_id = "get"
        xml_content  = file("${path.module}/get.xml")
      }
      resource "azurerm_api_management_product_api" "m" {
        product_id = var.product
        api_name   = var.api_name
      }

      """ + Self.heredoc("azurerm_api_management_api_policy", "api", "  api_name = var.api_name")
    let graph = Self.graph([
      "envs/prod/main.tf": """
      module "orders" {
        source   = "../../modules/api"
        api_name = "orders"
      }
      module "billing" {
        source   = "../../modules/api"
        api_name = "billing"
        product  = "silver"
      }
      module "unknown" {
        source   = "../../modules/api"
        api_name = each.key
      }
      module "registry" {
        source   = "Azure/apim/azurerm"
        api_name = "other"
      }

      """,
      "modules/api/main.tf": module,
      "modules/api/get.xml": Self.policy,
    ])
    let operations = graph.policies.filter { $0.scope == .operation }
    #expect(operations.map(\.path) == Array(repeating: "modules/api/get.xml", count: 3))
    #expect(operations.map(\.api) == ["orders", "billing", "${each.key}"])
    #expect(graph.policy(at: "modules/api/get.xml")?.api == "orders")
    #expect(graph.policies.filter { $0.scope == .api }.map(\.api) == ["orders", "billing", "${each.key}"])
    // A call that does not give a variable takes its default.
    #expect(graph.productAPIs["gold"] == ["orders", "${each.key}"])
    #expect(graph.productAPIs["silver"] == ["billing"])
  }

  @Test func variablesWithDefaultsLocalsAndDataSourcesResolve() throws {
    let graph = Self.graph([
      "main.tf": """
      variable "api_name" {
        type    = string
        default = "orders"
      }
      data "azurerm_api_management_api" "a" {
        name = "billing"
      }

      """
        + Self.heredoc("azurerm_api_management_api_policy", "a", "  api_name = var.api_name")
        + Self.heredoc("azurerm_api_management_api_policy", "b", "  api_name = data.azurerm_api_management_api.a.name")
        + Self.heredoc("azurerm_api_management_api_policy", "c", "  api_name = local.shipping"),
      "locals.tf": """
      locals {
        shipping = "shipping"
      }

      """,
    ])
    let apis = graph.policies.filter { $0.scope == .api }.map { $0.api ?? "-" }
    #expect(apis.sorted() == ["billing", "orders", "shipping"])
  }

  @Test func aNameTheRunCannotKnowStaysUnresolvedAndSaysWhichExpression() throws {
    let graph = Self.graph([
      "modules/op/main.tf": """
      variable "api_name" { type = string }

      """
        + Self.heredoc(
          "azurerm_api_management_api_operation_policy", "get",
          """
            api_name     = var.api_name
            operation_id = "get"
          """)
        + Self.heredoc("azurerm_api_management_api_policy", "d", "  api_name = azurerm_api_management_api.gone.name")
    ])
    let operation = try #require(graph.policies.first { $0.scope == .operation })
    #expect(operation.api == "${var.api_name}")
    #expect(operation.unlinkedIdentifier == "API name `${var.api_name}`")
    let api = try #require(graph.policies.first { $0.scope == .api })
    // Not the declaration's address taken for a name.
    #expect(api.api == "${azurerm_api_management_api.gone.name}")
    #expect(api.unlinkedIdentifier != nil)
  }

  @Test func aForEachMembershipHoldsItsLiteralElementsOrAnyAPI() {
    let graph = Self.graph([
      "main.tf": """
      resource "azurerm_api_management_product_api" "members" {
        for_each   = toset(["a", "b"])
        api_name   = each.value
        product_id = "p"
      }
      resource "azurerm_api_management_product_api" "unknown" {
        for_each   = toset(var.apis)
        api_name   = each.value
        product_id = "r"
      }
      resource "azurerm_api_management_product_api" "one" {
        api_name   = "Orders"
        product_id = "q"
      }

      """
    ])
    #expect(graph.productAPIs["p"] == ["a", "b"])
    #expect(!graph.mayHold(product: "p", api: "anything"))
    #expect(graph.mayHold(product: "r", api: "anything"))
    #expect(graph.mayHold(product: "q", api: "orders"))
    #expect(graph.mayHold(product: "Q", api: "ORDERS"))
    #expect(!graph.mayHold(product: "q", api: "billing"))
    #expect(graph.mayHold(product: "q", api: "${var.api}"))
    #expect(graph.products(of: "orders") == ["q"])
  }

  @Test func namesMatchWithoutRegardToCaseAndUnknownNamesMatchAny() {
    #expect(PolicyGraph.mayMatch("Orders", "orders"))
    #expect(!PolicyGraph.mayMatch("orders", "billing"))
    #expect(PolicyGraph.mayMatch("${var.api_name}", "billing"))
    #expect(PolicyGraph.mayMatch(nil, "billing"))
    // The text around an unknown part still has to fit.
    #expect(PolicyGraph.mayMatch("xBrowserSync-${prefix}-API", "xbrowsersync-dev-api"))
    #expect(!PolicyGraph.mayMatch("xBrowserSync-${prefix}-API", "orders"))
    #expect(!PolicyGraph.mayMatch("${env}-orders", "billing"))
    #expect(PolicyGraph.mayMatch("${env}-orders", "prod-orders"))
  }

  /// pagopa-infra names every API `${local.project}-…`: taken for "any name", every such API
  /// was a possible child of every other, and every key of the repository was held.
  @Test func unresolvedNamesWhoseLiteralSuffixesDifferNeverMatchSoNoFalseHold() {
    #expect(!PolicyGraph.mayMatch("${local.project}-billing-api", "${local.project}-orders-api"))
    #expect(!PolicyGraph.mayMatch("${local.project}-Billing-API", "${var.prefix}-orders-api"))
    #expect(!PolicyGraph.mayMatch("io-${var.env}-x", "pagopa-${var.env}-x"))
    // Literal parts that may still meet: conservative, they may match.
    #expect(PolicyGraph.mayMatch("${local.project}-orders-API", "${var.prefix}-${var.domain}-ORDERS-api"))
    #expect(PolicyGraph.mayMatch("${a}-api", "${b}-orders-api"))
    #expect(PolicyGraph.mayMatch("pagopa-${a}", "pagopa-${b}-orders"))
    #expect(PolicyGraph.mayMatch("${var.api}", "${local.project}-orders-api"))
    #expect(PolicyGraph.mayMatch("pa${a}", "pagopa-${b}"))
  }

  @Test func aMembershipWhoseUnresolvedNameCannotBeTheAPIsDoesNotHoldIt() {
    let graph = Self.graph([
      "main.tf": """
      resource "azurerm_api_management_product_api" "one" {
        api_name   = "${local.project}-orders-api"
        product_id = "${local.project}-gold"
      }
      resource "azurerm_api_management_product_api" "two" {
        api_name   = "${local.project}-payments-api"
        product_id = "${local.project}-silver"
      }

      """
    ])
    #expect(graph.mayHold(product: "${var.p}-gold", api: "${var.p}-orders-api"))
    #expect(graph.mayHold(product: "${var.p}-gold", api: "${var.q}"))
    #expect(!graph.mayHold(product: "${var.p}-gold", api: "${var.p}-billing-api"))
    #expect(!graph.mayHold(product: "${var.p}-silver", api: "${var.p}-orders-api"))
    #expect(!graph.mayHold(product: "${var.p}-gold", api: "billing"))
    #expect(graph.mayHold(product: nil, api: "billing"))
    // A product that no membership of the run names may hold any API.
    #expect(graph.mayHold(product: "bronze", api: "billing"))
  }

  /// pagopa/io-wallet writes `fragment-id="${azurerm_api_management_policy_fragment.X.name}"`:
  /// left as written, the include was "not defined" and its fragment's validate-jwt ignored.
  @Test func fragmentIdWrittenAsTerraformReferenceResolvesToTheDeclaredFragmentSoItsReaderCounts() throws {
    let fragment = """
      resource "azurerm_api_management_policy_fragment" "auth" {
        name  = "read-caller-token"
        value = file("./frag.xml")
      }
      resource "azurerm_api_management_api_policy" "a" {
        api_name    = "orders"
        xml_content = <<XML
      <policies><inbound><base /><include-fragment fragment-id="${azurerm_api_management_policy_fragment.auth.name}" /><include-fragment fragment-id="${azurerm_api_management_policy_fragment.gone.name}" /></inbound></policies>
      XML
      }
      resource "azurerm_api_management_api_policy" "b" {
        api_name    = "billing"
        xml_content = templatefile("./b.xml.tpl", { id = azurerm_api_management_policy_fragment.auth.name })
      }
      resource "azurerm_api_management_api_policy" "c" {
        api_name    = "c"
        xml_content = templatefile("./b.xml.tpl", { id = "other" })
      }
      resource "azurerm_api_management_api_policy" "d" {
        api_name    = "d"
        xml_content = templatefile("./d.xml.tpl", { id = azurerm_api_management_policy_fragment.auth.name })
      }

      """
    let graph = Self.graph([
      "main.tf": fragment, "frag.xml": "<fragment><validate-jwt header-name=\"Authorization\" /></fragment>\n",
      "b.xml.tpl": "<policies><inbound><include-fragment fragment-id=\"${id}\" /></inbound></policies>\n",
      "d.xml.tpl": "<policies><inbound><include-fragment fragment-id=\"${ id }\" /></inbound></policies>\n",
    ])
    let inMain = graph.includes.filter { $0.path == "main.tf" }
    #expect(inMain.map(\.fragment) == ["read-caller-token", "${azurerm_api_management_policy_fragment.gone.name}"])
    #expect(inMain.map(\.written) == ["${azurerm_api_management_policy_fragment.auth.name}", nil])
    #expect(inMain.map(\.resolved) == ["frag.xml", nil])
    // Two calls bind `id` to different values: not resolved.
    #expect(graph.includes.first { $0.path == "b.xml.tpl" }?.resolved == nil)
    let bound = try #require(graph.includes.first { $0.path == "d.xml.tpl" })
    #expect(bound.fragment == "read-caller-token" && bound.written == "${ id }" && bound.resolved == "frag.xml")
  }

  @Test func bicepParameterDefaultsAndVariablesResolveAModuleParameterDoesNot() throws {
    let graph = Self.graph([
      "main.bicep": """
      param apimName string
      param apiName string = 'orders'
      var operationName = 'get'
      resource pol 'Microsoft.ApiManagement/service/apis/operations/policies@2022-08-01' = {
        name: '${apimName}/${apiName}/${operationName}/policy'
        properties: {
          value: '<policies />'
        }
      }

      """,
      "ops.bicep": """
      param apimName string
      param apiName string
      resource pol 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
        name: '${apimName}/${apiName}/policy'
        properties: {
          value: '<policies />'
        }
      }

      """,
    ])
    let operation = try #require(graph.policies.first { $0.scope == .operation })
    #expect(operation.api == "orders")
    #expect(operation.operation == "get")
    let api = try #require(graph.policies.first { $0.scope == .api })
    #expect(api.unlinkedIdentifier == "API name `${apiName}`")
  }

  @Test func armParameterDefaultsVariablesAndNestedDeploymentsAreRead() throws {
    let graph = Self.graph([
      "t.json": """
      {
        "parameters": { "apim": { "type": "string" }, "api": { "type": "string", "defaultValue": "orders" } },
        "variables": { "op": "get" },
        "resources": [
          {
            "type": "Microsoft.ApiManagement/service/apis/operations/policies",
            "name": "[concat(parameters('apim'), '/', parameters('api'), '/', variables('op'), '/policy')]",
            "properties": { "value": "<policies />" }
          },
          {
            "type": "Microsoft.Resources/deployments",
            "name": "nested",
            "properties": {
              "expressionEvaluationOptions": { "scope": "inner" },
              "parameters": { "api": { "value": "billing" } },
              "template": {
                "parameters": { "apim": { "type": "string" }, "api": { "type": "string" } },
                "resources": [
                  {
                    "type": "Microsoft.ApiManagement/service/apis/policies",
                    "name": "[concat(parameters('apim'), '/', parameters('api'), '/policy')]",
                    "properties": { "value": "<policies />" }
                  },
                  {
                    "type": "Microsoft.ApiManagement/service/products/policies",
                    "name": "[concat(parameters('apim'), '/', parameters('product'), '/policy')]",
                    "properties": { "value": "<policies />" }
                  }
                ]
              }
            }
          }
        ]
      }
      """
    ])
    let operation = try #require(graph.policies.first { $0.scope == .operation })
    #expect(operation.api == "orders")
    #expect(operation.operation == "get")
    let api = try #require(graph.policies.first { $0.scope == .api })
    #expect(api.api == "billing")
    let product = try #require(graph.policies.first { $0.scope == .product })
    #expect(product.unlinkedIdentifier == "product id `${product}`")
  }

  @Test func aScopeGuessedFromAFileNameWithoutItsNamesIsUnknown() {
    let graph = Self.graph([
      "policies/api_policy.xml": Self.policy, "policies/product-policy.xml": Self.policy,
      "apim/apis/orders/policy.xml": Self.policy,
    ])
    #expect(graph.policy(at: "policies/api_policy.xml")?.scope == .unknown)
    #expect(graph.policy(at: "policies/product-policy.xml")?.scope == .unknown)
    #expect(graph.policy(at: "apim/apis/orders/policy.xml")?.scope == .api)
  }
}
