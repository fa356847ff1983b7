import Foundation
import Testing

/// End-to-end: a header name that a Terraform or Bicep template fills in (`${…}`, `%{…}`) may
/// be `Authorization` once deployed, so `validate-jwt`, `validate-azure-ad-token` and
/// `check-header` that read it are possible readers (`rewrite-spec.md` §2a), in the file and
/// across scopes, as a `{{named-value}}` or `@(…)` name is.
@Suite struct TemplateHeaderNameReaderCommandTests {
  static let keyLine =
    #"<set-header name="x-functions-key" exists-action="override"><value>{{a-func-key}}</value></set-header>"#

  /// `migrate --write` on `root`: the status, stderr and the findings of `rule`.
  static func migrate(_ root: URL, rule: String) -> (status: Int32, stderr: String, found: [String]) {
    CLI.migrate(root, rule: rule)
  }

  static func text(_ root: URL, _ path: String) -> String {
    String(decoding: CLI.read(root, path) ?? [], as: UTF8.self)
  }

  /// The offset of `needle` in `text`, or `nil`.
  static func offset(of needle: String, in text: String) -> Int? {
    text.range(of: needle).map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) }
  }

  @Test("Terraform .tftpl: validate-jwt header-name=\"${hdr}\" after the key keeps the caller's token (no 401)")
  func templatedValidateJwtHeaderNameIsAPossibleReaderSoTheMIElementFollowsIt() throws {
    let template = """
      <policies>
          <inbound>
              <base />
              \(Self.keyLine)
              <validate-jwt header-name="${hdr}"><openid-config url="https://x" /></validate-jwt>
          </inbound>
      </policies>

      """
    let main = """
      resource "azurerm_api_management_api_policy" "a" {
        api_name    = "a"
        xml_content = templatefile("${path.module}/api.tftpl", { hdr = "Authorization" })
      }

      """
    try withTemporaryTree(["main.tf": main, "api.tftpl": template]) { root in
      let result = Self.migrate(root, rule: "authorization-possible-reader")
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(result.found.count == 1, "stderr: \(result.stderr)")
      let written = Self.text(root, "api.tftpl")
      #expect(!written.contains("x-functions-key"), "\(written)")
      let mi = Self.offset(of: "<authentication-managed-identity", in: written)
      let reader = Self.offset(of: "</validate-jwt>", in: written)
      #expect(mi != nil && reader != nil && mi! > reader!, "the MI element must follow the reader:\n\(written)")
    }
  }

  @Test("Bicep: check-header name=\"${authHeader}\" after the key keeps the caller's token (no 401)")
  func bicepInterpolatedCheckHeaderNameIsAPossibleReaderSoTheMIElementFollowsIt() throws {
    let main = #"""
      param authHeader string = 'Authorization'
      resource p 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {
        name: 'apim/a/policy'
        properties: {
          value: '<policies>\n  <inbound>\n    <base />\n    <set-header name="x-functions-key" exists-action="override"><value>{{a-func-key}}</value></set-header>\n    <check-header name="${authHeader}" failed-check-httpcode="401" failed-check-error-message="x" ignore-case="true" />\n  </inbound>\n</policies>'
        }
      }

      """#
    try withTemporaryTree(["main.bicep": main]) { root in
      let result = Self.migrate(root, rule: "authorization-possible-reader")
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(result.found.count == 1, "stderr: \(result.stderr)")
      let written = Self.text(root, "main.bicep")
      #expect(!written.contains("x-functions-key"), "\(written)")
      let mi = Self.offset(of: "<authentication-managed-identity", in: written)
      let reader = Self.offset(of: "<check-header", in: written)
      #expect(mi != nil && reader != nil && mi! > reader!, "the MI element must follow the reader:\n\(written)")
    }
  }

  @Test("Terraform .tftpl: set-header name=\"${hdr}\" exists-action=\"delete\" after the key cannot strip APIM's token")
  func templatedDeletedHeaderNameIsAPossibleRemoverSoTheMIElementFollowsIt() throws {
    let template = """
      <policies>
          <inbound>
              <base />
              \(Self.keyLine)
              <set-header name="${hdr}" exists-action="delete" />
          </inbound>
      </policies>

      """
    let expected = """
      <policies>
          <inbound>
              <base />
              <set-header name="${hdr}" exists-action="delete" />
              <authentication-managed-identity resource="\(CLI.resource)" />
          </inbound>
      </policies>

      """
    try withTemporaryTree(["api.tftpl": template]) { root in
      let result = Self.migrate(root, rule: "authorization-possible-reader")
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "api.tftpl", expected)
    }
  }

  static let parentTerraform = """
    resource "azurerm_api_management_api_policy" "a" {
      api_name    = "a"
      xml_content = <<XML
    <policies>
        <inbound>
            <base />
            \(keyLine)
        </inbound>
    </policies>
    XML
    }
    resource "azurerm_api_management_api_operation_policy" "o" {
      api_name     = "a"
      operation_id = "o"
      xml_content  = templatefile("${path.module}/op.tftpl", { hdr = "Authorization" })
    }

    """

  @Test(
    "Across scopes: an operation .tftpl with validate-jwt header-name=\"${hdr}\" after <base /> holds the API's key")
  func childTemplatedValidateJwtHeaderNameHoldsTheParentKeySinceMIWouldReplaceTheCallersToken() throws {
    let operation = """
      <policies>
          <inbound>
              <base />
              <validate-jwt header-name="${hdr}"><openid-config url="https://x" /></validate-jwt>
              %{ for h in ["a"] }<set-header name="x-${h}" exists-action="delete" />%{ endfor }
          </inbound>
      </policies>

      """
    try withTemporaryTree(["main.tf": Self.parentTerraform, "op.tftpl": operation]) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(result.found.count == 1, "stderr: \(result.stderr)")
      expectFile(root, "main.tf", Self.parentTerraform)
      expectFile(root, "op.tftpl", operation)
    }
  }

  @Test("Across scopes: templated header names that cannot be Authorization, or not read, leave the key rewritable")
  func childTemplatedHeaderNamesOutsideReaderPositionsDoNotHoldTheParentKey() throws {
    let operation = """
      <policies>
          <inbound>
              <base />
              <set-header name="${hdr}" exists-action="override"><value>x</value></set-header>
              <validate-jwt header-name="X-${env}-Token"><openid-config url="https://x" /></validate-jwt>
              %{ for h in ["a"] }<set-header name="x-${h}" exists-action="delete" />%{ endfor }
          </inbound>
      </policies>

      """
    try withTemporaryTree(["main.tf": Self.parentTerraform, "op.tftpl": operation]) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(result.found.isEmpty, "stderr: \(result.stderr)")
      let written = Self.text(root, "main.tf")
      #expect(
        !written.contains("x-functions-key") && written.contains("<authentication-managed-identity"), "\(written)")
    }
  }
}
