import Foundation
import Testing

/// End-to-end: a Terraform variable's `default` is a guess. A `.tfvars` file (Terraform loads
/// `terraform.tfvars` and `*.auto.tfvars` itself, any other with `-var-file`), a
/// `.tfvars.json` file or an `*_override.tf` default may give it another value. The graph took
/// the default for the value: a product membership over `var.apis` missed `orders`, so gold's
/// token check after `<base />` was not seen and orders' key was rewritten (the product
/// validates APIM's token: 401). A collection is now the union of every value the run holds,
/// a name with another value is a pattern, and a value that is not literal is not known.
@Suite struct AssignedVariableValueCommandTests {
  static let validating = ConditionalPolicyCommandTests.validating
  static let api = ConditionalPolicyCommandTests.api

  /// Product `gold` (a policy that validates the token), the membership `membership` after a
  /// variable `variable`, and API `orders` whose key stands before `<base />`.
  static func tree(variable: String, membership: String, extra: [String: String]) -> [String: String] {
    [
      "main.tf": """
      \(variable)
      resource "azurerm_api_management_product_api" "m" {
      \(membership)
      }
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "orders"
        xml_content = file("./api.xml")
      }
      resource "azurerm_api_management_product_policy" "gold" {
        product_id  = "gold"
        xml_content = file("./product.xml")
      }

      """,
      "api.xml": api,
      "product.xml": validating,
    ].merging(extra) { $1 }
  }

  static let list = "variable \"apis\" {\n  default = [\"billing\"]\n}"
  static let forEachList = "  for_each   = toset(var.apis)\n  product_id = \"gold\"\n  api_name   = each.key"
  static let map = "variable \"apis\" {\n  default = {\n    billing = { product = \"gold\" }\n  }\n}"
  static let forEachMap = "  for_each   = var.apis\n  product_id = each.value.product\n  api_name   = each.key"
  static let scalar = "variable \"member\" {\n  default = \"billing\"\n}"
  static let scalarMembership = "  product_id = \"gold\"\n  api_name   = var.member"

  /// `migrate --write`: the `authorization-parent-scope` findings, and whether orders' key
  /// was rewritten.
  static func migrate(_ files: [String: String]) throws -> (found: [String], rewritten: Bool, stderr: String) {
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-parent-scope")
      #expect(result.status == 0, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "api.xml") ?? [], as: UTF8.self)
      return (result.found, written.contains("<authentication-managed-identity"), result.stderr)
    }
  }

  @Test(
    "a variable that a tfvars or override file sets may name the API: the product's token check holds its key",
    arguments: [
      (list, forEachList, ["terraform.tfvars": "apis = [\"billing\", \"orders\"]\n"]),
      (list, forEachList, ["terraform.tfvars.json": "{ \"apis\": [\"billing\", \"orders\"] }\n"]),
      (list, forEachList, ["env/prod.tfvars": "apis = [\"orders\"]\n"]),
      (list, forEachList, ["variables_override.tf": "variable \"apis\" {\n  default = [\"billing\", \"orders\"]\n}\n"]),
      // A value the run cannot read: the collection is not known.
      (list, forEachList, ["terraform.tfvars": "apis = concat([\"billing\"], [\"orders\"])\n"]),
      (
        map, forEachMap,
        ["prod.auto.tfvars": "apis = {\n  billing = { product = \"gold\" }\n  orders  = { product = \"gold\" }\n}\n"]
      ),
      (
        map, forEachMap,
        ["prod.auto.tfvars.json": "{ \"apis\": { \"orders\": { \"product\": \"gold\" } } }\n"]
      ),
      (scalar, scalarMembership, ["terraform.tfvars": "member = \"orders\"\n"]),
      (scalar, scalarMembership, ["override.tf": "variable \"member\" {\n  default = \"orders\"\n}\n"]),
      // A file read before the declaration's (`a.tfvars` sorts before `main.tf`).
      (list, forEachList, ["a.auto.tfvars": "apis = [\"orders\"]\n"]),
      (scalar, scalarMembership, ["a.tfvars": "member = \"orders\"\n"]),
      // Without a default, a variable stays unknown whatever the tfvars say (`-var` may give any).
      ("variable \"apis\" {}", forEachList, ["terraform.tfvars": "apis = [\"billing\"]\n"]),
    ])
  func variableSetByTFVarsOrOverrideHoldsTheKey(variable: String, membership: String, extra: [String: String]) throws {
    let result = try Self.migrate(Self.tree(variable: variable, membership: membership, extra: extra))
    #expect(result.found.count == 1, "\(result.stderr)")
    #expect(!result.rewritten, "\(result.stderr)")
  }

  @Test(
    "values that a tfvars or override file sets that keep the API out of the product leave its key rewritten",
    arguments: [
      (list, forEachList, ["terraform.tfvars": "apis = [\"billing\", \"payments\"]\n"]),
      (list, forEachList, ["terraform.tfvars.json": "{ \"apis\": [\"payments\"] }\n"]),
      (list, forEachList, ["variables_override.tf": "variable \"apis\" {\n  default = [\"payments\"]\n}\n"]),
      (map, forEachMap, ["prod.auto.tfvars": "apis = {\n  payments = { product = \"gold\" }\n}\n"]),
      (scalar, scalarMembership, ["terraform.tfvars": "member = \"billing\"\n"]),
      // Another variable's value.
      (list, forEachList, ["terraform.tfvars": "other = [\"orders\"]\n"]),
    ])
  func valuesThatKeepTheAPIOutLeaveTheKeyRewritten(variable: String, membership: String, extra: [String: String])
    throws
  {
    let result = try Self.migrate(Self.tree(variable: variable, membership: membership, extra: extra))
    #expect(result.found.isEmpty, "\(result.found)")
    #expect(result.rewritten, "\(result.stderr)")
  }
}
