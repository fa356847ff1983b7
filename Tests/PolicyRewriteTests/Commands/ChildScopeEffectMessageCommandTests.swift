import Foundation
import Testing

/// End-to-end: `authorization-child-scope` says what each child scope does that holds the
/// parent's key, and where (`path:line`), one child at a time: reads, removes or writes
/// `Authorization` after its `<base />`, reads it in a later section, or sends requests to a
/// backend that is not the Function App. The message used to list all five for every child,
/// which left the reader to find which one (and where) by hand.
@Suite struct ChildScopeEffectMessageCommandTests {
  /// An operation whose `<inbound>` holds `inbound` after its `<base />` (line 4) and whose
  /// `<outbound>` holds `outbound` (line 7).
  static func operation(inbound: String = "<rate-limit calls=\"1\" renewal-period=\"1\" />", outbound: String = "")
    -> String
  {
    """
    <policies>
        <inbound>
            <base />
            \(inbound)
        </inbound>
        <outbound>
            <base />\(outbound)
        </outbound>
    </policies>

    """
  }

  @Test(
    "each child is named at the line of what it does, saying what",
    arguments: [
      (
        operation(inbound: "<validate-jwt header-name=\"Authorization\" />"),
        ":4, which reads the Authorization header after its <base /> (<validate-jwt>)"
      ),
      (
        operation(inbound: "<set-header name=\"Authorization\" exists-action=\"delete\" />"),
        ":4, which removes the Authorization header after its <base /> (<set-header>)"
      ),
      (
        operation(inbound: "<authentication-basic username=\"u\" password=\"p\" />"),
        ":4, which writes the Authorization header after its <base /> (<authentication-basic>)"
      ),
      (
        operation(
          outbound:
            "\n        <set-header name=\"X-Caller\" exists-action=\"override\"><value>@(context.Request.Headers.GetValueOrDefault(\"Authorization\",\"\"))</value></set-header>"
        ),
        ":8, which reads the Authorization header in <backend>, <outbound> or <on-error> (<value>)"
      ),
      (
        operation(inbound: "<set-backend-service base-url=\"https://other.example.com\" />"),
        ":4, which sends requests to a backend that does not look like the Function App (<set-backend-service>)"
      ),
    ])
  func childIsNamedWithWhatItDoesAndWhere(operation: String, said: String) throws {
    let files = [
      "apis/a/policy.xml": Policies.keyAfterBase("a-func-key") + "\n",
      "apis/a/operations/get/policy.xml": operation,
    ]
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.found.count == 1, "\(result.stderr)")
      let finding = result.found.first ?? ""
      #expect(finding.hasPrefix("apis/a/policy.xml:4:"), "\(finding)")
      #expect(finding.contains(": warning: "), "\(finding)")
      #expect(finding.contains("apis/a/operations/get/policy.xml" + said), "\(finding)")
      expectFile(root, "apis/a/policy.xml", files["apis/a/policy.xml"] ?? "")
    }
  }

  @Test("two children of a Terraform product each say their own effect")
  func twoChildrenEachSayTheirOwnEffect() throws {
    let files = [
      "main.tf": """
      resource "azurerm_api_management_product_policy" "gold" {
        product_id  = "gold"
        xml_content = file("./gold.xml")
      }
      resource "azurerm_api_management_product_api" "a" {
        for_each   = toset(["a", "b"])
        product_id = "gold"
        api_name   = each.key
      }
      resource "azurerm_api_management_api_policy" "a" {
        api_name    = "a"
        xml_content = file("./a.xml")
      }
      resource "azurerm_api_management_api_policy" "b" {
        api_name    = "b"
        xml_content = file("./b.xml")
      }

      """,
      "gold.xml": Policies.keyAfterBase("gold-func-key") + "\n",
      "a.xml": Self.operation(inbound: "<validate-jwt header-name=\"Authorization\" />"),
      "b.xml": Self.operation(inbound: "<set-backend-service base-url=\"https://other.example.com\" />"),
    ]
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      let finding = result.found.first ?? ""
      #expect(finding.contains("of child scopes that would see, strip or overwrite APIM's token"), "\(finding)")
      #expect(finding.contains("a.xml:4, which reads the Authorization header after its <base />"), "\(finding)")
      #expect(finding.contains("b.xml:4, which sends requests to a backend that does not look like"), "\(finding)")
    }
  }
}
