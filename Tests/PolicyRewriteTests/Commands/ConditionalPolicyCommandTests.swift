import Foundation
import Testing

/// End-to-end: a Terraform policy argument that is a conditional (`policy_xml = var.x ?
/// templatefile(…) : file(…)`, `rewrite-spec.md` §2c) is one of its documents: each is a
/// possible policy of the scope and is checked as one. Such a parent was unreadable, which held
/// every child's key; read, a document that reads `Authorization` still holds it (its
/// token would reach the reader: 401), and an alternative the run cannot read keeps the scope
/// unreadable.
@Suite struct ConditionalPolicyCommandTests {
  /// An API whose key stands in a branch before `<base />`: a parent that reads the header
  /// would see APIM's token.
  static let api = """
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

  static let plain = "<policies>\n    <inbound>\n        <base />\n    </inbound>\n</policies>\n"

  /// A product (a module call, as pagopa-infra's) whose policy is `policy`, holding API
  /// `orders`, whose policy is ``api``.
  static func tree(policy: String, decoupler: String = plain, legacy: String = plain) -> [String: String] {
    [
      "main.tf": """
      module "product" {
        source     = "./.terraform/modules/__v3__/api_management_product"
        product_id = "gold"
        policy_xml = \(policy)
      }
      resource "azurerm_api_management_product_api" "orders" {
        product_id = "gold"
        api_name   = "orders"
      }
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "orders"
        xml_content = file("./api/orders.xml")
      }

      """,
      "api/orders.xml": api,
      "product/decoupler.xml.tpl": decoupler,
      "product/legacy.xml": legacy,
    ]
  }

  static let conditional =
    "var.decoupler ? templatefile(\"./product/decoupler.xml.tpl\", {\n    on = true\n  }) : file(\"./product/legacy.xml\")"

  @Test(
    "a product policy chosen by a conditional was unreadable: its API's key is rewritten when neither reads the header",
    arguments: [
      conditional,
      // Parentheses around the conditional, a branch or a path were read as a value the run
      // does not know.
      "(\(conditional))",
      "var.decoupler ? (templatefile(\"./product/decoupler.xml.tpl\", {})) : (file(\"./product/legacy.xml\"))",
      "file((\"./product/legacy.xml\"))",
    ])
  func conditionalProductPolicyWithHarmlessDocumentsLetsTheKeyBeRewritten(policy: String) throws {
    let files = Self.tree(policy: policy)
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "parent-scope-unreadable")
      #expect(result.status == 0 && result.found.isEmpty, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "api/orders.xml") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(result.stderr)")
    }
  }

  @Test(
    "either document of a conditional product policy that validates the token holds the API's key",
    arguments: [true, false], ["", "("])
  func conditionalProductPolicyDocumentThatValidatesTheTokenHoldsTheKey(inFirst: Bool, parenthesis: String) throws {
    let files = Self.tree(
      policy: parenthesis.isEmpty ? Self.conditional : "(\(Self.conditional))",
      decoupler: inFirst ? Self.validating : Self.plain,
      legacy: inFirst ? Self.plain : Self.validating)
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-parent-scope")
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.found.count == 1, "\(result.stderr)")
      let parent = inFirst ? "product/decoupler.xml.tpl" : "product/legacy.xml"
      #expect(result.found.first?.contains(parent) == true, "\(result.found)")
      expectFile(root, "api/orders.xml", Self.api)
    }
  }

  @Test(
    "a conditional with a document the run cannot read keeps the parent unreadable: the key is held",
    arguments: [
      "var.decoupler ? var.product_policy : file(\"./product/legacy.xml\")",
      "var.a ? file(\"./product/legacy.xml\") : var.b ? templatefile(\"./product/decoupler.xml.tpl\", {}) : var.c",
      "var.decoupler ? file(\"./product/missing.xml\") : file(\"./product/legacy.xml\")",
      "file(var.decoupler ? \"./product/missing.xml\" : \"./product/legacy.xml\")",
      // A string that is only an interpolation was read as a policy without elements.
      "var.decoupler ? file(\"./product/legacy.xml\") : \"${var.product_policy}\"",
      "\"${var.product_policy}\"",
      "<<XML\n${var.product_policy}\nXML\n",
    ])
  func conditionalWithAnUnreadableDocumentStillHoldsTheKey(policy: String) throws {
    try withTemporaryTree(Self.tree(policy: policy)) { root in
      let result = CLI.migrate(root, rule: "parent-scope-unreadable")
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.found.count == 1, "\(result.stderr)")
      expectFile(root, "api/orders.xml", Self.api)
    }
  }

  @Test("nested conditionals, heredocs and strings are each a document; `null` declares none")
  func nestedConditionalDocumentsAreEachChecked() throws {
    let heredoc = "var.a ? file(\"./product/legacy.xml\") : var.b ? null : <<XML\n\(Self.validating)XML\n"
    try withTemporaryTree(Self.tree(policy: heredoc)) { root in
      let result = CLI.migrate(root, rule: "authorization-parent-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.contains("main.tf") == true, "\(result.found)")
      expectFile(root, "api/orders.xml", Self.api)
    }
    let harmless =
      "var.a ? file(\"./product/legacy.xml\") : var.b ? null : \"<policies><inbound><base /></inbound></policies>\""
    try withTemporaryTree(Self.tree(policy: harmless)) { root in
      let result = CLI.migrate(root, rule: "parent-scope-unreadable")
      #expect(result.status == 0 && result.found.isEmpty, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "api/orders.xml") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(result.stderr)")
    }
  }

  /// A product with a key after `<base />`, holding API `orders`, whose policy is `policy`.
  static func childTree(policy: String) -> [String: String] {
    [
      "main.tf": """
      resource "azurerm_api_management_product_policy" "gold" {
        product_id  = "gold"
        xml_content = file("./product/gold.xml")
      }
      resource "azurerm_api_management_product_api" "orders" {
        product_id = "gold"
        api_name   = "orders"
      }
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "orders"
        xml_content = \(policy)
      }

      """,
      "product/gold.xml": Policies.keyAfterBase("gold-func-key") + "\n",
      "api/deleting.xml": Policies.authorizationDeleter + "\n",
      "api/plain.xml": plain,
    ]
  }

  @Test("an API policy chosen by a conditional: a document that strips the header holds the product's key")
  func conditionalChildDocumentThatStripsTheTokenHoldsTheParentsKey() throws {
    let files = Self.childTree(policy: "var.strip ? file(\"./api/deleting.xml\") : file(\"./api/plain.xml\")")
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.contains("api/deleting.xml") == true, "\(result.found)")
      expectFile(root, "product/gold.xml", files["product/gold.xml"] ?? "")
    }
    let harmless = Self.childTree(policy: "var.strip ? file(\"./api/plain.xml\") : null")
    try withTemporaryTree(harmless) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.found.isEmpty, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "product/gold.xml") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(result.stderr)")
    }
  }

  @Test("a module input given a conditional is read the same way (the module's variable path)")
  func moduleInputGivenAConditionalIsEachDocument() throws {
    var files = Self.tree(policy: "\"unused\"", legacy: Self.validating)
    files["main.tf"] = """
      module "product" {
        source     = "./modules/product"
        product_id = "gold"
        policy     = var.decoupler ? templatefile("./product/decoupler.xml.tpl", {}) : file("./product/legacy.xml")
      }
      resource "azurerm_api_management_product_api" "orders" {
        product_id = "gold"
        api_name   = "orders"
      }
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "orders"
        xml_content = file("./api/orders.xml")
      }

      """
    files["modules/product/main.tf"] = """
      variable "product_id" { type = string }
      variable "policy" { type = string }
      resource "azurerm_api_management_product_policy" "this" {
        product_id  = var.product_id
        xml_content = var.policy
      }

      """
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-parent-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.contains("product/legacy.xml") == true, "\(result.found)")
      expectFile(root, "api/orders.xml", Self.api)
    }
    files["product/legacy.xml"] = Self.plain
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "parent-scope-unreadable")
      #expect(result.status == 0 && result.found.isEmpty, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "api/orders.xml") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(result.stderr)")
    }
  }
}
