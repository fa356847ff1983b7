import Foundation
import Testing

/// End-to-end: `unresolved-fragment` and `scope-unknown` stood at `FILE:1:1`, with the line of
/// the include or the declaration only in the message, so GitHub annotations and SARIF
/// pointed at the top of the file (pagopa/io-wallet `apim_apis.tf:1:1` for includes at lines
/// 412 and 479). They now stand at the include's or declaration's line and column.
@Suite struct GraphGapLocationCommandTests {
  static let apiPolicy = """
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key" exists-action="override">
                <value>{{a-func-key}}</value>
            </set-header>
            <include-fragment fragment-id="audit" />
            <include-fragment fragment-id="missing" />
        </inbound>
    </policies>

    """

  static let declaration = """
    variable "api_name" {}

    resource "azurerm_api_management_api_policy" "orders" {
      api_name            = var.api_name
      api_management_name = "apim"
      resource_group_name = "rg"
      xml_content         = <<XML
    <policies>
      <inbound>
        <base />
        <set-header name="x-functions-key" exists-action="override">
          <value>{{orders-func-key}}</value>
        </set-header>
      </inbound>
    </policies>
    XML
    }

    """

  @Test("unresolved-fragment stood at 1:1: now at the first unresolved include-fragment, in text and GitHub output")
  func unresolvedFragmentStandsAtTheInclude() throws {
    let files = [
      "apis/orders/policy.xml": Self.apiPolicy,
      "policy fragments/audit/policy.xml":
        "<fragment>\n    <trace source=\"a\"><message>x</message></trace>\n</fragment>\n",
    ]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      let found = findingLines(result.stderr).filter { $0.hasSuffix("[unresolved-fragment]") }
      // The file's warning at the include; the key before it is held at its own line.
      #expect(found.count == 2, "stderr: \(result.stderr)")
      #expect(
        found.filter { $0.hasPrefix("apis/orders/policy.xml:8:9: warning: includes a fragment") }.count == 1, "\(found)"
      )
      #expect(
        found.filter { $0.hasPrefix("apis/orders/policy.xml:4:9: warning: the key injection") }.count == 1, "\(found)")
      let github = run(["migrate", "--resource", CLI.resource, "--format", "github", "."], cwd: root)
      let text = String(decoding: github.stdout, as: UTF8.self)
      #expect(
        text.contains("file=apis/orders/policy.xml,line=8,col=9,title=policy-rewrite unresolved-fragment"), "\(text)")
    }
  }

  @Test("scope-unknown of an unresolved declaration stood at 1:1: now at the declaration's line")
  func unresolvedDeclarationStandsAtItsLine() throws {
    try withTemporaryTree(["main.tf": Self.declaration]) { root in
      let result = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      let found = findingLines(result.stderr).filter { $0.hasSuffix("[scope-unknown]") }
      #expect(found.count == 1, "stderr: \(result.stderr)")
      #expect(found.first?.hasPrefix("main.tf:3:1: warning:") == true, "\(found)")
    }
  }
}
