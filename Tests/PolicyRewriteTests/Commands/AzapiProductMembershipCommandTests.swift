import Foundation
import Testing

/// End-to-end: a product's API declared as an `azapi_resource` of type
/// `Microsoft.ApiManagement/service/products/apis` (`rewrite-spec.md` §2c). The graph read
/// such memberships in Bicep and ARM but not in Terraform, so the product was taken to hold
/// none of them and a member's key replaced in place ran before the product's `validate-jwt`
/// (401). The API is the resource's `name` (a `for_each` element too), the product its
/// `parent_id`: an ARM id written out, or a product declaration's `.id`.
@Suite struct AzapiProductMembershipCommandTests {
  static let armID = "\"/subscriptions/x/resourceGroups/r/providers/Microsoft.ApiManagement/service/s/products/gold\""

  /// Product `gold` (validating after `<base />`), API `orders` (a key replaced in place), and
  /// one `products/apis` membership of `gold` whose `name` and `for_each` lines are `member`.
  static func tree(member: String, parent: String = armID) -> [String: String] {
    [
      "main.tf": """
      resource "azurerm_api_management_product" "gold" {
        product_id = "gold"
      }
      resource "azurerm_api_management_product_policy" "gold" {
        product_id  = "gold"
        xml_content = file("./gold.xml")
      }
      resource "azapi_resource" "membership" {
        type      = "Microsoft.ApiManagement/service/products/apis@2022-08-01"
        \(member)
        parent_id = \(parent)
      }
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "orders"
        xml_content = file("./orders.xml")
      }

      """,
      "gold.xml": Policies.tokenValidator,
      "orders.xml": Policies.keyBeforeBase,
    ]
  }

  static func migrate(_ files: [String: String]) throws -> (found: [String], rewritten: Bool) {
    try UnjoinedProductCommandTests.migrate(files, rule: "authorization-parent-scope", file: "orders.xml")
  }

  @Test(
    "an azapi products/apis membership joins the API to the product: its key is held",
    arguments: [
      ("name = \"orders\"", armID),
      ("name = \"orders\"", "azurerm_api_management_product.gold.id"),
      ("for_each = toset([\"billing\", \"orders\"])\n  name     = each.key", armID),
    ])
  func azapiMembershipJoinsTheAPISoItsKeyIsHeld(member: String, parent: String) throws {
    let result = try Self.migrate(Self.tree(member: member, parent: parent))
    #expect(result.found.count == 1, "\(result.found)")
    #expect(!result.rewritten)
  }

  @Test(
    "an azapi products/apis membership of another API leaves the key rewritten",
    arguments: [
      ("name = \"billing\"", armID),
      ("name = \"billing\"", "azurerm_api_management_product.gold.id"),
      ("for_each = toset([\"billing\", \"payments\"])\n  name     = each.key", armID),
    ])
  func azapiMembershipOfAnotherAPILeavesTheKeyRewritten(member: String, parent: String) throws {
    let result = try Self.migrate(Self.tree(member: member, parent: parent))
    #expect(result.found.isEmpty, "\(result.found)")
    #expect(result.rewritten)
  }
}
