import Foundation
import Testing

/// End-to-end: Terraform `for_each` on memberships and policies (`rewrite-spec.md` §2c). A
/// `product_api` with `for_each = toset(local.apis)` and `api_name = each.key` counted as
/// holding any API, so a product's key was held by every API of the run that strips
/// `Authorization`. Its collection is now read when it is literal (in the block, a local, a
/// variable's default, in any file of the module): the product holds exactly those APIs. A
/// collection the run does not know still holds any API, and an element that strips the
/// header still holds the key (rewritten, its token would be stripped: 401).
@Suite struct ForEachScopeCommandTests {
  static let key = Policies.keyAfterBase("gold-func-key") + "\n"
  static let deleting = Policies.authorizationDeleter + "\n"

  /// A product `gold` with a key, the membership `membership` (a resource body), and an API
  /// policy that strips `Authorization` for API `stripping`; `extra` files beside.
  static func tree(membership: String, stripping: String, extra: [String: String] = [:]) -> [String: String] {
    [
      "main.tf": """
      resource "azurerm_api_management_product_policy" "gold" {
        product_id  = "gold"
        xml_content = file("./policies/gold.xml")
      }
      resource "azurerm_api_management_product_api" "gold" {
      \(membership)
      }
      resource "azurerm_api_management_api_policy" "stripping" {
        api_name    = "\(stripping)"
        xml_content = file("./policies/deleting.xml")
      }

      """,
      "policies/gold.xml": key,
      "policies/deleting.xml": deleting,
    ].merging(extra) { $1 }
  }

  /// `migrate --write`: the `authorization-child-scope` findings, and whether gold's key was
  /// rewritten.
  static func migrate(_ files: [String: String]) throws -> (found: [String], rewritten: Bool, stderr: String) {
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "policies/gold.xml") ?? [], as: UTF8.self)
      return (result.found, written.contains("<authentication-managed-identity"), result.stderr)
    }
  }

  static let locals = "locals {\n  apis = [\"orders\", \"billing\"]\n}\n"

  @Test(
    "a for_each membership over a literal set holds only its APIs: another API's stripping no longer holds the key",
    arguments: [
      ("  for_each   = toset(local.apis)\n  product_id = \"gold\"\n  api_name   = each.key", ["locals.tf": locals]),
      ("  for_each   = toset(local.apis)\n  product_id = \"gold\"\n  api_name   = each.value", ["locals.tf": locals]),
      (
        "  for_each   = toset(var.apis)\n  product_id = \"gold\"\n  api_name   = each.key",
        ["variables.tf": "variable \"apis\" {\n  default = [\"orders\", \"billing\"]\n}\n"]
      ),
      ("  for_each   = toset([\"orders\", \"billing\"])\n  product_id = \"gold\"\n  api_name   = each.key", [:]),
      ("  for_each   = { o = \"orders\", b = \"billing\" }\n  product_id = \"gold\"\n  api_name   = each.value", [:]),
      (
        "  for_each   = local.links\n  product_id = \"gold\"\n  api_name   = each.value.api",
        ["locals.tf": "locals {\n  links = {\n    o = { api = \"orders\" }\n    b = { api = \"billing\" }\n  }\n}\n"]
      ),
    ])
  func literalForEachMembershipHoldsOnlyItsAPIsSoTheKeyIsRewritten(
    membership: String, extra: [String: String]
  ) throws {
    let result = try Self.migrate(Self.tree(membership: membership, stripping: "payments", extra: extra))
    #expect(result.found.isEmpty, "\(result.found)")
    #expect(result.rewritten, "\(result.stderr)")
  }

  @Test(
    "a member of an expanded for_each that strips the header still holds the product's key",
    arguments: [
      ("  for_each   = toset(local.apis)\n  product_id = \"gold\"\n  api_name   = each.key", "billing"),
      (
        "  for_each   = { o = \"orders\", b = \"billing\" }\n  product_id = \"gold\"\n  api_name   = each.value",
        "orders"
      ),
      (
        "  for_each   = local.links\n  product_id = \"gold\"\n  api_name   = each.value.api",
        "orders"
      ),
    ])
  func memberOfAnExpandedForEachThatStripsTheTokenHoldsTheKey(membership: String, stripping: String) throws {
    let extra = [
      "locals.tf": Self.locals.replacingOccurrences(of: "}\n", with: "")
        + "  links = {\n    o = { api = \"orders\" }\n  }\n}\n"
    ]
    let result = try Self.migrate(Self.tree(membership: membership, stripping: stripping, extra: extra))
    #expect(result.found.count == 1, "\(result.stderr)")
    #expect(!result.rewritten)
  }

  @Test(
    "a for_each the run cannot read (no default, a for expression, a map key that is a value) may hold any API",
    arguments: [
      "  for_each   = toset(var.apis)\n  product_id = \"gold\"\n  api_name   = each.key",
      "  for_each   = { for a in local.apis : a => a }\n  product_id = \"gold\"\n  api_name   = each.key",
      "  for_each   = { o = \"orders\" }\n  product_id = \"gold\"\n  api_name   = each.value.api",
      "  for_each   = { (local.key) = \"orders\" }\n  product_id = \"gold\"\n  api_name   = each.key",
      "  for_each   = toset(local.apis)\n  product_id = \"gold\"\n  api_name   = each.key",
    ])
  func unreadableForEachMayHoldAnyAPISoTheKeyIsHeld(membership: String) throws {
    // `var.apis` has no default; `local.apis` is itself a variable.
    let extra = [
      "variables.tf": "variable \"apis\" {\n  type = list(string)\n}\n",
      "locals.tf": "locals {\n  apis = var.apis\n}\n",
    ]
    let result = try Self.migrate(Self.tree(membership: membership, stripping: "payments", extra: extra))
    #expect(result.found.count == 1, "\(result.stderr)")
    #expect(!result.rewritten)
  }

  @Test("a module call's variable is not its default: a for_each over a variable the call gives may hold any API")
  func forEachOverAVariableACallGivesMayHoldAnyAPI() throws {
    let module = """
      variable "apis" {
        default = ["orders"]
      }
      resource "azurerm_api_management_product_api" "gold" {
        for_each   = toset(var.apis)
        product_id = "gold"
        api_name   = each.key
      }

      """
    var files = Self.tree(membership: "  product_id = \"gold\"\n  api_name   = \"orders\"", stripping: "payments")
    files["modules/links/main.tf"] = module
    files["links.tf"] = "module \"links\" {\n  source = \"./modules/links\"\n  apis   = var.given\n}\n"
    let result = try Self.migrate(files)
    #expect(result.found.count == 1, "\(result.stderr)")
    #expect(!result.rewritten)
  }

  @Test("product_id = each.key: the membership's products are the set's elements")
  func forEachOverProductsLinksEachProduct() throws {
    let membership = "  for_each   = toset([\"silver\", \"gold\"])\n  product_id = each.key\n  api_name   = \"orders\""
    let held = try Self.migrate(Self.tree(membership: membership, stripping: "orders"))
    #expect(held.found.count == 1, "\(held.stderr)")
    #expect(!held.rewritten)
    let other = membership.replacingOccurrences(of: "\"gold\"]", with: "\"bronze\"]")
    // Gold's own API, so that its membership is known: a product the run joins to no API may
    // hold any.
    let goldAPI =
      "resource \"azurerm_api_management_product_api\" \"gold_billing\" {\n  product_id = \"gold\"\n  api_name   = \"billing\"\n}\n"
    let rewritten = try Self.migrate(Self.tree(membership: other, stripping: "orders", extra: ["gold.tf": goldAPI]))
    #expect(rewritten.found.isEmpty, "\(rewritten.found)")
    #expect(rewritten.rewritten, "\(rewritten.stderr)")
  }

  /// API `orders` with a key, and an operation policy `for_each` whose names are `names`,
  /// stripping `Authorization`.
  static func operationTree(_ names: String) -> [String: String] {
    [
      "main.tf": """
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "orders"
        xml_content = file("./policies/gold.xml")
      }
      resource "azurerm_api_management_api_operation_policy" "ops" {
      \(names)
        xml_content  = file("./policies/deleting.xml")
      }

      """,
      "policies/gold.xml": key,
      "policies/deleting.xml": deleting,
    ]
  }

  @Test("an operation policy with for_each is one operation per element: of another API, the key is rewritten")
  func forEachOperationPolicyOfAnotherAPILetsTheKeyBeRewritten() throws {
    let other = try Self.migrate(
      Self.operationTree(
        "  for_each     = { get = \"billing\", put = \"payments\" }\n  api_name     = each.value\n  operation_id = each.key"
      ))
    #expect(other.found.isEmpty, "\(other.found)")
    #expect(other.rewritten, "\(other.stderr)")
    let own = try Self.migrate(
      Self.operationTree(
        "  for_each     = { get = \"billing\", put = \"orders\" }\n  api_name     = each.value\n  operation_id = each.key"
      ))
    #expect(own.found.count == 1, "\(own.stderr)")
    #expect(!own.rewritten)
    let unknown = try Self.migrate(
      Self.operationTree("  for_each     = var.operations\n  api_name     = each.value\n  operation_id = each.key"))
    #expect(unknown.found.count == 1, "\(unknown.stderr)")
    #expect(!unknown.rewritten)
  }

  @Test("an API policy with for_each below a product: a member among its elements holds the product's key")
  func forEachAPIPolicyIsOneAPIPerElement() throws {
    let files = { (apis: String) in
      [
        "main.tf": """
        resource "azurerm_api_management_product_policy" "gold" {
          product_id  = "gold"
          xml_content = file("./policies/gold.xml")
        }
        resource "azurerm_api_management_product_api" "gold" {
          product_id = "gold"
          api_name   = "orders"
        }
        resource "azurerm_api_management_api_policy" "each" {
          for_each    = toset(\(apis))
          api_name    = each.key
          xml_content = file("./policies/deleting.xml")
        }

        """,
        "policies/gold.xml": Self.key,
        "policies/deleting.xml": Self.deleting,
      ]
    }
    let other = try Self.migrate(files("[\"billing\", \"payments\"]"))
    #expect(other.found.isEmpty, "\(other.found)")
    #expect(other.rewritten, "\(other.stderr)")
    let own = try Self.migrate(files("[\"billing\", \"orders\"]"))
    #expect(own.found.count == 1, "\(own.stderr)")
    #expect(!own.rewritten)
  }

  /// Product `gold` holding API `member`, and API policies `for_each` over `apis` applying
  /// `policies/apis/<path>.xml`, where only `billing.xml` strips `Authorization`.
  static func perElementFileTree(member: String, apis: String, path: String) -> [String: String] {
    [
      "main.tf": """
      resource "azurerm_api_management_product_policy" "gold" {
        product_id  = "gold"
        xml_content = file("./policies/gold.xml")
      }
      resource "azurerm_api_management_product_api" "gold" {
        product_id = "gold"
        api_name   = "\(member)"
      }
      resource "azurerm_api_management_api_policy" "each" {
        for_each    = \(apis)
        api_name    = each.key
        xml_content = file("${path.module}/policies/apis/\(path).xml")
      }

      """,
      "policies/gold.xml": key,
      "policies/apis/orders.xml": "<policies>\n  <inbound>\n    <base />\n  </inbound>\n</policies>\n",
      "policies/apis/billing.xml": deleting,
    ]
  }

  @Test(
    "file(\"…/${each.key}.xml\") applies each element its own file: another API's file that strips the header does not hold the key",
    arguments: [
      ("toset([\"orders\", \"billing\"])", "${each.key}"),
      ("{ orders = \"orders\", billing = \"billing\" }", "${each.value}"),
      ("{ orders = { file = \"orders\" }, billing = { file = \"billing\" } }", "${each.value.file}"),
    ])
  func eachElementAppliesItsOwnFileSoAnotherAPIsFileDoesNotHoldTheKey(apis: String, path: String) throws {
    let other = try Self.migrate(Self.perElementFileTree(member: "orders", apis: apis, path: path))
    #expect(other.found.isEmpty, "\(other.found)")
    #expect(other.rewritten, "\(other.stderr)")
    // The member whose own file strips the header still holds the key (rewritten: a 401).
    let own = try Self.migrate(Self.perElementFileTree(member: "billing", apis: apis, path: path))
    #expect(own.found.count == 1, "\(own.stderr)")
    #expect(own.found.first?.contains("billing.xml") == true, "\(own.found)")
    #expect(!own.rewritten)
  }

  @Test("file(\"…/${each.key}.xml\") over a collection the run does not know: any matching file may be the member's")
  func eachFileOverAnUnknownCollectionStillHoldsTheKey() throws {
    let unknown = try Self.migrate(Self.perElementFileTree(member: "orders", apis: "var.apis", path: "${each.key}"))
    #expect(unknown.found.count == 1, "\(unknown.stderr)")
    #expect(!unknown.rewritten)
  }
}
