import Testing

@testable import PolicyRewrite

/// `PolicyGraph.ChildLookup` finds a parent's children by name instead of comparing every
/// parent with every child (which made `migrate` on 10,000 Terraform policies take 9 s); it
/// must answer exactly what `mayHold` and `mayMatch` answer one child at a time.
@Suite struct PolicyGraphChildLookupTests {
  static let terraform = """
    resource "azurerm_api_management_api_policy" "a" {
      api_name    = "Orders"
      xml_content = "<policies><inbound><base /></inbound></policies>"
    }
    resource "azurerm_api_management_api_policy" "b" {
      api_name    = "billing"
      xml_content = "<policies><inbound><base /></inbound></policies>"
    }
    resource "azurerm_api_management_api_operation_policy" "o1" {
      api_name     = "orders"
      operation_id = "get"
      xml_content  = "<policies><inbound><base /></inbound></policies>"
    }
    resource "azurerm_api_management_api_operation_policy" "o2" {
      api_name     = var.unknown_api
      operation_id = "list"
      xml_content  = "<policies><inbound><base /></inbound></policies>"
    }
    resource "azurerm_api_management_api_operation_policy" "o3" {
      api_name     = "xbrowsersync-${var.env}-api"
      operation_id = "sync"
      xml_content  = "<policies><inbound><base /></inbound></policies>"
    }
    resource "azurerm_api_management_api_operation_policy" "o4" {
      api_name     = "BILLING"
      operation_id = "pay"
      xml_content  = "<policies><inbound><base /></inbound></policies>"
    }
    resource "azurerm_api_management_api_operation_policy" "o5" {
      api_name     = "xbrowsersync-dev-api"
      operation_id = "put"
      xml_content  = "<policies><inbound><base /></inbound></policies>"
    }
    resource "azurerm_api_management_product_policy" "gold" {
      product_id  = "gold"
      xml_content = "<policies><inbound><base /></inbound></policies>"
    }
    resource "azurerm_api_management_product_policy" "silver" {
      product_id  = "silver"
      xml_content = "<policies><inbound><base /></inbound></policies>"
    }
    resource "azurerm_api_management_product_policy" "other" {
      product_id  = var.product
      xml_content = "<policies><inbound><base /></inbound></policies>"
    }
    resource "azurerm_api_management_product_api" "m1" {
      product_id = "Gold"
      api_name   = "orders"
    }
    resource "azurerm_api_management_product_api" "m2" {
      product_id = "silver"
      api_name   = "xbrowsersync-${var.env}-api"
    }
    """

  @Test("a product's and an API's children are those that mayHold and mayMatch name, in order")
  func lookupAgreesWithAskingChildByChild() {
    let graph = PolicyGraph(files: [PolicyGraph.FileFacts(path: "main.tf", bytes: Array(Self.terraform.utf8))])
    let children = graph.policies.filter { $0.scope == .api || $0.scope == .operation }
    #expect(children.count == 7)
    #expect(children.contains { !PolicyGraph.isResolved($0.api) })
    #expect(!graph.productAPIs.isEmpty)
    let lookup = PolicyGraph.ChildLookup(children)
    let names: [String?] =
      graph.policies.map { $0.product ?? $0.api }
      + [
        nil, "", "ORDERS", "nothing", "${var.x}", "xbrowsersync-${var.y}-api", "gold", "silver", "bronze",
        "${var.x}-api", "${var.x}-gold", "xbrowsersync-${var.z}", "${var.p}-orders",
      ]
    for name in names {
      let held = children.indices.filter { graph.mayHold(product: name, api: children[$0].api) }
      #expect(lookup.mayHold(in: graph, product: name) == held, "product \(name ?? "nil")")
      let matched = children.indices.filter { PolicyGraph.mayMatch(name, children[$0].api) }
      #expect(lookup.mayMatch(api: name) == matched, "API \(name ?? "nil")")
    }
  }
}
