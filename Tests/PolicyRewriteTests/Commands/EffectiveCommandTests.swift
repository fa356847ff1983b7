import Foundation
import Testing

/// End-to-end: `effective` composes an operation's pipeline from every scope and fragment.
@Suite struct EffectiveCommandTests {
  static let tree = [
    "apim/policy.xml":
      "<policies>\n  <inbound>\n    <cors />\n  </inbound>\n  <backend>\n    <forward-request />\n  </backend>\n</policies>\n",
    "apim/products/gold/policy.xml":
      "<policies>\n  <inbound>\n    <base />\n    <rate-limit calls=\"10\" renewal-period=\"60\" />\n  </inbound>\n</policies>\n",
    "apim/products/gold/apis.json": #"["orders"]"#,
    "apim/apis/orders/apiPolicy.xml":
      "<policies>\n  <inbound>\n    <base />\n    <include-fragment fragment-id=\"jwt\" />\n  </inbound>\n</policies>\n",
    "apim/apis/orders/operations/get/policy.xml":
      "<policies>\n  <inbound>\n    <set-variable name=\"x\" value=\"1\" />\n    <base />\n  </inbound>\n</policies>\n",
    "apim/policy fragments/jwt/policy.xml":
      "<fragment>\n  <validate-jwt header-name=\"Authorization\" />\n</fragment>\n",
  ]

  @Test("APIOps: base replaced by the parent's section, fragments inlined, each element with its origin")
  func apiopsOperation() throws {
    try withTemporaryTree(Self.tree) { root in
      let result = run(["effective", "--api", "orders", "--operation", "get", "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(
        text(result.stdout) == """
          <policies>
            <inbound>
              <!-- apim/apis/orders/operations/get/policy.xml:3 -->
              <set-variable name="x" value="1" />
              <!-- apim/policy.xml:3 -->
              <cors />
              <!-- apim/products/gold/policy.xml:4 -->
              <rate-limit calls="10" renewal-period="60" />
              <!-- apim/policy fragments/jwt/policy.xml:2 -->
              <validate-jwt header-name="Authorization" />
            </inbound>
            <backend>
              <!-- apim/policy.xml:6 -->
              <forward-request />
            </backend>
            <outbound>
            </outbound>
            <on-error>
            </on-error>
          </policies>

          """)
      let json = run(["effective", "--api", "orders", "--operation", "get", "--format", "json", "."], cwd: root)
      let document = try #require(JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
      let elements = document["elements"] as? [[String: Any]] ?? []
      #expect(
        elements.map { $0["name"] as? String ?? "" } == [
          "set-variable", "cors", "rate-limit", "validate-jwt", "forward-request",
        ])
      #expect(elements.map { $0["depth"] as? Int ?? -1 } == [0, 3, 2, 2, 3])
      #expect(elements.map { $0["section"] as? String ?? "" }.last == "backend")
    }
  }

  @Test("Terraform: an inline operation policy keeps its file and line; an API in two products is stated at the top")
  func terraformAmbiguityIsStated() throws {
    let files = [
      "main.tf": """
      resource "azurerm_api_management_product_api" "a" {
        product_id = "gold"
        api_name   = "orders"
      }
      resource "azurerm_api_management_product_api" "b" {
        product_id = "silver"
        api_name   = "orders"
      }
      resource "azurerm_api_management_api_operation_policy" "get" {
        api_name     = "orders"
        operation_id = "get"
        xml_content  = <<XML
      <policies>
        <inbound>
          <check-header name="x-tenant" failed-check-httpcode="400" failed-check-error-message="no" />
        </inbound>
      </policies>
      XML
      }

      """
    ]
    try withTemporaryTree(files) { root in
      let result = run(["effective", "--api", "orders", "--operation", "get", "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let output = text(result.stdout)
      #expect(output.hasPrefix("<!-- note: API orders is in 2 products (gold, silver)"), "\(output)")
      #expect(output.contains("<!-- main.tf:15 -->\n    <check-header"), "\(output)")
    }
  }

  @Test("APIOps: a product without apis.json may apply to the API: its unknown membership is stated at the top")
  func productWithoutMembershipIsStated() throws {
    let files = [
      "products/p/policy.xml":
        "<policies>\n  <inbound>\n    <base />\n    <check-header name=\"Authorization\" failed-check-httpcode=\"401\" failed-check-error-message=\"no\" />\n  </inbound>\n</policies>\n",
      "apis/a/policy.xml": "<policies>\n  <inbound>\n    <base />\n  </inbound>\n</policies>\n",
    ]
    try withTemporaryTree(files) { root in
      let plain = run(["effective", "--api", "a", "."], cwd: root)
      #expect(plain.status == 0, "stderr: \(plain.stderr)")
      let output = text(plain.stdout)
      #expect(output.hasPrefix("<!-- note: product p has a policy but no known APIs"), "\(output)")
      #expect(output.contains("may run for API a too"), "\(output)")
      let json = run(["effective", "--api", "a", "--format", "json", "."], cwd: root)
      #expect(json.status == 0, "stderr: \(json.stderr)")
      let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any])
      let notes = try #require(object["notes"] as? [String])
      #expect(notes.contains { $0.hasPrefix("product p has a policy but no known APIs") }, "\(notes)")
      // Named with --product, it is composed and nothing is left to say about it.
      let named = run(["effective", "--api", "a", "--product", "p", "."], cwd: root)
      #expect(!text(named.stdout).contains("no known APIs"), "\(text(named.stdout))")
      #expect(text(named.stdout).contains("<check-header"), "\(text(named.stdout))")
    }
  }
}
