import Foundation
import Testing

/// A run that starts inside an APIOps tree (`cd apis/orders && policy-rewrite migrate .`) places
/// each file as a run from the tree's root that names the same folder does: the API's
/// `policy.xml` is the API's policy, not the global one, and the parents and children on disk
/// that the run does not read are named (`parent-scopes-not-scanned`,
/// `child-scopes-not-scanned`). A folder is taken for a tree only on evidence; without it, a file
/// whose scope depends on that is of unknown scope (`scope-unknown`).
@Suite struct RunInsideAPIOpsTreeCommandTests {
  /// A global policy that validates the caller's JWT in `Authorization`.
  static let globalJWT = """
    <policies>
        <inbound>
            <validate-jwt header-name="Authorization" failed-validation-httpcode="401">
                <openid-config url="https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration" />
            </validate-jwt>
        </inbound>
        <backend>
            <forward-request />
        </backend>
    </policies>

    """
  /// An API policy whose key injection is nested before its `<base />`: in place, the MI element
  /// would run before the global policy's `validate-jwt`.
  static let nestedKeyBeforeBase = """
    <policies>
        <inbound>
            <choose>
                <when condition="@(context.Request.Method == &quot;GET&quot;)">
                    <set-header name="x-functions-key" exists-action="override">
                        <value>{{orders-func-key}}</value>
                    </set-header>
                </when>
            </choose>
            <base />
        </inbound>
    </policies>

    """
  static let keyAfterBase = Policies.keyAfterBase("gold-func-key") + "\n"
  /// An operation that deletes `Authorization` after its `<base />`.
  static let removesAuthorization = """
    <policies>
        <inbound>
            <base />
            <set-header name="Authorization" exists-action="delete" />
        </inbound>
    </policies>

    """

  static func lines(_ stderr: String, _ rule: String) -> [Substring] {
    stderr.split(separator: "\n").filter { $0.hasSuffix("[\(rule)]") }
  }

  @Test(
    "from inside the API's folder, the API policy is not the global one: the unseen global validate-jwt stops --strict")
  func apiFolderRunWouldRunTheTokenBeforeTheGlobalJWTCheck() throws {
    let files = ["policy.xml": Self.globalJWT, "apis/orders/policy.xml": Self.nestedKeyBeforeBase]
    try withTemporaryTree(files) { root in
      let folder = root.appendingPathComponent("apis/orders")
      let result = run(["migrate", "--strict", "--write", "--resource", CLI.resource, "."], cwd: folder)
      #expect(result.status == 2, "\(result.stderr)")
      let warnings = Self.lines(result.stderr, "parent-scopes-not-scanned")
      #expect(warnings.count == 1, "\(result.stderr)")
      // The file is shown from the working directory; the unseen parent by its path from there.
      #expect(warnings.first?.hasPrefix("policy.xml:1:1: error: parent scopes") == true, "\(warnings)")
      #expect(warnings.first?.contains("(../../policy.xml)") == true, "\(warnings)")
      #expect(CLI.read(root, "apis/orders/policy.xml") == Array(Self.nestedKeyBeforeBase.utf8))
    }
  }

  @Test("plan from inside the API's folder places the file as an API policy")
  func apiFolderPlanDoesNotTakeTheAPIPolicyForTheGlobalOne() throws {
    let files = ["policy.xml": Self.globalJWT, "apis/orders/policy.xml": Self.nestedKeyBeforeBase]
    try withTemporaryTree(files) { root in
      let result = run(["plan", "--resource", CLI.resource, "."], cwd: root.appendingPathComponent("apis/orders"))
      let stdout = String(decoding: result.stdout, as: UTF8.self)
      #expect(stdout.contains("policy.xml (api) line 5"), "\(stdout)")
      #expect(stdout.contains("policies: 1 api"), "\(stdout)")
      #expect(!stdout.contains("(global)") && !stdout.contains("1 global"), "\(stdout)")
    }
  }

  @Test("from inside a product's folder, the operation that deletes Authorization below it is named")
  func productFolderRunWouldLeaveTheFunctionWithNeitherKeyNorToken() throws {
    let files = [
      "policy.xml": "<policies><inbound /></policies>\n", "products/gold/policy.xml": Self.keyAfterBase,
      "products/gold/apis.json": #"["orders"]"#,
      "apis/orders/policy.xml": "<policies><inbound><base /></inbound></policies>\n",
      "apis/orders/operations/x/policy.xml": Self.removesAuthorization,
    ]
    try withTemporaryTree(files) { root in
      let folder = root.appendingPathComponent("products/gold")
      let result = run(["migrate", "--strict", "--write", "--resource", CLI.resource, "."], cwd: folder)
      #expect(result.status == 2, "\(result.stderr)")
      let warnings = Self.lines(result.stderr, "child-scopes-not-scanned")
      #expect(warnings.count == 1, "\(result.stderr)")
      #expect(warnings.first?.contains("../../apis/orders/operations/x/policy.xml") == true, "\(warnings)")
      #expect(CLI.read(root, "products/gold/policy.xml") == Array(Self.keyAfterBase.utf8))
    }
  }

  @Test("from inside an operation's folder, the API's and the global policies are named as unseen parents")
  func operationFolderRunDoesNotTakeTheOperationForTheGlobalPolicy() throws {
    let files = [
      "policy.xml": Self.globalJWT, "apis/orders/policy.xml": "<policies><inbound><base /></inbound></policies>\n",
      "apis/orders/operations/get/policy.xml": Self.nestedKeyBeforeBase,
    ]
    try withTemporaryTree(files) { root in
      let folder = root.appendingPathComponent("apis/orders/operations/get")
      let result = run(["migrate", "--resource", CLI.resource, "."], cwd: folder)
      let warnings = Self.lines(result.stderr, "parent-scopes-not-scanned")
      #expect(warnings.count == 1, "\(result.stderr)")
      #expect(
        warnings.first?.contains("(../../../../apis/orders/policy.xml, ../../../../policy.xml)") == true, "\(warnings)")
    }
  }

  @Test("from the tree's apis folder, a run on one API holds its key for the global validate-jwt it cannot see")
  func apisFolderRunOnOneAPINamesTheGlobalPolicy() throws {
    let files = ["policy.xml": Self.globalJWT, "apis/orders/policy.xml": Self.nestedKeyBeforeBase]
    try withTemporaryTree(files) { root in
      let result = run(
        ["migrate", "--strict", "--resource", CLI.resource, "orders"], cwd: root.appendingPathComponent("apis"))
      #expect(result.status == 2, "\(result.stderr)")
      #expect(Self.lines(result.stderr, "parent-scopes-not-scanned").first?.hasPrefix("orders/policy.xml:1:1") == true)
    }
  }

  @Test("an apiInformation.json beside the policy is evidence enough: no scope-unknown, placed as an API")
  func informationFileMakesTheFolderAnAPIsFolder() throws {
    let files = ["apis/orders/apiInformation.json": "{}\n", "apis/orders/policy.xml": Self.keyAfterBase]
    try withTemporaryTree(files) { root in
      let result = run(
        ["plan", "--strict", "--resource", CLI.resource, "."], cwd: root.appendingPathComponent("apis/orders"))
      let stdout = String(decoding: result.stdout, as: UTF8.self)
      #expect(result.status == 0, "\(result.stderr)\(stdout)")
      #expect(stdout.contains("policy.xml (api) line 4"), "\(stdout)")
    }
  }

  @Test("a repository below a folder called apis, with no evidence of a tree, is not guessed global: scope-unknown")
  func repositoryBelowAnAPIsFolderIsNotSilentlyGlobal() throws {
    let files = ["apis/my-apim-repo/policy.xml": Self.keyAfterBase, "apis/my-apim-repo/README.md": "x\n"]
    try withTemporaryTree(files) { root in
      let folder = root.appendingPathComponent("apis/my-apim-repo")
      let plain = run(["migrate", "--resource", CLI.resource, "."], cwd: folder)
      #expect(plain.status == 0, "\(plain.stderr)")
      let warnings = Self.lines(plain.stderr, "scope-unknown")
      #expect(warnings.count == 1, "\(plain.stderr)")
      #expect(warnings.first?.contains("depends on where the run starts") == true, "\(warnings)")
      let strict = run(["migrate", "--strict", "--write", "--resource", CLI.resource, "."], cwd: folder)
      #expect(strict.status == 2, "\(strict.stderr)")
      #expect(CLI.read(root, "apis/my-apim-repo/policy.xml") == Array(Self.keyAfterBase.utf8))
    }
  }

  @Test(
    "a policy.xml at the run's root with no tree beside it is not guessed global, from inside or from its parent",
    arguments: [("repo", "."), ("", "repo")])
  func lonePolicyAtTheRunsRootIsNotSilentlyGlobal(folder: String, path: String) throws {
    try withTemporaryTree(["repo/policy.xml": Self.keyAfterBase]) { root in
      let cwd = folder.isEmpty ? root : root.appendingPathComponent(folder)
      let result = run(["migrate", "--strict", "--write", "--resource", CLI.resource, path], cwd: cwd)
      #expect(result.status == 2, "\(result.stderr)")
      #expect(Self.lines(result.stderr, "scope-unknown").count == 1, "\(result.stderr)")
      #expect(CLI.read(root, "repo/policy.xml") == Array(Self.keyAfterBase.utf8))
    }
  }

  @Test("a policy.xml at the root of a folder named for APIM artifacts stays the global policy")
  func artifactsFolderPolicyIsGlobal() throws {
    try withTemporaryTree(["apim/policy.xml": Self.keyAfterBase]) { root in
      let result = run(
        ["migrate", "--strict", "--resource", CLI.resource, "."], cwd: root.appendingPathComponent("apim"))
      #expect(result.status == 0, "\(result.stderr)")
      #expect(Self.lines(result.stderr, "scope-unknown").isEmpty, "\(result.stderr)")
    }
  }

  @Test("an APIOps tree of its own below a folder called apis keeps its global policy, with no scope-unknown")
  func treeBelowAnAPIsFolderIsItsOwnRoot() throws {
    let files = [
      "apis/repo/policy.xml": Self.keyAfterBase,
      "apis/repo/apis/a/policy.xml": "<policies><inbound><base /></inbound></policies>\n",
    ]
    try withTemporaryTree(files) { root in
      let result = run(
        ["migrate", "--strict", "--resource", CLI.resource, "."], cwd: root.appendingPathComponent("apis/repo"))
      #expect(result.status == 0, "\(result.stderr)")
      #expect(Self.lines(result.stderr, "scope-unknown").isEmpty, "\(result.stderr)")
      #expect(String(decoding: result.stdout, as: UTF8.self).contains("+++ b/policy.xml"))
    }
  }
}
