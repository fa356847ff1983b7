import Testing

@testable import PolicyRewriteCLI

/// Where a path sits in an APIOps tree, read from its components.
struct APIOpsScopeTests {
  @Test(
    arguments: [
      ("repo/apis/orders/policy.xml", "repo", APIOpsScope.Level.api, "orders"),
      ("apis/orders;rev=2/apiPolicy.xml", "", .api, "orders;rev=2"),
      ("repo/apis/orders/operations/get/policy.xml", "repo", .operation, "orders"),
      ("/abs//repo/apis/o/operations/g/policy.xml", "abs/repo", .operation, "o"),
      ("repo/products/gold/policy.xml", "repo", .product, nil),
      ("repo/policy.xml", "repo", .global, nil),
      ("policy.xml", "", .global, nil),
      ("r\u{E9}po/apis/\u{E9}/policy.xml", "r\u{E9}po", .api, "\u{E9}"),
      ("policy fragments/f/policy.xml", "policy fragments/f", .global, nil),
    ] as [(String, String, APIOpsScope.Level, String?)])
  func readsTheScope(path: String, root: String, level: APIOpsScope.Level, api: String?) throws {
    let scope = try #require(APIOpsScope(path: path))
    #expect(scope.root == root && scope.level == level && scope.api == api, "\(path): \(scope)")
  }

  @Test(
    "a workspace's scopes have the service tree's global policy above them (global → workspace → API)",
    arguments: [
      ("repo/workspaces/w/policy.xml", [("repo", APIOpsScope.Level.global)]),
      (
        "repo/workspaces/w/apis/a/policy.xml",
        [("repo", .global), ("repo/workspaces/w", .global), ("repo/workspaces/w", .product)]
      ),
      (
        "workspaces/w/apis/a/operations/o/policy.xml",
        [("", .global), ("workspaces/w", .global), ("workspaces/w", .product), ("workspaces/w", .api)]
      ),
      ("repo/apis/a/policy.xml", [("repo", .global), ("repo", .product)]),
    ] as [(String, [(String, APIOpsScope.Level)])])
  func workspaceScopesRunTheServiceGlobalPolicy(path: String, parents: [(String, APIOpsScope.Level)]) throws {
    let scope = try #require(APIOpsScope(path: path))
    #expect(scope.parentKeys.map(\.root) == parents.map(\.0), "\(path): \(scope.parentKeys)")
    #expect(scope.parentKeys.map(\.level) == parents.map(\.1), "\(path): \(scope.parentKeys)")
  }

  @Test("an API folder is looked up without regard to case (APIM names are case-insensitive)")
  func apiFolderCaseDoesNotSplitTheScope() throws {
    let api = try #require(APIOpsScope(path: "repo/apis/Orders/policy.xml"))
    let operation = try #require(APIOpsScope(path: "repo/apis/orders/operations/get/policy.xml"))
    #expect(operation.parentKeys.contains(api.keyAsParent))
  }

  @Test(arguments: ["repo/apis/orders/specification.yaml", "repo/apis/orders/operations/get/other.xml", "", "/"])
  func otherFilesHaveNoScope(path: String) {
    #expect(APIOpsScope(path: path) == nil)
  }
}
