import Testing

@testable import PolicyRewrite

/// The policy graph from each layout: scopes, identifiers, membership, fragments, includes.
struct PolicyGraphTests {
  static func graph(_ files: [String: String]) -> PolicyGraph {
    PolicyGraph(
      files: files.sorted { $0.key < $1.key }.map { PolicyGraph.FileFacts(path: $0.key, bytes: Array($0.value.utf8)) })
  }

  static let policy = "<policies>\n  <inbound>\n    <base />\n  </inbound>\n</policies>\n"
  static func including(_ id: String, in section: String = "inbound") -> String {
    "<policies>\n  <\(section)>\n    <base />\n    <include-fragment fragment-id=\"\(id)\" />\n  </\(section)>\n</policies>\n"
  }
  static let fragment = "<fragment>\n  <set-header name=\"Authorization\" exists-action=\"delete\" />\n</fragment>\n"

  @Test func terraformResourcesGiveScopesIdentifiersMembershipAndFragments() throws {
    let graph = Self.graph([
      "infra/apim.tf": """
      resource "azurerm_api_management_api" "orders" {
        name = "orders-api"
      }
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = azurerm_api_management_api.orders.name
        xml_content = file("${path.module}/policies/api.xml")
      }
      resource "azurerm_api_management_api_operation_policy" "get" {
        api_name     = azurerm_api_management_api.orders.name
        operation_id = "get-order"
        xml_content  = templatefile("./policies/get.xml", { x = 1 })
      }
      resource "azurerm_api_management_product_policy" "p" {
        product_id  = "gold"
        xml_content = <<XML
      <policies>
        <inbound>
          <include-fragment fragment-id="auth" />
        </inbound>
      </policies>
      XML
      }
      resource "azurerm_api_management_product_api" "m" {
        product_id = "gold"
        api_name   = azurerm_api_management_api.orders.name
      }
      """,
      "infra/policies/api.xml": Self.including("auth"),
      "infra/policies/get.xml": Self.policy,
      "shared/fragments.tf": """
      resource "azurerm_api_management_policy_fragment" "auth" {
        name   = "auth"
        format = "rawxml"
        value  = file("${path.module}/xml/auth-cache.xml")
      }
      """,
      "shared/xml/auth-cache.xml": Self.fragment,
    ])
    let api = try #require(graph.policy(at: "infra/policies/api.xml"))
    #expect(api.scope == .api)
    #expect(api.api == "orders-api")
    #expect(
      api.declaredAt
        == PolicyGraph.Location(path: "infra/apim.tf", line: 4, address: "azurerm_api_management_api_policy.orders"))
    let get = try #require(graph.policy(at: "infra/policies/get.xml"))
    #expect(get.scope == .operation)
    #expect(get.api == "orders-api")
    #expect(get.operation == "get-order")
    let fragment = try #require(graph.policy(at: "shared/xml/auth-cache.xml"))
    #expect(fragment.scope == .fragment)
    #expect(fragment.fragment == "auth")
    #expect(graph.fragments["auth"] == ["shared/xml/auth-cache.xml"])
    #expect(graph.productAPIs["gold"] == ["orders-api"])
    let inline = try #require(graph.policies.first { $0.inlineOffset != nil })
    #expect(inline.scope == .product)
    #expect(inline.product == "gold")
    #expect(
      graph.includes.map { "\($0.path):\($0.line) \($0.fragment) \($0.section) \($0.resolved ?? "-")" }.sorted() == [
        "infra/apim.tf:18 auth inbound shared/xml/auth-cache.xml",
        "infra/policies/api.xml:4 auth inbound shared/xml/auth-cache.xml",
      ])
  }

  @Test func terraformModuleCallsAreReadByTheShapeOfTheirArguments() throws {
    let graph = Self.graph([
      "app/main.tf": """
      locals {
        fragment_file = templatefile("./api/frag.xml", {})
      }
      module "product" {
        source     = "./modules/product"
        product_id = "silver"
        policy_xml = file("./api_product/base.xml")
      }
      module "orders_api" {
        source       = "git::https://example.invalid/modules//api"
        name         = "${local.project}-orders"
        product_ids  = [module.product.product_id]
        path         = "orders"
        xml_content  = templatefile("./api/orders/v1/_base_policy.xml.tpl", { host = var.host })
        api_operation_policies = [
          {
            operation_id = "getOrder",
            xml_content  = file("./api/orders/v1/get_${var.env}.xml")
          },
        ]
      }
      resource "azapi_resource" "fragment" {
        type      = "Microsoft.ApiManagement/service/policyFragments@2022-04-01-preview"
        name      = "frag"
        body = jsonencode({
          properties = { format = "rawxml", value = local.fragment_file }
        })
      }
      """,
      "app/api_product/base.xml": Self.including("frag", in: "outbound"),
      "app/api/orders/v1/_base_policy.xml.tpl": Self.policy,
      "app/api/orders/v1/get_dev.xml": Self.policy,
      "app/api/frag.xml": Self.fragment,
    ])
    #expect(graph.policy(at: "app/api_product/base.xml")?.scope == .product)
    #expect(graph.policy(at: "app/api_product/base.xml")?.product == "silver")
    let api = try #require(graph.policy(at: "app/api/orders/v1/_base_policy.xml.tpl"))
    #expect(api.scope == .api)
    #expect(api.api == "${local.project}-orders")
    let operation = try #require(graph.policy(at: "app/api/orders/v1/get_dev.xml"))
    #expect(operation.scope == .operation)
    #expect(operation.operation == "getOrder")
    #expect(operation.declaredAt?.address == "module.orders_api")
    #expect(graph.productAPIs["silver"] == ["${local.project}-orders"])
    #expect(graph.fragments["frag"] == ["app/api/frag.xml"])
    #expect(graph.includes.first?.section == "outbound")
    #expect(graph.includes.first?.resolved == "app/api/frag.xml")
  }

  @Test func aConditionalFilePathNamesEveryFileItCouldChoose() {
    let graph = Self.graph([
      "app/api.tf": """
      resource "azurerm_api_management_api_policy" "p" {
        api_name    = "orders"
        xml_content = templatefile(var.env_short != "p" ? "./x/with_mock.xml.tpl" : "./x/plain.xml.tpl", {})
      }
      """,
      "app/x/with_mock.xml.tpl": Self.policy,
      "app/x/plain.xml.tpl": Self.policy,
    ])
    #expect(graph.policy(at: "app/x/with_mock.xml.tpl")?.scope == .api)
    #expect(graph.policy(at: "app/x/plain.xml.tpl")?.api == "orders")
  }

  @Test func apiopsLayoutAndProductMembership() throws {
    let graph = Self.graph([
      "apim/policy.xml": Self.policy,
      "apim/products/gold/policy.xml": Self.policy,
      "apim/products/gold/apis.json": #"["orders"]"#,
      "apim/apis/orders/apiPolicy.xml": Self.including("auth"),
      "apim/apis/orders/operations/get/policy.xml": Self.policy,
      "apim/policy fragments/auth/policy.xml": Self.fragment,
    ])
    #expect(graph.policy(at: "apim/policy.xml")?.scope == .global)
    #expect(graph.policy(at: "apim/products/gold/policy.xml")?.product == "gold")
    #expect(graph.policy(at: "apim/apis/orders/apiPolicy.xml")?.api == "orders")
    let operation = try #require(graph.policy(at: "apim/apis/orders/operations/get/policy.xml"))
    #expect(operation.scope == .operation)
    #expect((operation.api, operation.operation) == ("orders", "get"))
    #expect(graph.productAPIs["gold"] == ["orders"])
    #expect(graph.includes.first?.resolved == "apim/policy fragments/auth/policy.xml")
  }

  @Test func bicepParentChainsNameSegmentsAndLoadTextContent() throws {
    let graph = Self.graph([
      "bicep/main.bicep": """
      resource apim 'Microsoft.ApiManagement/service@2022-08-01' existing = {
        name: 'apim'
      }
      resource api 'Microsoft.ApiManagement/service/apis@2022-08-01' = {
        parent: apim
        name: 'orders'
        properties: { path: 'orders' }
      }
      resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
        parent: api
        name: 'policy'
        properties: {
          format: 'rawxml'
          value: loadTextContent('policies/orders.xml')
        }
      }
      resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2022-08-01' = {
        name: 'apim/orders/getOrder/policy'
        properties: {
          value: '<policies><inbound><include-fragment fragment-id="auth" /></inbound></policies>'
        }
      }
      resource frag 'Microsoft.ApiManagement/service/policyFragments@2022-08-01' = {
        parent: apim
        name: 'auth'
        properties: {
          value: loadTextContent('fragments/auth.xml')
        }
      }
      resource membership 'Microsoft.ApiManagement/service/products/apis@2022-08-01' = {
        name: 'apim/gold/orders'
      }
      """,
      "bicep/policies/orders.xml": Self.policy,
      "bicep/fragments/auth.xml": Self.fragment,
    ])
    let api = try #require(graph.policy(at: "bicep/policies/orders.xml"))
    #expect(api.scope == .api)
    #expect(api.api == "orders")
    let operation = try #require(graph.policies.first { $0.scope == .operation })
    #expect((operation.api, operation.operation) == ("orders", "getOrder"))
    #expect(graph.fragments["auth"] == ["bicep/fragments/auth.xml"])
    #expect(graph.productAPIs["gold"] == ["orders"])
    #expect(graph.includes.first?.resolved == "bicep/fragments/auth.xml")
  }

  /// A nested resource closes before its parent: its type and name are joined along the
  /// nesting once the whole file is read, or the operation's policy is never a child of the
  /// API's and a reader of `Authorization` there goes unseen (401).
  @Test(arguments: [
    // The service `existing`, named by a parameter; nested types without API versions.
    ("existing = {\n  name: apimName", "'apis'", "'policies'", "'operations'", "'policies'"),
    // Nested types with API versions.
    (
      "existing = {\n  name: apimName", "'apis@2023-05-01-preview'", "'policies@2023-05-01-preview'",
      "'operations@2023-05-01-preview'", "'policies@2023-05-01-preview'"
    ),
    // The service deployed here, not `existing`.
    ("= {\n  name: 'apim'", "'apis'", "'policies'", "'operations'", "'policies'"),
  ])
  func bicepNestedResourcesLinkTheOperationPolicyToItsAPIsSoItsReaderIsSeen(
    service: String, api: String, apiPolicy: String, operation: String, operationPolicy: String
  ) throws {
    let graph = Self.graph([
      "main.bicep": """
      param apimName string
      resource apim 'Microsoft.ApiManagement/service@2023-05-01-preview' \(service)
        resource api \(api) = {
          name: 'a'
          properties: { path: 'a' }
          resource pol \(apiPolicy) = {
            name: 'policy'
            properties: {
              value: '<policies><inbound><base /></inbound></policies>'
            }
          }
          resource op \(operation) = {
            name: 'o'
            resource opPol \(operationPolicy) = {
              name: 'policy'
              properties: {
                value: '<policies><inbound><base /><set-header name="Authorization" exists-action="delete" /></inbound></policies>'
              }
            }
          }
        }
        resource global 'policies' = {
          name: 'policy'
          properties: {
            value: '<policies><inbound><base /></inbound></policies>'
          }
        }
      }
      """
    ])
    let found = graph.policies.map {
      "\($0.scope) \($0.api ?? "-") \($0.operation ?? "-") \($0.declaredAt?.address ?? "-")"
    }
    #expect(found.sorted() == ["api a - pol", "global - - global", "operation a o opPol"], "\(found)")
  }

  @Test func bicepExistingParentsNamedBySegmentsGiveTheirNestedPoliciesTheirIdentifiers() throws {
    let graph = Self.graph([
      "main.bicep": """
      resource api 'Microsoft.ApiManagement/service/apis@2023-05-01-preview' existing = {
        name: 'apim/a'
        resource pol 'policies' = {
          name: 'policy'
          properties: {
            value: '<policies><inbound><base /></inbound></policies>'
          }
        }
      }
      resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2023-05-01-preview' = {
        parent: op
        name: 'policy'
        properties: {
          value: '<policies><inbound><base /></inbound></policies>'
        }
      }
      resource op 'Microsoft.ApiManagement/service/apis/operations@2023-05-01-preview' existing = {
        name: 'apim/a/o'
        resource nested 'policies' = {
          name: 'policy'
          properties: {
            value: '<policies><inbound><base /></inbound></policies>'
          }
        }
      }
      resource product 'Microsoft.ApiManagement/service/products@2023-05-01-preview' existing = {
        name: 'apim/gold'
        resource member 'apis' = {
          name: 'a'
        }
        resource productPolicy 'policies' = {
          name: 'policy'
          properties: {
            value: '<policies><inbound><base /></inbound></policies>'
          }
        }
      }
      """
    ])
    let found = graph.policies.map {
      "\($0.scope) \($0.api ?? $0.product ?? "-") \($0.operation ?? "-") \($0.declaredAt?.address ?? "-")"
    }
    // `parent:` may name a resource declared further down.
    #expect(
      found.sorted() == [
        "api a - pol", "operation a o nested", "operation a o opPolicy", "product gold - productPolicy",
      ],
      "\(found)")
    #expect(graph.productAPIs["gold"] == ["a"])
  }

  /// `azapi_resource` policies name their scope by `parent_id`: the chain of declarations gives
  /// the API and operation, or the operation's reader of `Authorization` is never linked to the
  /// API's key.
  @Test func azapiParentIDChainsGiveTheAPIAndOperation() throws {
    let graph = Self.graph([
      "main.tf": """
      resource "azapi_resource" "api_policy" {
        type      = "Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview"
        name      = "policy"
        parent_id = azapi_resource.api.id
        body = jsonencode({
          properties = { format = "rawxml", value = "<policies><inbound><base /></inbound></policies>" }
        })
      }
      resource "azapi_resource" "api" {
        type      = "Microsoft.ApiManagement/service/apis@2023-05-01-preview"
        name      = "a"
        parent_id = azapi_resource.apim.id
      }
      resource "azapi_resource" "op" {
        type      = "Microsoft.ApiManagement/service/apis/operations@2023-05-01-preview"
        name      = "o"
        parent_id = azapi_resource.api.id
      }
      resource "azapi_resource" "op_policy" {
        type      = "Microsoft.ApiManagement/service/apis/operations/policies@2023-05-01-preview"
        name      = "policy"
        parent_id = azapi_resource.op.id
        body = jsonencode({
          properties = { value = "<policies><inbound><base /></inbound></policies>" }
        })
      }
      resource "azurerm_api_management_api_operation" "get" {
        operation_id = "get"
        api_name     = "b"
      }
      resource "azapi_resource" "get_policy" {
        type      = "Microsoft.ApiManagement/service/apis/operations/policies@2023-05-01-preview"
        name      = "policy"
        parent_id = azurerm_api_management_api_operation.get.id
        body = jsonencode({
          properties = { value = "<policies><inbound><base /></inbound></policies>" }
        })
      }
      resource "azapi_resource" "product_policy" {
        type      = "Microsoft.ApiManagement/service/products/policies@2023-05-01-preview"
        name      = "policy"
        parent_id = "${azapi_resource.apim.id}/products/gold"
        body = jsonencode({
          properties = { value = "<policies><inbound><base /></inbound></policies>" }
        })
      }
      """
    ])
    let found = graph.policies.map {
      "\($0.scope) \($0.api ?? $0.product ?? "-") \($0.operation ?? "-") \($0.declaredAt?.address ?? "-")"
    }
    #expect(
      found.sorted() == [
        "api a - azapi_resource.api_policy", "operation a o azapi_resource.op_policy",
        "operation b get azapi_resource.get_policy", "product gold - azapi_resource.product_policy",
      ], "\(found)")
  }

  @Test func armNestedResourcesAndNameExpressions() throws {
    let graph = Self.graph([
      "arm/template.json": #"""
      {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "resources": [
          {
            "type": "Microsoft.ApiManagement/service/apis",
            "name": "[concat(parameters('apimName'), '/orders')]",
            "resources": [
              {
                "type": "policies",
                "name": "policy",
                "properties": { "format": "rawxml", "value": "<policies><inbound><base /></inbound></policies>" }
              }
            ]
          },
          {
            "type": "Microsoft.ApiManagement/service/apis/operations/policies",
            "name": "apim/orders/getOrder/policy",
            "properties": { "value": "<policies><inbound><include-fragment fragment-id=\"auth\" /></inbound></policies>" }
          },
          {
            "type": "Microsoft.ApiManagement/service/policyFragments",
            "name": "[concat(parameters('apimName'), '/auth')]",
            "properties": { "value": "<fragment><set-header name=\"Authorization\" exists-action=\"delete\" /></fragment>" }
          }
        ]
      }
      """#
    ])
    #expect(graph.policies.first { $0.scope == .api }?.api == "orders")
    #expect(graph.policies.first { $0.scope == .operation }?.operation == "getOrder")
    #expect(graph.fragments["auth"] == ["arm/template.json"])
    #expect(graph.includes.first?.resolved == "arm/template.json")
    let names = PolicyGraph.FileFacts.ARMExpression(variables: ["d": "[concat('x', '/y')]"])
    #expect(names.value(of: "[concat(parameters('a'), '/b/', variables('c'))]") == "${a}/b/${variables('c')}")
    // `bicep build` names every child resource with format(); a variable is its own expression.
    #expect(names.value(of: "[format('{0}/{1}/{2}', parameters('a'), 'orders', 'policy')]") == "${a}/orders/policy")
    #expect(names.value(of: "[format('{0}/policy', variables('d'))]") == "x/y/policy")
    // What the run does not evaluate is a value it does not know, without a `/`.
    #expect(names.value(of: "[concat(last(split(parameters('a'), '/')), '/policy')]") == "${last(…)}/policy")
  }

  @Test func anUndeclaredPolicyOutsideAnyLayoutHasAnUnknownScopeAndAnUnresolvedInclude() throws {
    let graph = Self.graph(["misc/thing.xml": Self.including("nowhere")])
    #expect(graph.policy(at: "misc/thing.xml")?.scope == .unknown)
    #expect(graph.includes.first?.resolved == nil)
  }

  /// A declared policy the run cannot read is kept with why: a parent's key must not be
  /// rewritten past a child that may validate or strip the token.
  @Test func declaredPoliciesTheRunCannotReadAreKeptWithWhy() throws {
    let graph = Self.graph([
      "main.tf": """
      resource "azurerm_api_management_api_policy" "a" {
        api_name = "a"
        xml_link = "https://example.com/a.xml"
      }
      resource "azurerm_api_management_api_policy" "b" {
        api_name    = "b"
        xml_content = var.b_policy
      }
      resource "azurerm_api_management_api_operation_policy" "c" {
        api_name     = "c"
        operation_id = "get"
        xml_content  = file("${path.module}/policies/${var.env}/get.xml")
      }
      resource "azurerm_api_management_api_operation_policy" "d" {
        api_name     = "c"
        operation_id = "put"
        xml_content  = file("${path.module}/policies/put.xml")
      }
      """,
      "policies/put.xml": Self.policy,
    ])
    let unseen = graph.unseen.map { "\($0.policy.scope) \($0.policy.api ?? "-") \($0.policy.declaredAt?.line ?? 0)" }
    #expect(unseen == ["api a 1", "api b 5", "operation c 9"])
    #expect(graph.unseen[0].reason.contains("https://example.com/a.xml"))
    #expect(graph.unseen[1].reason.contains("`var.b_policy`"))
    #expect(graph.unseen[2].reason.contains("`policies/*/get.xml`"))
    #expect(graph.policy(at: "policies/put.xml")?.operation == "put")
  }

  /// The fragments a policy includes that no file defines, through the fragments it includes
  /// too, and a policy that does not parse as the rewrite parses it.
  @Test func unresolvedFragmentsAreFollowedThroughFragmentsAndParseProblemsFound() throws {
    let graph = Self.graph([
      "apis/a/operations/o/policy.xml": Self.including("outer"),
      "apis/a/operations/p/policy.xml": Self.including("missing"),
      "apis/a/operations/q/policy.xml": Self.policy,
      "policy fragments/outer/policy.xml": "<fragment>\n  <include-fragment fragment-id=\"inner\" />\n</fragment>\n",
    ])
    let policies = ["o", "p", "q"].compactMap { graph.policy(at: "apis/a/operations/\($0)/policy.xml") }
    #expect(
      graph.unresolvedFragments(of: policies) == [
        ["'inner' at policy fragments/outer/policy.xml:2"], ["'missing' at apis/a/operations/p/policy.xml:4"], [],
      ])
    #expect(PolicyGraph.parseProblem(Array(Self.policy.utf8), path: "a.xml") == nil)
    let broken = try #require(PolicyGraph.parseProblem(Array("<policies><inbound>\n</policies>".utf8), path: "a.xml"))
    #expect(broken.line == 2)
    // A template whose directives choose between two documents parses one at a time.
    let alternatives = "%{ if x }<policies><inbound /></policies>%{ else }<policies><outbound /></policies>%{ endif }"
    #expect(PolicyGraph.parseProblem(Array(alternatives.utf8), path: "a.tftpl") == nil)
  }

  /// Nested symbols are scoped in Bicep: the service's `api` and a product's `api` are two
  /// resources. The operation's policy belongs to the service's, or its API is the product.
  @Test func bicepNestedSymbolsAreScopedToTheirParent() throws {
    let graph = Self.graph([
      "main.bicep": """
      resource apim 'Microsoft.ApiManagement/service@2021-08-01' = {
        name: apimName
        resource api 'apis@2021-08-01' = {
          name: apiName
          resource op 'operations@2021-08-01' = {
            name: 'get'
            resource policy 'policies@2021-08-01' = {
              name: 'policy'
              properties: {
                value: '<policies><inbound><base /></inbound></policies>'
              }
            }
          }
        }
        resource product 'products@2021-08-01' = {
          name: productName
          resource api 'apis@2021-08-01' = {
            name: apiName
          }
        }
      }
      """
    ])
    let operation = try #require(graph.policies.first)
    #expect((operation.scope, operation.api, operation.operation) == (.operation, "${apiName}", "get"))
    #expect(graph.productAPIs["${productName}"] == ["${apiName}"])
  }
}
