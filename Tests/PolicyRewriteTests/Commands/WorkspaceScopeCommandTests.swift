import Foundation
import Testing

/// A workspace's policy, products, APIs and operations run the service's global policy
/// inside their `<base />` (global → workspace → product → API → operation): a global key
/// above a workspace scope that reads, removes or writes `Authorization` after its `<base />`
/// is held, in an APIOps tree (`workspaces/<w>/…`) and in Terraform
/// (`azurerm_api_management_workspace_policy`). Otherwise the workspace strips or checks
/// APIM's token and every call answers 401.
@Suite struct WorkspaceScopeCommandTests {
  static let key = Policies.keyAfterBase("orders-key") + "\n"
  static let remover = Policies.authorizationDeleter + "\n"
  static let reader = """
    <policies>
        <inbound>
            <base />
            <validate-jwt header-name="Authorization" failed-validation-httpcode="401" />
        </inbound>
    </policies>

    """
  static let base = """
    <policies>
        <inbound>
            <base />
        </inbound>
    </policies>

    """

  @Test("a global key above a workspace operation that validates Authorization is held (401 for every caller)")
  func globalKeyAboveAWorkspaceOperationReaderIsHeld() throws {
    let tree = [
      "policy.xml": Self.key, "workspaces/w/apis/a/policy.xml": Self.base,
      "workspaces/w/apis/a/operations/o/policy.xml": Self.reader,
    ]
    try withTemporaryTree(tree) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.stderr.contains("policy.xml:4:9: warning:"), "\(result.stderr)")
      #expect(result.stderr.contains("workspaces/w/apis/a/operations/o/policy.xml"), "\(result.stderr)")
      #expect(result.stderr.contains("[authorization-child-scope]"), "\(result.stderr)")
      #expect(CLI.read(root, "policy.xml") == Array(Self.key.utf8))
    }
  }

  @Test("a global key above a workspace policy that deletes Authorization is held (token stripped, 401)")
  func globalKeyAboveAWorkspacePolicyRemoverIsHeld() throws {
    try withTemporaryTree(["policy.xml": Self.key, "workspaces/w/policy.xml": Self.remover]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.stderr.contains("[authorization-child-scope]"), "\(result.stderr)")
      #expect(result.stderr.contains("workspaces/w/policy.xml"), "\(result.stderr)")
      #expect(!result.stderr.contains("[scope-unknown]"), "\(result.stderr)")
      #expect(CLI.read(root, "policy.xml") == Array(Self.key.utf8))
    }
  }

  @Test("a workspace policy's key below a global policy that deletes Authorization after its key is held")
  func workspaceKeyBeforeBaseBelowAGlobalRemoverIsHeld() throws {
    let child = """
      <policies>
          <inbound>
              <choose><when condition="@(true)"><set-header name="x-functions-key"><value>{{orders-key}}</value></set-header></when></choose>
              <base />
          </inbound>
      </policies>

      """
    try withTemporaryTree(["policy.xml": Self.remover, "workspaces/w/policy.xml": child]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.stderr.contains("[authorization-parent-scope]"), "\(result.stderr)")
      #expect(CLI.read(root, "workspaces/w/policy.xml") == Array(child.utf8))
    }
  }

  @Test("a Terraform global key above a workspace policy that deletes Authorization is held (401)")
  func terraformGlobalKeyAboveAWorkspacePolicyRemoverIsHeld() throws {
    let main = """
      resource "azurerm_api_management_policy" "global" {
        api_management_id = azurerm_api_management.apim.id
        xml_content       = <<XML
      \(Self.key)XML
      }

      resource "azurerm_api_management_workspace_policy" "w" {
        api_management_workspace_id = azurerm_api_management_workspace.w.id
        xml_content                 = <<XML
      \(Self.remover)XML
      }

      """
    try withTemporaryTree(["main.tf": main]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.stderr.contains("[authorization-child-scope]"), "\(result.stderr)")
      #expect(CLI.read(root, "main.tf") == Array(main.utf8))
    }
  }

  @Test("a global policy given alone names the workspace scopes beside it that the run did not read")
  func globalPolicyAloneNamesUnscannedWorkspaceScopes() throws {
    let tree = [
      "policy.xml": Self.key, "workspaces/w/policy.xml": Self.base,
      "workspaces/w/apis/a/operations/o/policy.xml": Self.reader,
    ]
    try withTemporaryTree(tree) { root in
      let result = run(["migrate", "--resource", CLI.resource, "policy.xml"], cwd: root)
      #expect(result.stderr.contains("[child-scopes-not-scanned]"), "\(result.stderr)")
      #expect(result.stderr.contains("workspaces/w/policy.xml"), "\(result.stderr)")
      #expect(result.stderr.contains("workspaces/w/apis/a/operations/o/policy.xml"), "\(result.stderr)")
    }
  }

  @Test("a workspace API given alone names the service's global policy as an unscanned parent")
  func workspaceAPIAloneNamesTheServiceGlobalPolicy() throws {
    try withTemporaryTree(["policy.xml": Self.reader, "workspaces/w/apis/a/policy.xml": Self.key]) { root in
      let result = run(["migrate", "--resource", CLI.resource, "workspaces/w/apis/a/policy.xml"], cwd: root)
      #expect(result.stderr.contains("[parent-scopes-not-scanned]"), "\(result.stderr)")
      #expect(result.stderr.contains("(policy.xml)"), "\(result.stderr)")
    }
  }

  @Test("a workspace API's key in a tree without a global reader is still rewritten")
  func workspaceAPIKeyWithoutReadersIsRewritten() throws {
    try withTemporaryTree(["policy.xml": Self.base, "workspaces/w/apis/a/policy.xml": Self.key]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(CLI.read(root, "workspaces/w/apis/a/policy.xml") != Array(Self.key.utf8))
    }
  }
}
