import Foundation
import Testing

/// End-to-end: a product id written as a member of a local object (`product_id =
/// local.gold.product_id`, the local in another file), and a membership that names the product
/// module (`product_ids = [module.silver.product_id]`), as pagopa-infra writes them. Such a
/// name was not resolved, so the membership could be of any product and every product's key
/// was held by its APIs; resolved, another product's API no longer holds it, and the product's
/// own API that strips `Authorization` still does (rewritten, its token would be stripped: 401).
@Suite struct LocalObjectNameCommandTests {
  static func tree(member: String) -> [String: String] {
    [
      "locals.tf": """
      locals {
        gold   = { product_id = "gold", display_name = "Gold" }
        silver = { product_id = "silver" }
      }

      """,
      "main.tf": """
      module "gold" {
        source     = "./.terraform/modules/__v3__/api_management_product"
        product_id = local.gold.product_id
        policy_xml = file("./policies/gold.xml")
      }
      module "silver" {
        source     = "./.terraform/modules/__v3__/api_management_product"
        product_id = local.silver.product_id
      }
      module "billing" {
        source      = "./.terraform/modules/__v3__/api_management_api"
        name        = "billing"
        path        = "billing"
        product_ids = [module.\(member).product_id]
        xml_content = file("./policies/deleting.xml")
      }
      # Gold's own API, so that its membership is known: a product the run joins to no API
      # may hold any.
      resource "azurerm_api_management_product_api" "gold_payments" {
        product_id = local.gold.product_id
        api_name   = "payments"
      }

      """,
      "policies/gold.xml": Policies.keyAfterBase("gold-func-key") + "\n",
      "policies/deleting.xml": Policies.authorizationDeleter + "\n",
    ]
  }

  @Test("an API of another product named through a local object no longer holds the product's key")
  func apiOfAnotherProductNamedThroughALocalObjectLetsTheKeyBeRewritten() throws {
    try withTemporaryTree(Self.tree(member: "silver")) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0 && result.found.isEmpty, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "policies/gold.xml") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(result.stderr)")
    }
  }

  @Test("the product's own API, linked through the module's local name, still holds its key")
  func ownAPILinkedThroughALocalObjectStillHoldsTheKey() throws {
    let files = Self.tree(member: "gold")
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      expectFile(root, "policies/gold.xml", files["policies/gold.xml"] ?? "")
    }
  }
}
