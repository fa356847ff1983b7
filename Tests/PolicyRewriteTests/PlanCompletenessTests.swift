import Foundation
import Testing

/// What `plan` lists for the identity team: keys referenced through Terraform, APIOps named
/// values left over, and the Markdown plan as complete as the text one; through the binary.
@Suite struct PlanCompletenessTests {
  static let terraform = """
    resource "azurerm_api_management_named_value" "orders_key" {
      name         = "orders-func-key"
      display_name = "orders-func-key"
      secret       = true
    }

    resource "azurerm_api_management_api_policy" "orders" {
      api_name    = "orders"
      xml_content = <<XML
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key" exists-action="override">
                <value>{{${azurerm_api_management_named_value.orders_key.name}}}</value>
            </set-header>
        </inbound>
    </policies>
    XML
    }

    """

  static let apiopsConfiguration = """
    apimServiceName: apim-prod
    namedValues:
      - name: stale-func-key
        properties:
          displayName: stale-func-key
          value: "not a real key"
      - name: plain-setting
        properties:
          displayName: plain-setting
    backends:
      - name: orders-func
        properties:
          url: https://orders-func.azurewebsites.net/api

    """

  @Test("a key referenced as ${azurerm_api_management_named_value.X.name} is listed under the named value's name")
  func terraformReferenceResolvesToTheName() throws {
    try withTemporaryTree(["main.tf": Self.terraform]) { root in
      let result = run(["plan", "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      let lines = text(result.stdout).split(separator: "\n").map(String.init)
      #expect(lines.contains { $0.hasPrefix("orders-func-key ") }, "\(lines)")
      #expect(lines.contains("  declared: azurerm_api_management_named_value.orders_key at main.tf:1"), "\(lines)")
      #expect(!text(result.stdout).contains("${azurerm"), "\(lines)")
    }
  }

  @Test("an APIOps named value declared in configuration.<env>.yaml and used nowhere is unreferenced")
  func apiopsConfigurationNamedValueUnreferenced() throws {
    try withTemporaryTree(["configuration.prod.yaml": Self.apiopsConfiguration, "apis/a/policy.xml": Policies.clean]) {
      root in
      let result = run(["plan", "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      let output = text(result.stdout)
      #expect(output.contains("  stale-func-key [configuration.prod.yaml:3]"), "\(output)")
      #expect(!output.contains("plain-setting"), "only names that look like function keys: \(output)")
    }
  }

  @Test("--format markdown has the per-file lines and declarations of the text plan")
  func markdownHasFilesAndDeclarations() throws {
    try withTemporaryTree(PlanTests.tree) { root in
      let result = run(["plan", "--format", "markdown", "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      let markdown = text(result.stdout)
      #expect(markdown.contains("### Files and declarations"), "\(markdown)")
      #expect(markdown.contains("- orders-func-key\n  - apis/orders/policy.xml (api) line 5\n"), "\(markdown)")
      #expect(
        markdown.contains(
          "  - declared: azurerm\\_api\\_management\\_named\\_value.orders at infra/named-values.tf:5"), "\(markdown)")
    }
  }
}
