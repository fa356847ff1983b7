import Foundation
import Testing

/// A run that sees only part of an APIOps tree says what it did not see: the child scopes on
/// disk beside a policy with a key are where a reader of `Authorization` after `<base />` would
/// make the API policy's Managed Identity element answer 401.
@Suite struct UnscannedScopesCommandTests {
  static let api = """
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key" exists-action="override">
                <value>{{a-func-key}}</value>
            </set-header>
        </inbound>
        <backend><base /></backend>
        <outbound><base /></outbound>
        <on-error><base /></on-error>
    </policies>

    """
  static let operation = """
    <policies>
        <inbound>
            <base />
            <validate-jwt header-name="Authorization"><openid-config url="https://login.example/.well-known/openid-configuration" /></validate-jwt>
        </inbound>
        <backend><base /></backend>
        <outbound><base /></outbound>
        <on-error><base /></on-error>
    </policies>

    """
  static let tree = ["apis/a/policy.xml": api, "apis/a/operations/get/policy.xml": operation]

  @Test("one API file migrated alone warns that its operations, which may validate the token, were not read")
  func singleFileRunCouldNotSeeTheOperationThatValidatesTheToken() throws {
    try withTemporaryTree(Self.tree) { root in
      let result = run(["migrate", "--resource", CLI.resource, "apis/a/policy.xml"], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      let warnings = result.stderr.split(separator: "\n").filter { $0.hasSuffix("[child-scopes-not-scanned]") }
      #expect(warnings.count == 1, "\(result.stderr)")
      #expect(warnings.first?.contains("apis/a/operations/get/policy.xml") == true, "\(warnings)")
    }
  }

  @Test("with --strict the unseen child scopes are an error and nothing is written")
  func strictSingleFileRunWritesNothing() throws {
    try withTemporaryTree(Self.tree) { root in
      let result = run(["migrate", "--strict", "--write", "--resource", CLI.resource, "apis/a/policy.xml"], cwd: root)
      #expect(result.status == 2, "\(result.stderr)")
      #expect(CLI.read(root, "apis/a/policy.xml") == Array(Self.api.utf8))
    }
  }

  @Test("the whole tree: the operation is read, the API's key is held, and nothing is unseen")
  func folderRunSeesTheOperation() throws {
    try withTemporaryTree(Self.tree) { root in
      let result = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(!result.stderr.contains("[child-scopes-not-scanned]"), "\(result.stderr)")
      #expect(result.stderr.contains("[authorization-child-scope]"), "\(result.stderr)")
    }
  }

  static let globalTree = ["policy.xml": api, "apis/a/operations/get/policy.xml": operation]

  @Test("the global policy.xml migrated alone warns that an operation, which may validate the token, was not read")
  func globalFileRunCouldNotSeeTheOperationThatValidatesTheToken() throws {
    try withTemporaryTree(Self.globalTree) { root in
      let result = run(["migrate", "--resource", CLI.resource, "policy.xml"], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      let warnings = result.stderr.split(separator: "\n").filter { $0.hasSuffix("[child-scopes-not-scanned]") }
      #expect(warnings.count == 1, "\(result.stderr)")
      #expect(warnings.first?.contains("apis/a/operations/get/policy.xml") == true, "\(warnings)")
    }
  }

  @Test("with --strict the global policy's unseen child scopes are an error and nothing is written")
  func strictGlobalFileRunWritesNothing() throws {
    try withTemporaryTree(Self.globalTree) { root in
      let result = run(["migrate", "--strict", "--write", "--resource", CLI.resource, "policy.xml"], cwd: root)
      #expect(result.status == 2, "\(result.stderr)")
      #expect(CLI.read(root, "policy.xml") == Array(Self.api.utf8))
    }
  }

  @Test("a product policy migrated alone warns that the APIs it may hold were not read")
  func productFileRunCouldNotSeeItsAPIs() throws {
    try withTemporaryTree(["products/p/policy.xml": Self.api, "apis/a/operations/get/policy.xml": Self.operation]) {
      root in
      let result = run(["migrate", "--resource", CLI.resource, "products/p/policy.xml"], cwd: root)
      let warnings = result.stderr.split(separator: "\n").filter { $0.hasSuffix("[child-scopes-not-scanned]") }
      #expect(warnings.count == 1, "\(result.stderr)")
      #expect(warnings.first?.contains("apis/a/operations/get/policy.xml") == true, "\(warnings)")
    }
  }

  @Test(
    "a product whose folder names its APIs lists only those APIs' unseen scopes, not the tree's others",
    arguments: [
      ["products/p/apis.json": "[\"A\"]\n"],
      ["products/p/apis/a/productApiInformation.json": "{}\n"],
    ])
  func productFileRunListsOnlyItsMembersUnseenScopes(membership: [String: String]) throws {
    let files =
      [
        "products/p/policy.xml": Self.api, "apis/a/operations/get/policy.xml": Self.operation,
        "apis/b/policy.xml": Self.operation, "apis/b/operations/put/policy.xml": Self.operation,
      ].merging(membership) { $1 }
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--resource", CLI.resource, "products/p/policy.xml"], cwd: root)
      let warnings = result.stderr.split(separator: "\n").filter { $0.hasSuffix("[child-scopes-not-scanned]") }
      #expect(warnings.count == 1, "\(result.stderr)")
      #expect(warnings.first?.contains("apis/a/operations/get/policy.xml") == true, "\(warnings)")
      #expect(warnings.first?.contains("apis/b/") == false, "\(warnings)")
    }
    // A list that does not read as names: every API of the tree may be a member.
    var unknown = files
    unknown["products/p/apis.json"] = "{\"apis\": 1}\n"
    unknown["products/p/apis/a/productApiInformation.json"] = nil
    try withTemporaryTree(unknown) { root in
      let result = run(["migrate", "--resource", CLI.resource, "products/p/policy.xml"], cwd: root)
      let warnings = result.stderr.split(separator: "\n").filter { $0.hasSuffix("[child-scopes-not-scanned]") }
      #expect(warnings.first?.contains("apis/b/operations/put/policy.xml") == true, "\(result.stderr)")
    }
  }

  @Test("a policy.xml with no apis or products folder beside it has no unseen child scopes")
  func loneGlobalFileHasNoChildScopes() throws {
    try withTemporaryTree(["policy.xml": Self.api, "other/get/policy.xml": Self.operation]) { root in
      let result = run(["migrate", "--resource", CLI.resource, "policy.xml"], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(!result.stderr.contains("[child-scopes-not-scanned]"), "\(result.stderr)")
    }
  }

  @Test("the whole tree below a global policy: nothing is unseen and the global key is held")
  func folderRunSeesTheGlobalPolicysOperation() throws {
    try withTemporaryTree(Self.globalTree) { root in
      let result = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      #expect(!result.stderr.contains("[child-scopes-not-scanned]"), "\(result.stderr)")
      #expect(result.stderr.contains("[authorization-child-scope]"), "\(result.stderr)")
    }
  }
}
