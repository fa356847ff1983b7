import Foundation
import Testing

@testable import PolicyRewrite

/// ``EffectivePolicy``: what the composition cannot decide is stated in its notes.
@Suite struct EffectivePolicyTests {
  static let product = "<policies><inbound><base /><rate-limit calls=\"1\" renewal-period=\"1\" /></inbound></policies>"
  static let api = "<policies><inbound><base /></inbound></policies>"

  /// The effective policy of API `a` of `files` (path and text).
  static func compose(_ files: [String: String], product: String? = nil) -> EffectivePolicy {
    let graph = PolicyGraph(files: files.map { PolicyGraph.FileFacts(path: $0.key, bytes: Array($0.value.utf8)) })
    return EffectivePolicy(graph: graph, api: "a", operation: nil, product: product) { policy in
      files[policy.path].map { (Array($0.utf8), 1) }
    }
  }

  @Test("a product whose APIs are not known may run for the API: the note names it")
  func productWithoutMembershipIsNoted() {
    let effective = Self.compose(["products/p/policy.xml": Self.product, "apis/a/policy.xml": Self.api])
    #expect(effective.notes.contains { $0.hasPrefix("product p has a policy but no known APIs") }, "\(effective.notes)")
    #expect(effective.chain.map(\.path) == ["apis/a/policy.xml"])
  }

  @Test("a product whose apis.json lists other APIs is not in the note")
  func productWithKnownMembershipIsNotNoted() {
    let effective = Self.compose([
      "products/p/policy.xml": Self.product, "products/p/apis.json": #"["b"]"#, "apis/a/policy.xml": Self.api,
    ])
    #expect(!effective.notes.contains { $0.contains("no known APIs") }, "\(effective.notes)")
  }

  @Test("a product named by the caller is composed: no note about its membership")
  func namedProductIsNotNoted() {
    let effective = Self.compose(["products/p/policy.xml": Self.product, "apis/a/policy.xml": Self.api], product: "p")
    #expect(!effective.notes.contains { $0.contains("no known APIs") }, "\(effective.notes)")
    #expect(effective.chain.map(\.path) == ["products/p/policy.xml", "apis/a/policy.xml"])
  }
}
