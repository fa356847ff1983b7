import Foundation
import Testing

/// End-to-end: a product that Terraform declares with a policy, and whose membership no file
/// of the run declares (`rewrite-spec.md` §2c). Its APIs may be joined in another repository or
/// by hand, so it may run above any API; it was taken for the parent of none, and a key beside
/// it was rewritten with no word. An API's key replaced in place then ran before the product's
/// `validate-jwt`, and a product's key before an API that strips `Authorization`: 401 either
/// way. It now counts as a parent of every API, as an APIOps product without `apis.json` does
/// in its tree; a product whose membership is declared still holds only its members.
@Suite struct UnjoinedProductCommandTests {

  /// Product `gold` (policy `gold`) and API `orders` (policy `orders`), with `membership`
  /// (resource blocks) beside them.
  static func tree(gold: String, orders: String, membership: String) -> [String: String] {
    [
      "main.tf": """
      resource "azurerm_api_management_product_policy" "gold" {
        product_id  = "gold"
        xml_content = file("./gold.xml")
      }
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "orders"
        xml_content = file("./orders.xml")
      }
      \(membership)
      """,
      "gold.xml": gold,
      "orders.xml": orders,
    ]
  }

  static let otherMembership = """
    resource "azurerm_api_management_product_api" "gold_billing" {
      product_id = "gold"
      api_name   = "billing"
    }
    """

  /// `migrate --write`: the findings of `rule`, and whether `file` got the MI element.
  static func migrate(_ files: [String: String], rule: String, file: String) throws -> (
    found: [String], rewritten: Bool
  ) {
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: rule)
      #expect(result.status == 0, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, file) ?? [], as: UTF8.self)
      return (result.found, written.contains("<authentication-managed-identity"))
    }
  }

  @Test func anAPIKeyBeforeBaseIsHeldByAProductWhoseMembershipTheRunDoesNotDeclare() throws {
    let result = try Self.migrate(
      Self.tree(gold: Policies.tokenValidator, orders: Policies.keyBeforeBase, membership: ""),
      rule: "authorization-parent-scope",
      file: "orders.xml")
    #expect(result.found.count == 1, "\(result.found)")
    #expect(!result.rewritten)
  }

  @Test func aProductKeyIsHeldByAnAPIThatStripsTheHeaderWhenTheProductsMembershipIsUnknown() throws {
    let result = try Self.migrate(
      Self.tree(
        gold: Policies.keyAfterBase("gold-func-key") + "\n", orders: Policies.authorizationDeleter + "\n",
        membership: ""),
      rule: "authorization-child-scope", file: "gold.xml")
    #expect(result.found.count == 1, "\(result.found)")
    #expect(result.found.first?.contains("orders.xml") == true, "\(result.found)")
    #expect(!result.rewritten)
  }

  @Test func aProductWhoseMembershipIsDeclaredHoldsOnlyItsMembers() throws {
    let parent = try Self.migrate(
      Self.tree(gold: Policies.tokenValidator, orders: Policies.keyBeforeBase, membership: Self.otherMembership),
      rule: "authorization-parent-scope", file: "orders.xml")
    #expect(parent.found.isEmpty, "\(parent.found)")
    #expect(parent.rewritten)
    let child = try Self.migrate(
      Self.tree(
        gold: Policies.keyAfterBase("gold-func-key") + "\n", orders: Policies.authorizationDeleter + "\n",
        membership: Self.otherMembership),
      rule: "authorization-child-scope", file: "gold.xml")
    #expect(child.found.isEmpty, "\(child.found)")
    #expect(child.rewritten)
  }
}
