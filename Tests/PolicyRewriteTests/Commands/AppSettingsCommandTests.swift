import Foundation
import Testing

/// End-to-end: a Function App's app settings that name the key header in an expression
/// (`jsonencode([{ header_key_name = "X-Functions-Key" }])`, pagopa/io-infra) build no policy.
/// They were reported as a policy that an expression builds, so `check` failed CI on a
/// repository with no key left in any policy, until someone suppressed it.
@Suite struct AppSettingsCommandTests {
  @Test("check passes a Terraform tree whose only key header name is in app settings (CI failed for good)")
  func appSettingsJsonencodeNoLongerFailsCheck() throws {
    let policy = """
      <policies>
          <inbound>
              <base />
              <authentication-managed-identity resource="api://orders" />
          </inbound>
      </policies>

      """
    let files = [
      "app_settings.tf": ExpressionBuiltPolicyTests.terraformAppSettings,
      "apim/policy.xml": policy,
    ]
    try withTemporaryTree(files) { root in
      let checked = run(["check", "."], cwd: root)
      #expect(checked.status == 0, "stderr: \(checked.stderr)")
      #expect(!checked.stderr.contains("undecodable-embedded-policy"), "stderr: \(checked.stderr)")
      let planned = run(["migrate", "--resource", "api://orders", "."], cwd: root)
      #expect(planned.status == 0, "stderr: \(planned.stderr)")
      #expect(!planned.stderr.contains("app_settings.tf"), "stderr: \(planned.stderr)")
    }
  }

  @Test("check still fails a Terraform policy that replace() fills with the key header")
  func policyBuiltByReplaceStillFailsCheck() throws {
    let main = """
      resource "azurerm_api_management_api_policy" "a" {
        api_name    = "a"
        xml_content = replace(file("${path.module}/policy.xml"), "__HDR__", "x-functions-key")
      }

      """
    try withTemporaryTree(["main.tf": main, "policy.xml": "<policies><inbound><base /></inbound></policies>\n"]) {
      root in
      let checked = run(["check", "."], cwd: root)
      #expect(checked.status == 1, "stderr: \(checked.stderr)")
      #expect(checked.stderr.contains("main.tf:3:"), "stderr: \(checked.stderr)")
      #expect(checked.stderr.contains("undecodable-embedded-policy"), "stderr: \(checked.stderr)")
    }
  }
}
