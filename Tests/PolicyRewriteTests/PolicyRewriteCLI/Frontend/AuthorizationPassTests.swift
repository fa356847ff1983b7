import Foundation
import Testing

@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// The folder-based Authorization pass's own structures: each file's APIOps scope is worked
/// out once, and the children below the same reading parents share one list of them (on a
/// large tree a list per child was most of `check`'s memory).
@Suite struct AuthorizationPassTests {
  static func item(_ path: String) -> FileWalker.Item {
    FileWalker.Item(path: Array(path.utf8), relativePath: Array(path.utf8))
  }

  @Test func scopeTableGivesTwoFilesOneParentIDExactlyWhenTheirParentKeysAreEqual() {
    let paths = [
      "t/policy.xml", "t/products/p/policy.xml", "t/products/q/policy.xml", "t/apis/a/policy.xml",
      "t/apis/a/operations/o/policy.xml", "t/apis/a;rev=2/policy.xml", "t/apis/a;rev=2/operations/o/policy.xml",
      "t//apis/b/apiPolicy.xml", "t/apis/b/operations/o/policy.xml", "u/apis/a/operations/o/policy.xml",
      "t/apis/é/operations/o/policy.xml", "t/apis/é/policy.xml", "t/readme.md", "u/policy.xml",
    ]
    let items = paths.map(Self.item)
    let table = APIOpsScope.Table(items)
    let scopes = paths.map { APIOpsScope(path: $0) }
    var byKey: [APIOpsScope.ParentKey: Int32] = [:]
    for (scope, ids) in zip(scopes, table.ids) {
      guard let scope else {
        #expect(ids.own == -1 && ids.parents.isEmpty)
        continue
      }
      for (key, id) in zip(scope.parentKeys, ids.parents) {
        #expect(byKey[key, default: id] == id, "\(key)")
        byKey[key] = id
      }
      if scope.level != .operation {
        #expect(byKey[scope.keyAsParent, default: ids.own] == ids.own, "\(scope)")
        byKey[scope.keyAsParent] = ids.own
      } else {
        #expect(ids.own == -1)
      }
    }
    // Distinct keys, distinct ids; a key is looked up when some file has it as a parent.
    #expect(Set(byKey.values).count == byKey.count)
    let lookedUp = Set(scopes.compactMap { $0 }.flatMap(\.parentKeys))
    for (key, id) in byKey { #expect(table.isLookedUp[Int(id)] == lookedUp.contains(key), "\(key)") }
    // `t//apis/b` is `t/apis/b` (empty components are dropped), so its operation has it as a parent.
    #expect(table.ids[8].parents.contains(table.ids[7].own))
  }

  static let readingProducts: [String: String] = [
    "products/p/policy.xml": """
    <policies><inbound><validate-jwt header-name="Authorization" /><base /></inbound></policies>
    """,
    "products/q/policy.xml": """
    <policies><inbound><check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="no" /><base /></inbound></policies>
    """,
    "apis/a/policy.xml": """
    <policies><inbound><base /></inbound></policies>
    """,
    "apis/a/operations/o1/policy.xml": """
    <policies><inbound><set-header name="x-functions-key" exists-action="override"><value>{{k1}}</value></set-header><base /></inbound></policies>
    """,
    "apis/a/operations/o2/policy.xml": """
    <policies><inbound><set-header name="x-functions-key" exists-action="override"><value>{{k2}}</value></set-header><base /></inbound></policies>
    """,
    "apis/a/operations/o3/policy.xml": """
    <policies><inbound><base /></inbound></policies>
    """,
  ]

  @Test func childrenBelowTheSameReadingParentsShareOneListSinceAListPerChildWasMostOfChecksMemory() throws {
    try withTemporaryTree(Self.readingProducts) { root in
      var options = Frontend.Options(command: .check, configuration: try makeConfiguration())
      options.showsProgress = false
      let frontend = Frontend(options: options)
      let items = FileWalker().walk([root.path]).items
      let configuration = frontend.withAuthorizationContext(items).options.configuration
      let lists = configuration.authorizationParentScopeLists
      func entry(_ operation: String) -> [String]? {
        lists.paths.first { $0.hasSuffix("apis/a/operations/\(operation)/policy.xml") }.map {
          configuration.parentScopes(of: $0)
        }
      }
      let one = try #require(entry("o1"))
      let two = try #require(entry("o2"))
      #expect(entry("o3") == nil)
      #expect(one.map { $0.hasSuffix("/policy.xml") } == [true, true])
      #expect(Set(one.map { String($0.dropLast("/policy.xml".count).split(separator: "/").last ?? "") }) == ["p", "q"])
      #expect(one == two)
      #expect(lists.count == 2)
      #expect(lists.distinctLists == 1)
      #expect(lists.storedPaths == 2)
      #expect(configuration.authorizationParentScopes.isEmpty)
    }
  }

  /// Without `apis.json` every product is a parent of every API: the operations of each API list
  /// every reading product and then their API. Stored as paths that was APIs × products strings
  /// (11 MB of `check`'s peak on the 50,000-file tree); stored as parts, the products' list is
  /// kept once and each API's list is two part ids.
  @Test func everyProductAboveEveryAPIIsStoredOnceSinceAListOfPathsPerAPIGrewAsAPIsTimesProducts() throws {
    var tree: [String: String] = [:]
    let products = ["p1", "p2", "p3", "p4"]
    let apis = ["a1", "a2", "a3"]
    for product in products {
      tree["products/\(product)/policy.xml"] = """
        <policies><inbound><validate-jwt header-name="Authorization" /><base /></inbound></policies>
        """
    }
    for api in apis {
      tree["apis/\(api)/policy.xml"] = """
        <policies><inbound><check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="no" /><base /></inbound></policies>
        """
      for operation in ["o1", "o2"] {
        tree["apis/\(api)/operations/\(operation)/policy.xml"] = """
          <policies><inbound><set-header name="x-functions-key" exists-action="override"><value>{{k}}</value></set-header><base /></inbound></policies>
          """
      }
    }
    try withTemporaryTree(tree) { root in
      var options = Frontend.Options(command: .check, configuration: try makeConfiguration())
      options.showsProgress = false
      let items = FileWalker().walk([root.path]).items
      let configuration = Frontend(options: options).withAuthorizationContext(items).options.configuration
      let lists = configuration.authorizationParentScopeLists
      #expect(lists.count == apis.count * 2)
      #expect(lists.distinctLists == apis.count)
      #expect(lists.storedPaths == products.count + apis.count)
      for path in lists.paths {
        let parents = configuration.parentScopes(of: path)
        let api = try #require(apis.first { path.contains("/apis/\($0)/") })
        #expect(parents.count == products.count + 1)
        #expect(parents.last?.hasSuffix("/apis/\(api)/policy.xml") == true, "\(parents)")
        #expect(
          Set(parents.dropLast().map { $0.split(separator: "/").dropLast().last.map(String.init) }) == Set(products))
      }
    }
  }
}
