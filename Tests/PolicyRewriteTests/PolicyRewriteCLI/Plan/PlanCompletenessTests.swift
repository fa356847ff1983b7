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

  @Test("the skeleton's entry for a Terraform-referenced key resolves it in a strict migration")
  func terraformReferenceMigratesWithTheNamedValuesEntry() throws {
    try withTemporaryTree(["main.tf": Self.terraform]) { root in
      #expect(run(["plan", "--emit-map", "map.json", "."], cwd: root).status == 0)
      let skeleton = text(try Data(contentsOf: root.appendingPathComponent("map.json")))
      #expect(skeleton.contains("\"orders-func-key\": \"\""), "\(skeleton)")
      let filled = skeleton.replacingOccurrences(
        of: "\"orders-func-key\": \"\"", with: "\"orders-func-key\": \"api://orders\"")
      try Data(filled.utf8).write(to: root.appendingPathComponent("map.json"))
      let result = run(["migrate", "--resource-map", "map.json", "--strict-map", "--write", "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stderr.contains("resources: api://orders: 1 (namedValue 1)"), "\(result.stderr)")
      let migrated = text(try Data(contentsOf: root.appendingPathComponent("main.tf")))
      #expect(migrated.contains("<authentication-managed-identity resource=\"api://orders\" />"), "\(migrated)")
    }
  }

  /// The declaration scanner and the Terraform-name pass read `.tf` case-sensitively while the
  /// walker and the rewriter took `Main.TF` as Terraform: the key fell to no map entry.
  @Test("a key referenced through a named value declared in Main.TF gets that named value's entry")
  func terraformReferenceInAnUpperCaseFileName() throws {
    try withTemporaryTree([
      "infra/Main.TF": Self.terraform, "map.json": #"{"byNamedValue": {"orders-func-key": "api://orders"}}"#,
    ]) { root in
      let result = run(["migrate", "--resource-map", "map.json", "--strict-map", "--write", "infra"], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stderr.contains("resources: api://orders: 1 (namedValue 1)"), "\(result.stderr)")
      let migrated = text(try Data(contentsOf: root.appendingPathComponent("infra/Main.TF")))
      #expect(migrated.contains("<authentication-managed-identity resource=\"api://orders\" />"), "\(migrated)")
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

  @Test("keys sent by backend credentials are listed under keys, and the policies that use the backend are named")
  func backendCredentialKeysAreKeys() throws {
    let configuration = Self.apiopsConfiguration.replacingOccurrences(
      of: "      url: https://orders-func.azurewebsites.net/api\n",
      with: """
              url: https://orders-func.azurewebsites.net/api
              credentials:
                header:
                  x-functions-key:
                    - "{{orders-backend-key}}"

        """)
    let files = [
      "configuration.prod.yaml": configuration,
      "backends/billing-func/backendInformation.json":
        #"{"name": "billing-func", "properties": {"url": "https://billing.azurewebsites.net/api", "credentials": {"header": {"x-functions-key": ["{{billing-func-key}}"]}}}}"#,
      "apis/orders/policy.xml": Policies.clean.replacingOccurrences(
        of: "<rate-limit", with: "<set-backend-service backend-id=\"orders-func\" />\n        <rate-limit"),
    ]
    try withTemporaryTree(files) { root in
      let result = run(["plan", "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      let output = text(result.stdout)
      #expect(!output.contains("no function key injections found"), "\(output)")
      let lines = output.split(separator: "\n").map(String.init)
      let orders = try #require(lines.first { $0.hasPrefix("orders-backend-key ") }, "\(output)")
      #expect(orders.contains("backend orders-func (https://orders-func.azurewebsites.net/api)"), "\(orders)")
      #expect(orders.contains("backend "), "\(orders)")
      let billing = try #require(lines.first { $0.hasPrefix("billing-func-key ") }, "\(output)")
      #expect(billing.contains("backend billing-func (https://billing.azurewebsites.net/api)"), "\(billing)")
      #expect(lines.contains("  configuration.prod.yaml (backend) line 16"), "\(output)")
      #expect(
        output.contains("(policies with backend-id=\"orders-func\": apis/orders/policy.xml) [backend-credentials-key]"),
        "\(output)")
      #expect(
        output.contains("(no scanned policy sets backend-id=\"billing-func\") [backend-credentials-key]"), "\(output)")

      let document = try #require(
        try JSONSerialization.jsonObject(with: run(["plan", "--format", "json", "."], cwd: root).stdout)
          as? [String: Any])
      let keys = try #require(document["keys"] as? [[String: Any]])
      #expect(keys.compactMap { $0["key"] as? String } == ["billing-func-key", "orders-backend-key"])
      #expect(keys.allSatisfy { ($0["scopes"] as? [String]) == ["backend"] }, "\(keys)")

      // The skeleton has an entry for them: their Function Apps need Entra ID applications too.
      #expect(run(["plan", "--emit-map", "map.json", "."], cwd: root).status == 0)
      let skeleton = text(try Data(contentsOf: root.appendingPathComponent("map.json")))
      #expect(skeleton.contains("\"orders-backend-key\": \"\""), "\(skeleton)")
    }
  }
}
