import Foundation
import Testing

@testable import PolicyRewrite

/// `check`, `migrate` and `plan` on Bicep, Terraform and ARM files whose policy an expression
/// builds with the key in its arguments (the gate passed with the key still deployed), and on
/// Bicep and ARM files cut short (migrated, or only warned about, instead of refused).
@Suite struct ContainerInputCommandTests {
  static let policyWithPlaceholders = """
    <policies>
        <inbound>
            <base />
            <set-header name="__HDR__" exists-action="override">
                <value>__NV__</value>
            </set-header>
        </inbound>
    </policies>

    """

  @Test("check failed no file whose replace() put the key header into a loaded policy: no string held markup")
  func checkPassedReplaceBuiltPolicies() throws {
    let tree = [
      "bicep/policy.xml": Self.policyWithPlaceholders,
      "bicep/main.bicep": """
      resource p 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
        name: 'apim/a/policy'
        properties: {
          format: 'rawxml'
          value: replace(replace(loadTextContent('policy.xml'), '__HDR__', 'x-functions-key'), '__NV__', '{{f-key}}')
        }
      }

      """,
      "tf/policy.xml": Self.policyWithPlaceholders,
      "tf/main.tf": """
      resource "azurerm_api_management_api_policy" "a" {
        api_name    = "a"
        xml_content = replace(replace(file("${path.module}/policy.xml"), "__HDR__", "x-functions-key"), "__NV__", "{{f-key}}")
      }

      """,
    ]
    for folder in ["bicep", "tf"] {
      try withTemporaryTree(tree) { root in
        let outcome = run(["check", folder], cwd: root)
        #expect(outcome.status == 1, "\(folder): \(outcome.stderr)")
        let file = folder == "bicep" ? "bicep/main.bicep:5:71:" : "tf/main.tf:3:80:"
        #expect(
          outcome.stderr.contains(file) && outcome.stderr.contains("[undecodable-embedded-policy]"), "\(outcome.stderr)"
        )
        let migrated = run(["migrate", "--resource", CLI.resource, "--write", folder], cwd: root)
        #expect(migrated.status == 0 && migrated.stderr.contains("needs review"), "\(migrated.stderr)")
        #expect(CLI.snapshot(root) == tree.mapValues { Array($0.utf8) })
      }
    }
  }

  @Test(
    "a Bicep ''' string never closed, or an ARM template cut short, is a parse error with exit 2 and the file untouched",
    arguments: [
      (
        "main.bicep",
        "resource p 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {\n  name: 'apim/a/policy'\n"
          + "  properties: {\n    value: '''\n<policies>\n    <inbound>\n        <base />\n"
          + "        <set-header name=\"x-functions-key\"><value>{{k}}</value></set-header>\n"
          + "    </inbound>\n</policies>\n",
        "main.bicep:4:12:"
      ),
      (
        "t.json",
        "{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n"
          + "  \"resources\": [\n    {\n      \"type\": \"Microsoft.ApiManagement/service/apis/policies\",\n"
          + "      \"properties\": { \"format\": \"rawxml\", \"value\": \"<policies>\\n    <inbound>\\n        <base />\\n"
          + "        <set-header name=\\\"x-functions-key\\\" exists-action=\\\"override\\\">\\n   ",
        "t.json:6:52:"
      ),
    ])
  func cutFilesWereMigratedOrOnlyWarned(name: String, source: String, place: String) throws {
    try withTemporaryTree([name: source]) { root in
      for command in [["check"], ["plan"], ["migrate", "--resource", CLI.resource, "--write"]] {
        let outcome = run(command + ["."], cwd: root)
        #expect(outcome.status == 2, "\(command): \(outcome.stderr)")
        let output = outcome.stderr + String(decoding: outcome.stdout, as: UTF8.self)
        #expect(output.contains(place) && output.contains("[parse-error]"), "\(command): \(output)")
      }
      #expect(CLI.read(root, name) == Array(source.utf8))
    }
  }
}
