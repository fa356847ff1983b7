import Foundation
import Testing

@testable import PolicyRewriteCLI

/// What an APIOps product's folder says about its APIs: `apis.json` (a list of names, or of
/// objects with a name) and `apis/<api>/productApiInformation.json` link files. An `apis.json`
/// of another shape is unreadable, never "no members" (which would let APIM's token reach the
/// product's other backend); one that does not parse is malformed, at its first error.
@Suite struct ProductMembershipTests {
  func membership(_ files: [String: String]) throws -> Frontend.APIOpsMembership {
    try withTemporaryTree(files) { root in Frontend.apiopsMembership(productFolder: root.path + "/products/p") }
  }

  @Test func apisJSONListsNamesOrNamedObjectsWithoutRegardToCase() throws {
    #expect(try membership(["products/p/apis.json": "[\"A\", \"b\"]"]) == .members(["a", "b"]))
    #expect(try membership(["products/p/apis.json": "[{\"name\":\"Orders\"}]"]) == .members(["orders"]))
    #expect(try membership(["products/p/apis.json": "[]"]) == .members([]))
  }

  @Test(arguments: ["{\"value\":[{\"name\":\"a\"}]}", "[{\"apiId\":\"/apis/a\"}]", "[1]"])
  func anAPIsJSONOfAnotherShapeIsUnreadableNotNoMembersTokenLeak(text: String) throws {
    guard case .unreadable(let path) = try membership(["products/p/apis.json": text]) else {
      Issue.record("\(text) read as a membership")
      return
    }
    #expect(path.hasSuffix("products/p/apis.json"))
  }

  @Test(arguments: [("[\"a\"", 1, 5), ("", 1, 1), ("[\"a\",\n]", 2, 1)])
  func anAPIsJSONThatDoesNotParseIsMalformedAtItsErrorNotAWarning(text: String, line: Int, column: Int) throws {
    guard case .malformed(let path, let atLine, let atColumn) = try membership(["products/p/apis.json": text]) else {
      Issue.record("\(text) not read as malformed")
      return
    }
    #expect(path.hasSuffix("products/p/apis.json") && [atLine, atColumn] == [line, column])
  }

  @Test func productAPIInformationLinksAreMembersBesideApisJSON() throws {
    let link = "{\"name\":\"a\",\"properties\":{\"apiId\":\"/apis/a\"}}"
    #expect(try membership(["products/p/apis/A/productApiInformation.json": link]) == .members(["a"]))
    #expect(
      try membership(["products/p/apis.json": "[\"b\"]", "products/p/apis/a/productApiInformation.json": link])
        == .members(["a", "b"]))
    // A folder without the link file says nothing.
    #expect(try membership(["products/p/apis/a/other.json": "{}"]) == .unknown)
    #expect(try membership(["products/p/policy.xml": "<policies />"]) == .unknown)
  }

  @Test func aRevisionBelongsToItsAPIsProducts() {
    #expect(Frontend.membershipName("Orders;rev=2") == "orders")
  }
}
