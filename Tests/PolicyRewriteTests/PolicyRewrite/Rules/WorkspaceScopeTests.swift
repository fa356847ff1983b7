import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// workspace-scope: a workspace policy gets a note (`rewrite-spec.md` §2c, item 16).
@Suite struct WorkspaceScopeTests {
  @Test func aWorkspaceScopePolicyGetsANoteThatTheReferenceListsNoWorkspaceScope() throws {
    let input = AuthorizationRoundTwoTests.policy(AuthorizationRoundTwoTests.key)
    let result = try rewrite(input, path: "workspaces/team-a/apis/orders/policy.xml")
    #expect(result.changed)
    #expect(rules(result.findings) == [.workspaceScope], "\(result.findings)")
    let terraform = MarkedPolicy(
      """
      resource "azurerm_api_management_workspace_policy" "team" {
        xml_content = <<XML
      \(AuthorizationRoundTwoTests.policy("/*key*/" + AuthorizationRoundTwoTests.key))XML
      }

      """)
    let embedded = try rewrite(terraform.text, path: "infra/workspace.tf")
    #expect(embedded.changed)
    #expect(rules(embedded.findings) == [.workspaceScope], "\(embedded.findings)")
    #expect(embedded.findings.first?.place == terraform["key"], "\(embedded.findings)")
    #expect(try rewrite(input).findings.isEmpty)
  }
}
