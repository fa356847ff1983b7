import Foundation
import Testing

/// End-to-end: a `templatefile()` policy whose variable is given policy text
/// (`templatefile("./product.xml.tpl", { extra = file("./jwt.xml") })`, as pagopa-infra inserts
/// header snippets), `rewrite-spec.md` §2c. The graph read the template alone, so a
/// `validate-jwt` the variable inserts after `<base />` was not seen: an API's key replaced in
/// place ran before it, or a product's key above it (401 either way). Such a policy is now one
/// the run cannot read, which holds the keys around it; a variable given plain text (a host
/// name) still leaves the template readable.
@Suite struct TemplateVariablePolicyTextCommandTests {

  /// A template that inserts `${extra}` after its `<base />`, and names a host.
  static let template = """
    <policies>
        <inbound>
            <base />
            ${extra}
            <set-header name="x-host" exists-action="override"><value>${host}</value></set-header>
        </inbound>
    </policies>

    """

  static let jwt = "<validate-jwt header-name=\"Authorization\" failed-validation-httpcode=\"401\" />\n"

  /// Product `gold` whose policy is `template.xml.tpl` with `extra` bound to `binding`, API
  /// `orders` (policy `orders.xml`, `orders`), joined to gold.
  static func tree(binding: String, orders: String = Policies.keyBeforeBase, gold: String = template) -> [String:
    String]
  {
    [
      "main.tf": """
      resource "azurerm_api_management_product_policy" "gold" {
        product_id  = "gold"
        xml_content = templatefile("./gold.xml.tpl", { extra = \(binding), host = "example.org" })
      }
      resource "azurerm_api_management_product_api" "gold_orders" {
        product_id = "gold"
        api_name   = "orders"
      }
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "orders"
        xml_content = file("./orders.xml")
      }

      """,
      "gold.xml.tpl": gold,
      "jwt.xml": jwt,
      "orders.xml": orders,
    ]
  }

  static func migrate(_ files: [String: String], rule: String, file: String) throws -> (
    found: [String], rewritten: Bool
  ) {
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: rule)
      let written = String(decoding: CLI.read(root, file) ?? [], as: UTF8.self)
      return (result.found, written.contains("<authentication-managed-identity"))
    }
  }

  @Test(
    "a parent template whose variable is given policy text holds the child's key",
    arguments: ["file(\"./jwt.xml\")", "local.jwt", "\"<validate-jwt header-name=\\\"Authorization\\\" />\""])
  func parentTemplateGivenPolicyTextHoldsTheChildKey(binding: String) throws {
    var files = Self.tree(binding: binding)
    files["main.tf", default: ""] += "locals {\n  jwt = file(\"./jwt.xml\")\n}\n"
    let result = try Self.migrate(files, rule: "parent-scope-unreadable", file: "orders.xml")
    #expect(result.found.count == 1, "\(result.found)")
    #expect(result.found.first?.contains("`extra`") == true, "\(result.found)")
    #expect(!result.rewritten)
  }

  @Test func aTemplateVariableGivenPlainTextLeavesTheTemplateReadable() throws {
    let result = try Self.migrate(
      Self.tree(binding: "\"X-Forwarded\""), rule: "parent-scope-unreadable", file: "orders.xml")
    #expect(result.found.isEmpty, "\(result.found)")
    #expect(result.rewritten)
  }

  @Test func aChildTemplateGivenPolicyTextHoldsTheParentKey() throws {
    let files: [String: String] = [
      "main.tf": """
      resource "azurerm_api_management_product_policy" "gold" {
        product_id  = "gold"
        xml_content = file("./gold.xml")
      }
      resource "azurerm_api_management_product_api" "gold_orders" {
        product_id = "gold"
        api_name   = "orders"
      }
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "orders"
        xml_content = templatefile("./orders.xml.tpl", { extra = file("./jwt.xml"), host = "example.org" })
      }

      """,
      "gold.xml": Policies.keyAfterBase("gold-func-key") + "\n",
      "orders.xml.tpl": Self.template,
      "jwt.xml": Self.jwt,
    ]
    let result = try Self.migrate(files, rule: "child-scope-unreadable", file: "gold.xml")
    #expect(result.found.count == 1, "\(result.found)")
    #expect(!result.rewritten)
  }
}
