import Testing

@testable import PolicyRewrite

/// An APIOps product's `apis.json`: a list of names or of named objects is its membership;
/// well-formed JSON of another shape is not known (a warning); JSON that does not parse is bad
/// input: a `parse-error` at its line and column, and the file's run fails (exit status 2).
@Suite struct ProductAPIsJSONTests {
  @Test func namesNamedObjectsOtherShapesAndSyntaxErrorsAreToldApart() {
    #expect(ProductAPIsJSON(Array("[\"a\", \"B\"]".utf8)) == .names(["a", "B"]))
    #expect(ProductAPIsJSON(Array("\u{FEFF}[{\"name\":\"a\"}]".utf8)) == .names(["a"]))
    #expect(ProductAPIsJSON(Array("{\"value\":[]}".utf8)) == .otherShape)
    #expect(ProductAPIsJSON(Array("[1]".utf8)) == .otherShape)
    #expect(ProductAPIsJSON(Array("[\"a\" \"b\"]".utf8)) == .malformed(line: 1, column: 6))
    #expect(ProductAPIsJSON(Array("[\n  \"a\",\n]".utf8)) == .malformed(line: 3, column: 1))
    #expect(ProductAPIsJSON([]) == .malformed(line: 1, column: 1))
  }

  @Test func onlyAFileInAProductsFolderIsAMembership() {
    #expect(ProductAPIsJSON.isProductAPIs(path: "products/p/apis.json"))
    #expect(ProductAPIsJSON.isProductAPIs(path: "/repo/workspaces/w/products/p/apis.json"))
    #expect(!ProductAPIsJSON.isProductAPIs(path: "templates/apis.json"))
    #expect(!ProductAPIsJSON.isProductAPIs(path: "products/apis.json"))
  }

  @Test("a malformed product apis.json was read as unknown membership with a warning, not a parse error")
  func malformedAPIsJSONIsAParseErrorNotAWarningThatLetsTheRunWrite() throws {
    let configuration = try makeConfiguration()
    let rewriter = PolicyRewriter(configuration: configuration)
    let malformed = Array("[\"a\" \"b\"]".utf8)
    for result in [
      rewriter.rewrite(malformed, path: "products/p/apis.json"),
      rewriter.check(malformed, path: "products/p/apis.json"),
    ] {
      #expect(result.findings.map(\.id) == [.operational(.parseError)], "\(result.findings)")
      #expect(result.findings.map { [$0.line, $0.column] } == [[1, 6]])
      #expect(!result.changed && result.hasErrors)
    }
    // Well-formed, or not a product's: nothing to report.
    #expect(rewriter.rewrite(Array("{\"value\":[]}".utf8), path: "products/p/apis.json").findings.isEmpty)
    #expect(rewriter.rewrite(malformed, path: "tools/apis.json").findings.isEmpty)
  }
}
