import Foundation
import Testing

/// End-to-end: one policy file applied by several Terraform declarations (`rewrite-spec.md`
/// §2c). The graph kept only the first declaration of a file and dropped the others, so a key
/// in a file that API `billing` and API `orders` both apply was checked as `billing`'s alone:
/// `orders`' product, whose policy validates the JWT after `<base />`, was never seen, and the
/// key was rewritten (the product then validated APIM's token: 401). Each declaration is now a
/// scope of its own: the key is rewritten only where every scope that applies the file allows it.
@Suite struct SharedPolicyFileScopesCommandTests {
  /// A key injected before `<base />` (inside a `<choose>`).
  static let common = """
    <policies>
        <inbound>
            <choose>
                <when condition="@(context.Request.Method == &quot;GET&quot;)">
                    <set-header name="x-functions-key" exists-action="override">
                        <value>{{orders-func-key}}</value>
                    </set-header>
                </when>
            </choose>
            <base />
        </inbound>
        <backend>
            <base />
        </backend>
    </policies>

    """
  /// A product policy that validates the caller's JWT after `<base />`.
  static let validating = """
    <policies>
        <inbound>
            <base />
            <validate-jwt header-name="Authorization" failed-validation-httpcode="401">
                <openid-config url="https://login.microsoftonline.com/x/.well-known/openid-configuration" />
            </validate-jwt>
        </inbound>
        <backend>
            <base />
        </backend>
    </policies>

    """
  /// A product policy that does nothing with `Authorization`.
  static let plain = "<policies>\n    <inbound>\n        <base />\n    </inbound>\n</policies>\n"

  static let gold = """
    resource "azurerm_api_management_product_policy" "gold" {
      product_id  = "gold"
      xml_content = file("./gold.xml")
    }
    resource "azurerm_api_management_product_api" "m" {
      product_id = "gold"
      api_name   = "orders"
    }

    """
  static func apiPolicy(_ name: String, file: String = "common.xml") -> String {
    """
    resource "azurerm_api_management_api_policy" "\(name)" {
      api_name    = "\(name)"
      xml_content = file("./\(file)")
    }

    """
  }

  /// `migrate --write` on `main.tf` with `common.xml` and `gold.xml`: the findings of `rule`,
  /// and whether `file` was rewritten.
  static func migrate(
    _ main: String, rule: String = "authorization-parent-scope", gold: String = validating,
    extra: [String: String] = [:], file: String = "common.xml"
  ) throws -> (found: [String], rewritten: Bool, stderr: String) {
    let files = ["main.tf": main, "common.xml": common, "gold.xml": gold].merging(extra) { $1 }
    return try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: rule)
      #expect(result.status == 0, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, file) ?? [], as: UTF8.self)
      return (result.found, written.contains("<authentication-managed-identity"), result.stderr)
    }
  }

  @Test(
    "a file that two API policies apply is held by the second API's product, in either order",
    arguments: [true, false])
  func secondDeclarationOfASharedFileHoldsTheKeyForItsProductReader(billingFirst: Bool) throws {
    let main =
      billingFirst
      ? Self.apiPolicy("billing") + Self.gold + Self.apiPolicy("orders")
      : Self.gold + Self.apiPolicy("orders") + Self.apiPolicy("billing")
    let result = try Self.migrate(main)
    #expect(!result.rewritten, "\(result.stderr)")
    #expect(result.found.count == 1, "\(result.stderr)")
    // The message names the scope whose parent reads the header.
    #expect(
      result.found.first?.contains(
        "where gold.xml, as a parent of the api policy of `orders` (main.tf:") == true, "\(result.found)")
    // `plan` counts both API policies; `effective` composes `orders`' pipeline with the file.
    try withTemporaryTree(["main.tf": main, "common.xml": Self.common, "gold.xml": Self.validating]) { root in
      let plan = String(decoding: run(["plan", "--resource", CLI.resource, "."], cwd: root).stdout, as: UTF8.self)
      #expect(plan.contains("policies: 1 product, 2 api"), "\(plan)")
      let effective = run(["effective", "--api", "orders", "."], cwd: root)
      let text = String(decoding: effective.stdout, as: UTF8.self)
      #expect(
        text.contains("<!-- common.xml:3 -->") && text.contains("<!-- gold.xml:4 -->"), "\(text)\(effective.stderr)")
    }
  }

  @Test("a file that a product applies first keeps its API role: the API's product holds the key")
  func productDeclarationFirstDoesNotDropTheAPIScopeOfTheSharedFile() throws {
    let main = """
      resource "azurerm_api_management_product_policy" "silver" {
        product_id  = "silver"
        xml_content = file("./common.xml")
      }

      """ + Self.gold + Self.apiPolicy("orders")
    let result = try Self.migrate(main)
    #expect(!result.rewritten, "\(result.stderr)")
    #expect(result.found.count == 1, "\(result.stderr)")
    // Both scopes are policies of the graph.
    try withTemporaryTree(["main.tf": main, "common.xml": Self.common, "gold.xml": Self.validating]) { root in
      let plan = run(["plan", "--resource", CLI.resource, "."], cwd: root)
      let text = String(decoding: plan.stdout, as: UTF8.self)
      #expect(text.contains("policies: 2 product, 1 api"), "\(text)")
    }
  }

  @Test(
    "a path pattern that matches another declaration's file keeps that declaration's scope",
    arguments: [
      "variable \"env\" {}\nresource \"azurerm_api_management_product_policy\" \"p\" {\n  product_id  = \"gold\"\n  xml_content = file(\"./${var.env}.xml\")\n}\n",
      "resource \"azurerm_api_management_product_policy\" \"p\" {\n  for_each    = toset([\"gold\", \"silver\"])\n  product_id  = each.key\n  xml_content = file(\"./${each.key}.xml\")\n}\n",
    ])
  func pathPatternOfAnotherDeclarationDoesNotTakeTheFilesAPIScope(products: String) throws {
    let main =
      products + """
        resource "azurerm_api_management_product_api" "m" {
          product_id = "gold"
          api_name   = "orders"
        }

        """ + Self.apiPolicy("orders")
    let result = try Self.migrate(main, extra: ["silver.xml": Self.plain])
    #expect(!result.rewritten, "\(result.stderr)")
    #expect(result.found.count == 1, "\(result.stderr)")
  }

  @Test("one fragment file declared under two ids defines both: an include of the second resolves")
  func fragmentFileDeclaredUnderTwoIDsDefinesBoth() throws {
    let main = """
      resource "azurerm_api_management_policy_fragment" "f1" {
        name  = "f1"
        value = file("./frag.xml")
      }
      resource "azurerm_api_management_policy_fragment" "f2" {
        name  = "f2"
        value = file("./frag.xml")
      }
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "orders"
        xml_content = file("./api.xml")
      }

      """
    let api = """
      <policies>
          <inbound>
              <base />
              <set-header name="x-functions-key" exists-action="override">
                  <value>{{orders-func-key}}</value>
              </set-header>
              <include-fragment fragment-id="f2" />
          </inbound>
      </policies>

      """
    let fragment =
      "<fragment>\n    <set-header name=\"x-trace\" exists-action=\"override\"><value>1</value></set-header>\n</fragment>\n"
    let result = try Self.migrate(
      main, rule: "unresolved-fragment", extra: ["api.xml": api, "frag.xml": fragment], file: "api.xml")
    #expect(result.found.isEmpty, "\(result.found)")
    #expect(!result.stderr.contains("no scanned file defines"), "\(result.stderr)")
    #expect(result.rewritten, "\(result.stderr)")
  }

  @Test("an operation file that two APIs' operations apply holds the key of the second API")
  func sharedOperationFileIsAChildOfEveryAPIThatAppliesIt() throws {
    // The second API's key runs inside the <base /> of the shared operation policy, which
    // validates the caller's JWT after it.
    let main = """
      resource "azurerm_api_management_api_operation_policy" "ioapp" {
        api_name     = "ioapp"
        operation_id = "attest"
        xml_content  = file("./nest.xml")
      }
      resource "azurerm_api_management_api_operation_policy" "uat" {
        api_name     = "uat"
        operation_id = "attest"
        xml_content  = file("./nest.xml")
      }
      resource "azurerm_api_management_api_policy" "uat" {
        api_name    = "uat"
        xml_content = file("./uat.xml")
      }

      """
    let result = try Self.migrate(
      main, rule: "authorization-child-scope",
      extra: ["nest.xml": Self.validating, "uat.xml": Policies.keyAfterBase("uat-func-key") + "\n"], file: "uat.xml")
    #expect(!result.rewritten, "\(result.stderr)")
    #expect(result.found.count == 1, "\(result.stderr)")
    // The child is named with its scope.
    #expect(
      result.found.first?.contains("nest.xml:4 (as the operation policy of `uat` operation `attest` (main.tf:6")
        == true,
      "\(result.found)")
  }

  @Test("a file that is safe in every scope that applies it is rewritten")
  func sharedFileSafeInEveryScopeIsRewritten() throws {
    let main = Self.apiPolicy("billing") + Self.gold + Self.apiPolicy("orders")
    let result = try Self.migrate(main, gold: Self.plain)
    #expect(result.found.isEmpty, "\(result.found)")
    #expect(result.rewritten, "\(result.stderr)")
  }
}
