import Foundation
import Testing

/// The global `policy.xml` of an APIOps tree named through its folder (`migrate repo`, not
/// `migrate .` inside it) is the tree's global scope, not a policy of unknown scope: `--strict`
/// must not fail a valid tree.
@Suite struct RootPolicyScopeCommandTests {
  static let global = """
    <policies>
        <inbound>
            <set-header name="x-functions-key" exists-action="override"><value>{{global-func-key}}</value></set-header>
        </inbound>
    </policies>
    """

  static let api = Policies.rateLimited

  @Test("--strict on a valid APIOps tree named by its folder does not call its global policy unknown")
  func strictRunOnATreeFolderKnowsItsGlobalPolicy() throws {
    try withTemporaryTree(["repo/policy.xml": Self.global, "repo/apis/a/policy.xml": Self.api]) { root in
      let result = run(["migrate", "--strict", "--resource", CLI.resource, "repo"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(!result.stderr.contains("[scope-unknown]"), "stderr: \(result.stderr)")
    }
  }

  @Test(
    "--strict on a tree of workspaces only, named by its folder, knows its global policy",
    arguments: ["repo/workspaces/w/apis/a/policy.xml", "repo/workspaces/w/policy.xml"])
  func strictRunOnAWorkspaceTreeKnowsItsGlobalPolicy(child: String) throws {
    try withTemporaryTree(["repo/policy.xml": Self.global, child: Self.api]) { root in
      let result = run(["migrate", "--strict", "--resource", CLI.resource, "repo"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(!result.stderr.contains("[scope-unknown]"), "stderr: \(result.stderr)")
    }
  }

  @Test("a policy.xml with no APIOps folder beside it is still of unknown scope")
  func lonePolicyFileKeepsItsUnknownScope() throws {
    try withTemporaryTree(["repo/policy.xml": Self.global, "other/apis/a/policy.xml": Self.api]) { root in
      let result = run(["migrate", "--resource", CLI.resource, "repo", "other"], cwd: root)
      #expect(result.stderr.contains("repo/policy.xml:1:1: warning:"), "stderr: \(result.stderr)")
      #expect(result.stderr.contains("[scope-unknown]"), "stderr: \(result.stderr)")
    }
  }
}
