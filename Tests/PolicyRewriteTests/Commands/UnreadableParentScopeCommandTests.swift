import Foundation
import Testing

/// End-to-end: the parent side of `child-scope-unreadable`. A declared parent policy whose
/// text the run cannot read (its file excluded, or only the changed files named on the
/// command line) held nothing: the child's key nested before `<base />` was replaced in place
/// while the parent's `validate-jwt` ran after it (401). Such a child is held
/// (`parent-scope-unreadable`; an error with `--strict`), naming the parent's declaration.
@Suite struct UnreadableParentScopeCommandTests {
  static let main = """
    resource "azurerm_api_management_api_policy" "orders" {
      api_name    = "orders"
      xml_content = file("./api/api_policy.xml")
    }

    resource "azurerm_api_management_api_operation_policy" "get" {
      api_name     = "orders"
      operation_id = "get"
      xml_content  = file("./api/get_policy.xml")
    }

    """

  static let operation = """
    <policies>
        <inbound>
            <choose>
                <when condition="@(context.Request.Method == "GET")">
                    <set-header name="x-functions-key" exists-action="override">
                        <value>{{orders-func-key}}</value>
                    </set-header>
                </when>
            </choose>
            <base />
        </inbound>
    </policies>

    """

  static let validating = """
    <policies>
        <inbound>
            <base />
            <validate-jwt header-name="Authorization" failed-validation-httpcode="401" />
        </inbound>
    </policies>

    """

  static let tree = ["main.tf": main, "api/get_policy.xml": operation, "api/api_policy.xml": validating]

  @Test("an API policy excluded from the run holds its operation's key nested before <base />")
  func excludedParentPolicyMayValidateTheCallersTokenSoTheChildsKeyIsHeld() throws {
    try withTemporaryTree(Self.tree) { root in
      let result = CLI.migrate(root, rule: "parent-scope-unreadable", ["--exclude", "api/api_policy.xml"])
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.hasPrefix("api/get_policy.xml:5:") == true, "\(result.found)")
      #expect(
        result.found.first?.contains(
          "main.tf:1 (azurerm_api_management_api_policy.orders): its policy file `api/api_policy.xml` is not among the files of this run"
        ) == true, "\(result.found)")
      expectFile(root, "api/get_policy.xml", Self.operation)
      let strict = CLI.migrate(root, rule: "parent-scope-unreadable", ["--strict", "--exclude", "api/api_policy.xml"])
      #expect(strict.status == 2, "\(strict.stderr)")
      #expect(strict.found.first?.contains(": error: ") == true, "\(strict.stderr)")
      expectFile(root, "api/get_policy.xml", Self.operation)
    }
  }

  @Test("naming only the changed files (the declaration and the child) holds the child's key too")
  func parentNotNamedOnTheCommandLineMayValidateTheCallersTokenSoTheChildsKeyIsHeld() throws {
    try withTemporaryTree(Self.tree) { root in
      let result = run(
        ["migrate", "--write", "--strict", "--resource", CLI.resource, "main.tf", "api/get_policy.xml"], cwd: root)
      #expect(result.status == 2, "\(result.stderr)")
      #expect(result.stderr.contains("[parent-scope-unreadable]"), "\(result.stderr)")
      expectFile(root, "api/get_policy.xml", Self.operation)
    }
  }

  @Test("a parent that is not the child's (another API, a product without it) holds nothing")
  func unreadablePolicyOfAnotherScopeIsNotAParentSoTheKeyIsRewritten() throws {
    let other = """
      resource "azurerm_api_management_api_policy" "billing" {
        api_name    = "billing"
        xml_content = file("./api/billing_policy.xml")
      }
      resource "azurerm_api_management_product_policy" "gold" {
        product_id  = "gold"
        xml_link    = "https://example.com/gold.xml"
      }
      resource "azurerm_api_management_product_api" "gold" {
        product_id = "gold"
        api_name   = "billing"
      }
      resource "azurerm_api_management_api_operation_policy" "get" {
        api_name     = "orders"
        operation_id = "get"
        xml_content  = file("./api/get_policy.xml")
      }

      """
    try withTemporaryTree(["main.tf": other, "api/get_policy.xml": Self.operation]) { root in
      let result = CLI.migrate(root, rule: "parent-scope-unreadable", ["--strict"])
      #expect(result.status == 0 && result.found.isEmpty, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "api/get_policy.xml") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(result.stderr)")
    }
  }

  @Test("a product policy fetched from xml_link holds the key of an API it holds")
  func productPolicyFromAURLMayReadTheHeaderSoItsAPIsKeyIsHeld() throws {
    let product = """
      resource "azurerm_api_management_product_policy" "gold" {
        product_id = "gold"
        xml_link   = "https://example.com/gold.xml"
      }
      resource "azurerm_api_management_product_api" "gold" {
        product_id = "gold"
        api_name   = "orders"
      }
      resource "azurerm_api_management_api_operation_policy" "get" {
        api_name     = "orders"
        operation_id = "get"
        xml_content  = file("./api/get_policy.xml")
      }

      """
    try withTemporaryTree(["main.tf": product, "api/get_policy.xml": Self.operation]) { root in
      let result = CLI.migrate(root, rule: "parent-scope-unreadable")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.contains("xml_link") == true, "\(result.found)")
      expectFile(root, "api/get_policy.xml", Self.operation)
    }
  }

  @Test(
    "a local module's own policy resource (`xml_content = var.x`, `api_name = var.name`) is no parent of every operation"
  )
  func modulesOwnPolicyDeclarationIsNotAnUnreadableParentOfEveryScope() throws {
    let tree = [
      "modules/api/main.tf": """
      variable "name" { type = string }
      variable "xml_content" { type = string }
      resource "azurerm_api_management_api_policy" "this" {
        api_name    = var.name
        xml_content = var.xml_content
      }

      """,
      "main.tf": """
      module "orders" {
        source      = "./modules/api"
        name        = "orders"
        path        = "orders"
        xml_content = file("./api/orders.xml")
      }
      resource "azurerm_api_management_api_operation_policy" "get" {
        api_name     = "billing"
        operation_id = "get"
        xml_content  = file("./api/get_policy.xml")
      }

      """,
      "api/orders.xml": "<policies><inbound><base /></inbound></policies>\n",
      "api/get_policy.xml": Self.operation,
    ]
    try withTemporaryTree(tree) { root in
      let result = CLI.migrate(root, rule: "parent-scope-unreadable")
      #expect(result.status == 0 && result.found.isEmpty, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "api/get_policy.xml") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(result.stderr)")
    }
  }
}
