import Foundation
import Testing

/// A run that sees only a child scope of an APIOps tree says which parent scopes on disk it did
/// not read (`parent-scopes-not-scanned`): a global policy that logs `Authorization` in its
/// `<outbound>` would log APIM's token once the API's key is migrated, and a run on the API's
/// file alone (a pre-commit hook given the changed files) cannot know.
@Suite struct UnscannedParentScopesCommandTests {
  static let global = """
    <policies>
        <inbound><base /></inbound>
        <outbound>
            <base />
            <log-to-eventhub logger-id="l">@(context.Request.Headers.GetValueOrDefault("Authorization",""))</log-to-eventhub>
        </outbound>
    </policies>

    """
  static let api = Policies.keyAfterBase("a-func-key") + "\n"
  static let plain = "<policies>\n    <inbound><base /></inbound>\n</policies>\n"

  /// The `parent-scopes-not-scanned` lines of `stderr`.
  static func warnings(_ stderr: String) -> [Substring] {
    stderr.split(separator: "\n").filter { $0.hasSuffix("[parent-scopes-not-scanned]") }
  }

  @Test("one API file migrated alone warns that the global policy, which logs the token, was not read")
  func singleFileRunCouldNotSeeTheGlobalLogger() throws {
    try withTemporaryTree(["policy.xml": Self.global, "apis/a/policy.xml": Self.api]) { root in
      let result = run(["migrate", "--resource", CLI.resource, "apis/a/policy.xml"], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      let warnings = Self.warnings(result.stderr)
      #expect(warnings.count == 1, "\(result.stderr)")
      #expect(warnings.first?.hasPrefix("apis/a/policy.xml:1:1: warning: parent scopes") == true, "\(warnings)")
      #expect(warnings.first?.contains("(policy.xml)") == true, "\(warnings)")
    }
  }

  @Test("with --strict the unseen parent is an error and nothing is written")
  func strictSingleFileRunWritesNothing() throws {
    try withTemporaryTree(["policy.xml": Self.global, "apis/a/policy.xml": Self.api]) { root in
      let result = run(["migrate", "--strict", "--write", "--resource", CLI.resource, "apis/a/policy.xml"], cwd: root)
      #expect(result.status == 2, "\(result.stderr)")
      #expect(CLI.read(root, "apis/a/policy.xml") == Array(Self.api.utf8))
    }
  }

  @Test("an operation alone names its API, the global policy and the products that may hold its API")
  func operationAloneNamesEveryUnseenParent() throws {
    let files = [
      "policy.xml": Self.plain, "apis/a/policy.xml": Self.plain, "apis/a/operations/o/policy.xml": Self.api,
      "products/holding/policy.xml": Self.plain, "products/holding/apis.json": #"[{"name":"a"}]"#,
      "products/unlisted/policy.xml": Self.plain, "products/other/policy.xml": Self.plain,
      "products/other/apis.json": #"["b"]"#,
    ]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--resource", CLI.resource, "apis/a/operations/o"], cwd: root)
      let warnings = Self.warnings(result.stderr)
      #expect(warnings.count == 1, "\(result.stderr)")
      let expected =
        "(apis/a/policy.xml, policy.xml, products/holding/policy.xml, products/unlisted/policy.xml)"
      #expect(warnings.first?.contains(expected) == true, "\(warnings)")
    }
  }

  @Test("the whole tree: the global policy is read, the API's key is held, and nothing is unseen")
  func folderRunSeesTheGlobalPolicy() throws {
    try withTemporaryTree(["policy.xml": Self.global, "apis/a/policy.xml": Self.api]) { root in
      let result = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(Self.warnings(result.stderr).isEmpty, "\(result.stderr)")
      #expect(result.stderr.contains("[authorization-parent-scope]"), "\(result.stderr)")
    }
  }
}
