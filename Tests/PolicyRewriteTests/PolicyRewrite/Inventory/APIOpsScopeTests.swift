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

  @Test(arguments: ["repo/apis/orders/specification.yaml", "repo/apis/orders/operations/get/other.xml", "", "/"])
  func otherFilesHaveNoScope(path: String) {
    #expect(APIOpsScope(path: path) == nil)
  }
}
