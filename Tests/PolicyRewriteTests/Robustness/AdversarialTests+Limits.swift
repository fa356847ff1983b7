import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// Inputs built to make the work grow faster than the input: refused, or kept linear.
extension AdversarialTests {
  @Test(
    "an element with 160,000 attributes is refused at its line:column, before libxml2 reads it", .slow, .tags(.slow))
  func attributeCap() throws {
    var source = "<policies>\n  <inbound>\n    <base />\n    <set-variable"
    for index in 0..<160_000 { source += " a\(index)=\"v\"" }
    source += " />\n  </inbound>\n</policies>\n"
    let parsed = Result { () throws(ParseError) in try PolicyDocument.parse(bytes(source)) }
    guard case .failure(let error) = parsed else {
      Issue.record("an element with 160,000 attributes was parsed")
      return
    }
    #expect(error.line == 4 && error.column == 5, "\(error)")
    #expect(error.message.contains("attributes"), "\(error)")
    // The limit leaves real elements alone.
    var many = "<policies><inbound><set-variable"
    for index in 0..<AttributeLimit.maximum { many += " a\(index)=\"v\"" }
    many += " /></inbound></policies>"
    #expect(throws: Never.self) { try PolicyDocument.parse(bytes(many)) }
  }

  @Test("repeated ** in a glob: the match work grows with segments × components, not exponentially")
  func globWithRepeatedDoubleStars() {
    let path = (0..<40).map { Array("d\($0)".utf8) } + [Array("x.xml".utf8)]
    for count in [1, 5, 10, 20] {
      let pattern = Array(repeating: "**", count: count).joined(separator: "/") + "/zz/*.txt"
      let glob = Glob(pattern)
      var steps = 0
      #expect(!glob.matches(components: path, steps: &steps))
      let bound = (count + 3) * (path.count + 1)
      #expect(steps <= bound, "\(count) × **: \(steps) steps, bound \(bound)")
    }
    // Results are those of the recursive definition.
    #expect(Glob("**/**/b/**/c.xml").matches("a/b/x/y/c.xml"))
    #expect(Glob("a/**/**/c.xml").matches("a/c.xml"))
    #expect(!Glob("/a/**/b").matches("x/a/b"))
    #expect(Glob("a/**/b").matches("x/a/q/b"))
  }

  @Test(
    "a ${...} resource cannot break out of its attribute",
    arguments: [
      #"${x"/><set-backend-service base-url="https://evil.example"/><x a="}"#,
      #"${x" client-id="attacker}"#,
      #"${x' y='z}"#,
      "${x<y}",
      "${x>y}",
      "${a&amp;b}",
      "${a\nb}",
    ])
  func placeholderResourcesAreValidated(text: String) throws {
    #expect(throws: Resource.InvalidResource.self) { try Resource(validating: text) }
  }

  @Test("every value written into the MI element is escaped")
  func insertedValuesAreEscaped() throws {
    let configuration = try makeConfiguration(
      default: "${var.audience}", clientID: #"id" evil="1"#, outputTokenVariableName: "t<x>&")
    let result = try rewrite(Policies.injection(), with: configuration)
    let output = string(result.output)
    #expect(
      output.contains(
        #"<authentication-managed-identity resource="${var.audience}" client-id="id&quot; evil=&quot;1" output-token-variable-name="t&lt;x&gt;&amp;" />"#
      ), "\(output)")
    // The output has the elements it had, and one MI element: no element or attribute added.
    let document = try PolicyDocument.parse(result.output)
    let mi = document.root.children.flatMap(\.children).filter { $0.name == "authentication-managed-identity" }
    #expect(mi.count == 1)
  }
}
