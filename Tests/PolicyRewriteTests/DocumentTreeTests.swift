import Testing

@testable import PolicyDOM

/// What a parsed document keeps of a policy: its elements and their attributes, nothing else
/// (text is read from the original bytes by range).
@Suite struct DocumentTreeTests {
  static let source = bytes(
    #"""
    <?xml version="1.0"?>
    <!-- before -->
    <?pi before?>
    <policies>
        <inbound>
            <base />
            <!-- a comment -->
            <?pi data?>
            <set-header name="a&amp;b&#x41;" exists-action='over&quot;ride'>
                <value>x &amp; y &#65; <![CDATA[<raw> & ]]> tail</value>
            </set-header>
            <set-body>@(context.Request.Body.As<string>(preserveContent: true))</set-body>
        </inbound>
    </policies>
    <!-- after -->
    """#)

  @Test func theTreeHoldsElementsOnly() throws {
    let document = try PolicyDocument.parse(Self.source)
    let counts = document.nodeCounts
    #expect(counts.elements == 6)
    #expect(counts.others == 0)
  }

  @Test func attributesKeepTheirDecodedValuesAndContentItsBytes() throws {
    let document = try PolicyDocument.parse(Self.source)
    let header = try ParserTests.element("set-header", in: document)
    #expect(header.attribute("name") == "a&bA")
    #expect(header.attribute("exists-action") == "over\"ride")
    let value = try ParserTests.element("value", in: document)
    #expect(value.rawContent == "x &amp; y &#65; <![CDATA[<raw> & ]]> tail")
    let body = try ParserTests.element("set-body", in: document)
    #expect(body.rawContent == "@(context.Request.Body.As<string>(preserveContent: true))")
    #expect(
      ParserTests.elements(document.root).map(\.name) == [
        "policies", "inbound", "base", "set-header", "value", "set-body",
      ])
  }
}
