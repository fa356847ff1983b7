import Foundation
import Testing

/// APIOps product membership (`rewrite-spec.md` §2c): `products/<p>/apis.json` and the link
/// files newer Azure/apiops writes (`products/<p>/apis/<api>/productApiInformation.json`).
/// An `apis.json` that does not read as a list of names is not "no members": its product may
/// hold any API of its tree, and a warning names the file (one that does not parse as JSON is
/// a parse error: `MalformedProductMembershipCommandTests`). Names compare without regard to
/// case. Otherwise APIM's token goes to the product's partner backend (token leak, 401).
@Suite struct ProductMembershipCommandTests {
  static let api = ProductWithoutMembershipCommandTests.api
  static let router = ProductWithoutMembershipCommandTests.router
  static let writer = ProductWithoutMembershipCommandTests.writer

  @Test(
    "an apis.json that does not read as a list of names holds the API's key below a product routing elsewhere",
    arguments: ["{\"value\":[{\"name\":\"a\"}]}", "[{\"apiId\":\"/apis/a\"}]", "[1, 2]"])
  func unreadableAPIsJSONIsUnknownMembershipNotNoMembersTokenLeak(apisJSON: String) throws {
    let tree = [
      "apis/a/policy.xml": Self.api, "products/p/policy.xml": Self.router, "products/p/apis.json": apisJSON,
    ]
    try withTemporaryTree(tree) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.stderr.contains("[authorization-other-backend]"), "\(result.stderr)")
      #expect(result.stderr.contains("products/p/apis.json is not known"), "\(result.stderr)")
      #expect(result.stderr.components(separatedBy: "products/p/apis.json").count == 2, "once: \(result.stderr)")
      #expect(CLI.read(root, "apis/a/policy.xml") == Array(Self.api.utf8))
    }
  }

  @Test("an unreadable apis.json below a product that does nothing to Authorization warns and still rewrites")
  func unreadableAPIsJSONWarnsOnly() throws {
    let base = "<policies>\n    <inbound>\n        <base />\n    </inbound>\n</policies>\n"
    let tree = ["apis/a/policy.xml": Self.api, "products/p/policy.xml": base, "products/p/apis.json": "{\"a\": 1}"]
    try withTemporaryTree(tree) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.stderr.contains("[scope-unknown]"), "\(result.stderr)")
      #expect(CLI.read(root, "apis/a/policy.xml") != Array(Self.api.utf8))
    }
  }

  @Test("a productApiInformation.json link makes the API a member though apis.json is empty (token leak)")
  func productAPIInformationLinkIsMembership() throws {
    let tree = [
      "apis/a/policy.xml": Self.api, "products/p/policy.xml": Self.router, "products/p/apis.json": "[]",
      "products/p/apis/a/productApiInformation.json": "{\"name\":\"a\",\"properties\":{\"apiId\":\"/apis/a\"}}",
    ]
    try withTemporaryTree(tree) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.stderr.contains("[authorization-other-backend]"), "\(result.stderr)")
      #expect(!result.stderr.contains("[scope-unknown]"), "\(result.stderr)")
      #expect(CLI.read(root, "apis/a/policy.xml") == Array(Self.api.utf8))
    }
  }

  @Test("a productApiInformation.json link to another API leaves this API out")
  func productAPIInformationLinkToAnotherAPIDoesNotHold() throws {
    let tree = [
      "apis/a/policy.xml": Self.api, "products/p/policy.xml": Self.writer,
      "products/p/apis/b/productApiInformation.json": "{\"name\":\"b\"}",
    ]
    try withTemporaryTree(tree) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(!result.stderr.contains("[authorization-writer]"), "\(result.stderr)")
      #expect(CLI.read(root, "apis/a/policy.xml") != Array(Self.api.utf8))
    }
  }

  @Test("apis.json names the API in another case: APIM names are case-insensitive (overwritten credential)")
  func apisJSONNameInAnotherCaseIsMembership() throws {
    let tree = ["apis/a/policy.xml": Self.api, "products/p/policy.xml": Self.writer, "products/p/apis.json": "[\"A\"]"]
    try withTemporaryTree(tree) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.stderr.contains("[authorization-writer]"), "\(result.stderr)")
      #expect(CLI.read(root, "apis/a/policy.xml") == Array(Self.api.utf8))
    }
  }

  @Test("an API given alone names a product whose apis.json lists it in another case as an unscanned parent")
  func apiAloneNamesAProductListingItInAnotherCase() throws {
    let tree = ["apis/a/policy.xml": Self.api, "products/p/policy.xml": Self.writer, "products/p/apis.json": "[\"A\"]"]
    try withTemporaryTree(tree) { root in
      let result = run(["migrate", "--resource", CLI.resource, "apis/a/policy.xml"], cwd: root)
      #expect(result.stderr.contains("[parent-scopes-not-scanned]"), "\(result.stderr)")
      #expect(result.stderr.contains("products/p/policy.xml"), "\(result.stderr)")
    }
  }
}
