import Foundation
import Testing

/// End-to-end: a finding whose message names the first three of the scopes it is about and
/// then says `and N more` lists them all in JSON (`related`) and SARIF (`relatedLocations`),
/// so that a reviewer who reads CI's artifact sees every child that holds the key.
@Suite struct RelatedScopesCommandTests {
  /// An APIOps API with a key after `<base />`, and `count` operations that validate the
  /// caller's token after theirs (each holds the key: rewritten, its token would fail them).
  static func tree(operations count: Int) -> [String: String] {
    var files = ["apis/orders/policy.xml": Policies.keyAfterBase("orders-func-key")]
    for index in 1...count { files["apis/orders/operations/op\(index)/policy.xml"] = Policies.tokenValidator }
    return files
  }

  /// `check --format FORMAT` on the tree of `count` operations, parsed.
  static func check(format: String, operations count: Int) throws -> [String: Any] {
    try withTemporaryTree(tree(operations: count)) { root in
      let result = run(["check", "--format", format, "."], cwd: root)
      #expect(result.status == 1, "\(result.stderr)")
      return try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    }
  }

  static let children = (1...5).map { "apis/orders/operations/op\($0)/policy.xml:" }

  @Test("JSON: a child-scope finding that names three children and 'and 2 more' lists all five in related")
  func jsonListsEveryChildScopeTheMessageCuts() throws {
    let document = try Self.check(format: "json", operations: 5)
    let findings = try #require(document["findings"] as? [[String: Any]])
    let held = try #require(findings.first { $0["rule"] as? String == "authorization-child-scope" })
    #expect((held["message"] as? String)?.contains("; and 2 more;") == true, "\(held)")
    let related = try #require(held["related"] as? [String])
    #expect(related.count == 5, "\(related)")
    for (item, child) in zip(related, Self.children) {
      #expect(item.hasPrefix(child) && item.contains("reads the Authorization header"), "\(item)")
    }
    #expect(
      try OutputSchemaTests.violations(of: JSONSerialization.data(withJSONObject: document), schema: "check") == nil)
  }

  @Test("JSON: a message that names every child has no related list")
  func jsonHasNoRelatedListWhenTheMessageNamesEveryChild() throws {
    let document = try Self.check(format: "json", operations: 3)
    let findings = try #require(document["findings"] as? [[String: Any]])
    let held = try #require(findings.first { $0["rule"] as? String == "authorization-child-scope" })
    #expect((held["message"] as? String)?.contains("more") == false, "\(held)")
    #expect(held["related"] == nil, "\(held)")
  }

  @Test("SARIF: the five children are the result's relatedLocations, each with its message")
  func sarifGivesEveryChildScopeAsARelatedLocation() throws {
    let document = try Self.check(format: "sarif", operations: 5)
    let runs = try #require(document["runs"] as? [[String: Any]])
    let results = try #require(runs.first?["results"] as? [[String: Any]])
    let held = try #require(results.first { $0["ruleId"] as? String == "authorization-child-scope" })
    let related = try #require(held["relatedLocations"] as? [[String: Any]])
    #expect(related.compactMap { $0["id"] as? Int } == Array(0..<5))
    let texts = related.compactMap { ($0["message"] as? [String: Any])?["text"] as? String }
    #expect(texts.count == 5 && zip(texts, Self.children).allSatisfy { $0.hasPrefix($1) }, "\(texts)")
  }
}
