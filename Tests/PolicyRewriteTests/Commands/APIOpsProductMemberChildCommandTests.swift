import Foundation
import Testing

/// End-to-end: an APIOps product whose folder names its APIs (`apis.json`) is a parent of those
/// APIs only, in the cross-scope pass that finds what a product's children do after their
/// `<base />` (`rewrite-spec.md` §2c). That pass took every API of the tree for the product's
/// child, so an API outside the product that validates the token held the product's key for a
/// false reason; `effective` and the graph already knew it was not a member. A member that
/// validates still holds the key, and so does any API when the membership is not known.
@Suite struct APIOpsProductMemberChildCommandTests {

  static func tree(apisJSON: String?) -> [String: String] {
    var files = [
      "products/gold/policy.xml": Policies.keyAfterBase("gold-func-key") + "\n",
      "apis/a/policy.xml": Policies.rateLimited + "\n",
      "apis/b/policy.xml": Policies.tokenValidator,
      "apis/c/operations/x/policy.xml": Policies.rateLimited + "\n",
    ]
    if let apisJSON { files["products/gold/apis.json"] = apisJSON }
    return files
  }

  static func migrate(_ files: [String: String]) throws -> (found: [String], rewritten: Bool) {
    try UnjoinedProductCommandTests.migrate(files, rule: "authorization-child-scope", file: "products/gold/policy.xml")
  }

  @Test func anAPIOutsideTheProductDoesNotHoldItsKey() throws {
    let result = try Self.migrate(Self.tree(apisJSON: "[\"a\", \"c\"]\n"))
    #expect(result.found.isEmpty, "\(result.found)")
    #expect(result.rewritten)
  }

  @Test(arguments: ["[\"a\", \"B\"]\n", nil, "{\"value\": 1}\n"])
  func aMemberOrAnyAPIOfAProductOfUnknownMembershipHoldsItsKey(apisJSON: String?) throws {
    let result = try Self.migrate(Self.tree(apisJSON: apisJSON))
    #expect(result.found.count == 1, "\(result.found)")
    #expect(result.found.first?.contains("apis/b/policy.xml:4") == true, "\(result.found)")
    #expect(!result.rewritten)
  }
}
