import Foundation
import Testing

@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// The policy graph's parent lists (`migrate`, `plan`): children with the same parents share
/// one list. Where every product is a parent of every API, a list per child named every
/// product: `migrate` on the 50,000-file tree peaked at 351 MB.
@Suite struct GraphParentListTests {
  @Test func childrenWithTheSameParentsShareOneListSinceAListPerChildGrewAsChildrenTimesProducts() throws {
    var tree: [String: String] = [:]
    for product in ["p1", "p2", "p3"] {
      tree["products/\(product)/policy.xml"] = """
        <policies><inbound><validate-jwt header-name="Authorization" /><base /></inbound></policies>
        """
    }
    for api in ["a1", "a2"] {
      tree["apis/\(api)/policy.xml"] = "<policies><inbound><base /></inbound></policies>"
      for operation in ["o1", "o2"] {
        tree["apis/\(api)/operations/\(operation)/policy.xml"] = """
          <policies><inbound><set-header name="x-functions-key" exists-action="override"><value>{{k}}</value></set-header><base /></inbound></policies>
          """
      }
    }
    try withTemporaryTree(tree) { root in
      var options = Frontend.Options(command: .migrate, configuration: try makeConfiguration())
      options.showsProgress = false
      let items = FileWalker().walk([root.path]).items
      let configuration = Frontend(options: options).withAuthorizationContext(items).options.configuration
      let lists = configuration.authorizationParentScopes.filter { $0.key.contains("/operations/") }
      #expect(lists.count == 4)
      for (path, parents) in lists {
        #expect(parents.count == 3, "\(path): \(parents)")
      }
      // One storage for all four: the operations' parents with effects are the same products.
      let storage = Set(lists.values.map { $0.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } })
      #expect(storage.count == 1)
    }
  }
}
