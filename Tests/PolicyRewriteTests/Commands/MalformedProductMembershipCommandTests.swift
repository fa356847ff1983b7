import Foundation
import Testing

/// End-to-end: an APIOps product's `apis.json` that does not parse as JSON is bad input, as a
/// JSON container cut short is: a `parse-error` naming the file, line and column, exit status
/// 2, and no policy whose pipeline the product may join is written. A well-formed `apis.json`
/// of another shape stays a `scope-unknown` warning (its product counts as a parent of every
/// API of its tree).
@Suite struct MalformedProductMembershipCommandTests {
  static let api = ProductWithoutMembershipCommandTests.api
  static let base = "<policies>\n    <inbound>\n        <base />\n    </inbound>\n</policies>\n"
  static let productKey = Policies.keyAfterBase("p-func-key") + "\n"

  @Test("a malformed apis.json was a warning, and the API's key below the product was migrated")
  func malformedAPIsJSONIsAParseErrorAndLeavesTheTreeUnwritten() throws {
    let tree = [
      "apis/a/policy.xml": Self.api, "products/p/policy.xml": Self.productKey,
      "products/p/apis.json": "[\n  \"a\"\n  \"b\"\n]\n",
    ]
    try withTemporaryTree(tree) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 2, "stderr: \(result.stderr)")
      let errors = findingLines(result.stderr).filter { $0.hasSuffix("[parse-error]") }
      #expect(errors.count == 1 && errors.first?.hasPrefix("products/p/apis.json:3:3: error: malformed JSON") == true)
      expectFile(root, "apis/a/policy.xml", Self.api)
      expectFile(root, "products/p/policy.xml", Self.productKey)
      let held = findingLines(result.stderr).filter { $0.contains("products/p/apis.json:3:3 is not known") }
      #expect(held.count == 2, "the API's and the product's key: \(result.stderr)")

      let checked = run(["check", "."], cwd: root)
      #expect(checked.status == 2, "stderr: \(checked.stderr)")
      #expect(checked.stderr.contains("products/p/apis.json:3:3: error: malformed JSON"), "\(checked.stderr)")
    }
  }

  @Test("an empty apis.json, or one cut short, is a parse error too")
  func emptyOrCutShortAPIsJSONIsAParseError() throws {
    for (text, place) in [("", "1:1"), ("[\"a\"", "1:5")] {
      let tree = ["apis/a/policy.xml": Self.api, "products/p/policy.xml": Self.base, "products/p/apis.json": text]
      try withTemporaryTree(tree) { root in
        let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("products/p/apis.json:\(place): error: malformed JSON"), "\(result.stderr)")
        expectFile(root, "apis/a/policy.xml", Self.api)
      }
    }
  }

  @Test("a well-formed apis.json of another shape stays a warning, and a malformed apis.json elsewhere is no error")
  func wellFormedOtherShapeWarnsAndOtherAPIsJSONFilesAreLeftAlone() throws {
    let tree = [
      "apis/a/policy.xml": Self.api, "products/p/policy.xml": Self.base,
      "products/p/apis.json": "{\"value\":[{\"name\":\"a\"}]}", "tools/apis.json": "{ not json",
    ]
    try withTemporaryTree(tree) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(result.stderr.contains("products/p/apis.json is not known"), "\(result.stderr)")
      #expect(!result.stderr.contains("[parse-error]"), "\(result.stderr)")
      #expect(CLI.read(root, "apis/a/policy.xml") != Array(Self.api.utf8))
    }
  }
}
