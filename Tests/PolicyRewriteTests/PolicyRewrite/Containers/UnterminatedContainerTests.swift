import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// Bicep and ARM files that end inside a string, a comment or an object: the readers ran the
/// string to the end of the file and went on, so a broken file was rewritten (Bicep) or gave
/// only a warning about the policy it cut (ARM), instead of a parse error at its place.
struct UnterminatedContainerTests {
  static let policy = """
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key"><value>{{k}}</value></set-header>
        </inbound>
    </policies>
    """

  /// The parse errors of `check` and `migrate` on `source` at `path`, as `line:column message`,
  /// after checking that `migrate` leaves the file unchanged with an error.
  static func parseErrors(_ source: String, path: String) throws -> [String] {
    let result = try rewrite(source, path: path)
    #expect(!result.changed && result.hasErrors, "\(result.findings)")
    #expect(result.injections.allSatisfy { $0.outcome != .rewritten })
    let checked = try check(bytes(source), path: path)
    #expect(checked.map(\.id) == result.findings.filter { $0.diagnostic == .parseError }.map(\.id))
    return checked.filter { $0.diagnostic == .parseError }.map { "\($0.line):\($0.column) \($0.message)" }
  }

  @Test("a Bicep ''' string never closed was read to the end of the file and rewritten")
  func bicepMultilineStringRanToTheEndOfTheFile() throws {
    let source = """
      resource p 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
        name: 'apim/a/policy'
        properties: {
          value: '''
      \(Self.policy)

      """
    #expect(try Self.parseErrors(source, path: "main.bicep") == ["4:12 \(BicepLexer.unterminatedMultiline)"])
  }

  @Test("a Bicep '…' string cut by a line end, or by the end of the file, was dropped in silence")
  func bicepQuotedStringWasDropped() throws {
    #expect(
      try Self.parseErrors("var a = 'never closed\nvar b = 'x'\n", path: "main.bicep")
        == ["1:9 \(BicepLexer.cutByLineEnd)"])
    #expect(
      try Self.parseErrors("var a = 'x'\nvar b = '${f('y')}", path: "main.bicep")
        == ["2:9 \(BicepLexer.cutByEndOfFile)"])
    #expect(
      try Self.parseErrors("var a = 'x'\n/* var b = 'y'\n", path: "main.bicep")
        == ["2:1 \(BicepLexer.unterminatedComment)"])
  }

  @Test("an ARM template cut inside its policy string gave only a warning about the cut policy")
  func armTemplateCutInsideAString() throws {
    let whole = ARMTests.template("<policies><inbound><base /></inbound></policies>")
    let cut = String(whole.prefix(upTo: whole.range(of: "<inbound>")!.upperBound))
    let column = cut.split(separator: "\n").last!.distance(of: "\"<policies>")
    #expect(
      try Self.parseErrors(cut, path: ARMTests.path) == ["8:\(column + 1) \(JSONStringScanner.unterminatedString)"])
  }

  @Test("an ARM template cut after a string, or with a bracket that does not match, was read as whole")
  func armTemplateCutAfterAString() throws {
    let whole = ARMTests.template("<policies><inbound><base /></inbound></policies>")
    // Cut after the policy string's closing quote and its line end: at the end of what is left.
    let cut = String(whole.prefix(upTo: whole.range(of: "</policies>\"\n")!.upperBound))
    #expect(
      try Self.parseErrors(cut, path: ARMTests.path) == [
        "8:68 the document ends before the object opened at line 6, column 21 is closed: the file is cut short"
      ])
    let mismatched = whole.replacingOccurrences(of: "\n  ]\n}", with: "\n  }\n}")
    #expect(try Self.parseErrors(mismatched, path: ARMTests.path) == ["11:3 unexpected '}': no object is open here"])
  }
}

extension Substring {
  /// The offset in characters of the first `text`, or the end.
  fileprivate func distance(of text: String) -> Int {
    range(of: text).map { distance(from: startIndex, to: $0.lowerBound) } ?? count
  }
}

/// APIOps `configuration.<env>.yaml` files cut short: their credentials were read as far as the
/// cut, with no word that the rest of the file was lost.
struct UnterminatedYAMLTests {
  static let path = "configuration.prod.yaml"

  @Test("a configuration YAML cut inside a quoted string, or a flow sequence never closed, gave no parse error")
  func yamlCutInsideAQuotedScalar() throws {
    let cut = "backends:\n  - name: f\n    properties:\n      credentials:\n        header:\n"
    let quoted = cut + "          x-functions-key:\n            - \"{{f-key}}\n"
    let quotedFindings = try check(bytes(quoted), path: Self.path)
    #expect(quotedFindings.map(\.id) == [.operational(.parseError)])
    #expect(quotedFindings.map { [$0.line, $0.column] } == [[7, 15]])
    let flow = cut + "          x-functions-key: [ '{{f-key}}'\n"
    let flowFindings = try check(bytes(flow), path: Self.path)
    #expect(flowFindings.map(\.id) == [.operational(.parseError)])
    #expect(flowFindings.map { [$0.line, $0.column] } == [[6, 28]])
  }

  @Test("apostrophes in plain scalars, quotes in block scalars and comments, and flow mappings are no error")
  func yamlThatIsWholeStaysQuiet() throws {
    let source = """
      # the backend's credentials: "see below"
      namedValues:
        - name: it's-a-name
          properties:
            value: don't "quote" me
            description: |
              it's a block: "not closed
              nor this '
        - name: other
          properties: { displayName: 'it''s', tags: [a, "b"] }
      backends:
        - name: f
          properties:
            url: https://f.example/api?x=[a]
            credentials:
              header:
                x-functions-key: ["{{f-key}}"]

      """
    let findings = try check(bytes(source), path: Self.path)
    #expect(findings.map(\.id) == [.rule(.backendCredentials)], "\(findings)")
  }
}

/// An APIOps `backendInformation.json` (read only for its credentials) cut short: its
/// credentials were read as far as the cut, with no word that the rest was lost.
struct UnterminatedBackendInformationTests {
  @Test("a backendInformation.json cut short gave its credentials as if whole")
  func backendInformationCutShort() throws {
    let whole =
      #"{"properties":{"url":"https://f.azurewebsites.net/api","credentials":{"header":{"x-functions-key":["{{f-key}}"]}}}}"#
    let path = "backends/f/backendInformation.json"
    #expect(try check(bytes(whole), path: path).map(\.id) == [.rule(.backendCredentials)])
    let findings = try check(bytes(String(whole.dropLast(3))), path: path)
    #expect(findings.map(\.id) == [.operational(.parseError)])
    // At the end of what is left of the file.
    #expect(findings.map { [$0.line, $0.column] } == [[1, whole.count - 2]])
  }
}
