import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// Spec §4: libxml2 DOM, exact spans into the original bytes, masking, refusals.
@Suite struct ParserTests {
  /// Every element of the document, depth first, in document order.
  static func elements(_ root: PolicyElement) -> [PolicyElement] {
    [root] + root.children.flatMap(elements)
  }

  static func element(_ name: String, in document: PolicyDocument, _ index: Int = 0) throws -> PolicyElement {
    let matches = elements(document.root).filter { $0.name == name }
    try #require(matches.count > index, "no <\(name)> #\(index)")
    return matches[index]
  }

  static func text(_ document: PolicyDocument, _ range: Range<Int>) -> String {
    string(Array(document.source[range]))
  }

  static func parseError(_ source: [UInt8]) -> ParseError? {
    do {
      _ = try PolicyDocument.parse(source)
      return nil
    } catch {
      return error
    }
  }

  // MARK: Spans

  @Test func everyElementRangeStartsWithItsNameAndEndsWithAngleBracket() throws {
    let source = bytes(
      """
      <?xml version="1.0"?>
      <policies>
          <inbound>
              <base />
              <set-header name="x-functions-key" exists-action="override">
                  <value>{{orders-func-key}}</value>
              </set-header>
              <set-backend-service backend-id="orders-func"/>
              <empty></empty>
          </inbound>
      </policies>
      """)
    let document = try PolicyDocument.parse(source)
    let all = Self.elements(document.root)
    #expect(all.map(\.name) == ["policies", "inbound", "base", "set-header", "value", "set-backend-service", "empty"])
    for element in all {
      let text = Self.text(document, element.range)
      #expect(text.hasPrefix("<\(element.name)"), "\(element.name): \(text)")
      #expect(text.hasSuffix(">"), "\(element.name): \(text)")
    }
    let header = try Self.element("set-header", in: document)
    #expect(
      Self.text(document, header.range)
        == "<set-header name=\"x-functions-key\" exists-action=\"override\">\n            <value>{{orders-func-key}}</value>\n        </set-header>"
    )
    #expect(
      Self.text(document, header.contentRange) == "\n            <value>{{orders-func-key}}</value>\n        ")
    let value = try Self.element("value", in: document)
    #expect(Self.text(document, value.range) == "<value>{{orders-func-key}}</value>")
    #expect(Self.text(document, value.contentRange) == "{{orders-func-key}}")
    #expect(value.rawContent == "{{orders-func-key}}")
    #expect(!value.isEmptyElementTag)

    let base = try Self.element("base", in: document)
    #expect(Self.text(document, base.range) == "<base />")
    #expect(base.contentRange.isEmpty)
    #expect(base.isEmptyElementTag)
    let backend = try Self.element("set-backend-service", in: document)
    #expect(Self.text(document, backend.range) == "<set-backend-service backend-id=\"orders-func\"/>")
    #expect(backend.isEmptyElementTag)
    let empty = try Self.element("empty", in: document)
    #expect(Self.text(document, empty.range) == "<empty></empty>")
    #expect(empty.contentRange.isEmpty)
    #expect(!empty.isEmptyElementTag)

    let policies = document.root
    #expect(policies.range.lowerBound == 22)
    #expect(policies.range.upperBound == source.count)
  }

  @Test func locationsAreLinesAndCharacterColumns() throws {
    let source: [UInt8] =
      [0xEF, 0xBB, 0xBF] + bytes("<policies>\r\n\t<inbound>\r\n  <!-- é -->  <base />\r\n\t</inbound>\r\n</policies>")
    let document = try PolicyDocument.parse(source)
    #expect(document.root.location == (1, 1))
    let inbound = try Self.element("inbound", in: document)
    #expect(inbound.location == (2, 2))
    let base = try Self.element("base", in: document)
    // "  <!-- é -->  " is 14 characters (16 bytes).
    #expect(base.location == (3, 15))
    #expect(base.path == ["inbound", "base"])
    #expect(base.parent?.name == "inbound")
    #expect(document.root.parent == nil)
  }

  @Test func attributesAreDecodedAndRawContentIsNot() throws {
    let document = try PolicyDocument.parse(
      bytes(
        #"<policies><inbound><set-header name='a&amp;b' exists-action="override"><value>x &amp; y</value></set-header></inbound></policies>"#
      ))
    let header = try Self.element("set-header", in: document)
    #expect(header.attribute("name") == "a&b")
    #expect(header.attribute("exists-action") == "override")
    #expect(header.attribute("missing") == nil)
    let value = try Self.element("value", in: document)
    #expect(value.rawContent == "x &amp; y")
  }

  @Test func maskingLetsRawXMLParseAndSpansPointIntoTheOriginal() throws {
    let source = bytes(
      #"""
      <policies>
          <inbound>
              <choose>
                  <when condition="@(context.Request.Headers.GetValueOrDefault<string>("x-tier", "") == "gold" && context.User != null)">
                      <set-variable name="n" value="@{ var a = "<"; return a + '"'; }" />
                  </when>
              </choose>
              <set-body>@{
                  var o = context.Request.Body.As<JObject>(true);
                  return o["a"] != null && o["b"] < 3 ? "x" : "y";
              }</set-body>
              <set-header name="x-functions-key"><value>{{k}}</value></set-header>
          </inbound>
      </policies>
      """#)
    let document = try PolicyDocument.parse(source)
    #expect(document.source == source)
    let when = try Self.element("when", in: document)
    let whenText = Self.text(document, when.range)
    #expect(whenText.hasPrefix(#"<when condition="@(context.Request.Headers.GetValueOrDefault<string>("x-tier""#))
    #expect(whenText.hasSuffix("</when>"))
    // Attribute values read through the mask: same length, masked bytes as `_`.
    let condition = try #require(when.attribute("condition"))
    #expect(
      condition.utf8.count
        == #"@(context.Request.Headers.GetValueOrDefault<string>("x-tier", "") == "gold" && context.User != null)"#.utf8
        .count)
    #expect(condition.hasPrefix("@("))
    let variable = try Self.element("set-variable", in: document)
    #expect(
      Self.text(document, variable.range) == #"<set-variable name="n" value="@{ var a = "<"; return a + '"'; }" />"#)
    let body = try Self.element("set-body", in: document)
    #expect(body.rawContent.contains(#"o["a"] != null && o["b"] < 3"#))
    let header = try Self.element("set-header", in: document)
    #expect(
      Self.text(document, header.range) == #"<set-header name="x-functions-key"><value>{{k}}</value></set-header>"#)
  }

  // MARK: Refusals

  @Test func doctypeIsRefused() throws {
    let error = try #require(
      Self.parseError(bytes("<?xml version=\"1.0\"?>\n<!DOCTYPE policies>\n<policies><inbound /></policies>")))
    #expect(error.kind == .doctype)
    #expect(error.line == 2)
    #expect(error.column == 1)
  }

  @Test func externalEntityIsRefusedAsDoctype() throws {
    let source = bytes(
      """
      <?xml version="1.0"?>
      <!DOCTYPE policies [
        <!ENTITY xxe SYSTEM "file:///etc/passwd">
      ]>
      <policies>
          <inbound>
              <set-header name="x-functions-key"><value>&xxe;</value></set-header>
          </inbound>
      </policies>
      """)
    let error = try #require(Self.parseError(source))
    #expect(error.kind == .doctype)
    #expect(error.line == 2)
    #expect(!error.message.contains("root:x:"))
    // The rewriter and check report it as a parse error and change nothing.
    let result = try rewrite(source)
    expectBytes(result.output, source)
    #expect(ids(result.findings) == [.operational(.parseError)])
    #expect(ids(try check(source)) == [.operational(.parseError)])
  }

  @Test func internalEntityDeclarationIsRefused() throws {
    let source = bytes(
      #"<!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><policies>&b;</policies>"#)
    #expect(Self.parseError(source)?.kind == .doctype)
  }

  @Test func malformedXMLGivesLineAndColumn() throws {
    let error = try #require(
      Self.parseError(
        bytes("<policies>\n    <inbound>\n        <base />\n    </outbound>\n</policies>\n")))
    #expect(error.kind == .malformed)
    #expect(error.line == 4)
    #expect(error.column > 1)
    #expect(error.description.hasPrefix("4:\(error.column): "))

    let unquoted = try #require(
      Self.parseError(bytes("<policies>\n  <inbound>\n    <base a=b />\n  </inbound>\n</policies>")))
    #expect(unquoted.kind == .malformed)
    #expect(unquoted.line == 3)

    let unclosed = try #require(Self.parseError(bytes("<policies>\n  <inbound>\n")))
    #expect(unclosed.kind == .malformed)
    #expect(unclosed.line >= 2)
  }

  @Test func malformedFileIsAParseErrorFindingAndUnchanged() throws {
    let source = bytes(
      "<policies>\n  <inbound>\n    <set-header name=\"x-functions-key\"><value>{{k}}</value>\n  </inbound>\n</policies>\n"
    )
    let result = try rewrite(source)
    expectBytes(result.output, source)
    #expect(result.changed == false, "the output differs from the input")
    #expect(ids(result.findings) == [.operational(.parseError)])
    #expect(result.findings.first?.severity == .error)
    #expect((result.findings.first?.line ?? 0) >= 4)
  }

  @Test(arguments: [[], Array("   \n\t\r\n".utf8), [0xEF, 0xBB, 0xBF]] as [[UInt8]])
  func emptyFileIsRefused(source: [UInt8]) throws {
    let error = try #require(Self.parseError(source))
    #expect(error.kind == .empty)
  }

  @Test func utf16IsRefused() throws {
    let text = "<policies><inbound><base /></inbound></policies>"
    let littleEndian: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    let bigEndian: [UInt8] = [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    let noBOM: [UInt8] = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    for source in [littleEndian, bigEndian, noBOM] {
      #expect(Self.parseError(source)?.kind == .encoding)
    }
  }

  @Test func unterminatedExpressionIsReportedAtItsAt() throws {
    let attribute = try #require(
      Self.parseError(
        bytes(
          "<policies>\n  <inbound>\n    <set-variable name=\"x\" value=\"@(context.Request.Headers.Count\" />\n  </inbound>\n</policies>\n"
        )))
    #expect(attribute.kind == .unterminatedExpression)
    #expect(attribute.line == 3)
    #expect(attribute.column == 35)

    let text = try #require(
      Self.parseError(
        bytes("<policies>\n  <inbound>\n    <set-body>@{ return \"x\";</set-body>\n  </inbound>\n</policies>")))
    #expect(text.kind == .unterminatedExpression)
    #expect(text.line == 3)
    #expect(text.column == 15)
  }

  @Test func nonPolicyXMLIsNotAnalysed() throws {
    let source = bytes(
      "<configuration>\n  <set-header name=\"x-functions-key\"><value>{{k}}</value></set-header>\n</configuration>\n")
    let result = try rewrite(source)
    #expect(!result.isPolicy)
    expectBytes(result.output, source)
    #expect(result.findings.isEmpty)
  }
}
