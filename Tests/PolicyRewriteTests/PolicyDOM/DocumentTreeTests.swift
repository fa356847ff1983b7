import CLibXML2
import Testing

@testable import PolicyDOM

/// What a parsed document keeps of a policy: its elements, nothing else (text is read from the
/// original bytes by range, attributes from the document's own table; libxml2's tree is freed
/// once read). How a large document is read: ``LargeDocumentTests``.
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

  @Test func theDocumentHoldsElementsOnly() throws {
    // libxml2 reads this one (the scanner does not vouch for processing instructions); the
    // scanner reads it without them.
    let plain = bytes(
      String(decoding: Self.source, as: UTF8.self).split(separator: "\n").filter { !$0.contains("<?pi") }
        .joined(separator: "\n"))
    #expect(Self.source.withUnsafeBufferPointer(WellFormedScanner.elements(of:)) == nil)
    let masked = try ExpressionMasker.mask(plain, templates: false) ?? plain
    #expect(masked.withUnsafeBufferPointer(WellFormedScanner.elements(of:)) != nil)
    for source in [Self.source, plain] {
      let document = try PolicyDocument.parse(source)
      #expect(document.elements.nodes.count == 6)
      #expect(document.attributeCount == 2)
    }
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

  /// The values `xmlGetProp` gave when attributes were libxml2 nodes.
  @Test func attributeValuesAreDecodedAsLibXML2DecodesThem() throws {
    let document = try PolicyDocument.parse(
      bytes(
        "<policies><a e='' amp='&amp;' char='&#38;' twice='&#x26;#38;' named='&lt;&gt;&quot;&apos;'"
          + " refs='x&#10;y&#9;z&#13;' spaces='a\tb\nc\r\nd' unicode='&#xE9;&#233;é😀' kept='  s  '"
          + " nested='&amp;amp;'/><b xmlns:p='u' xmlns:q='v' p:name='first' q:name='second' name='third'"
          + " xml:lang='en'/></policies>"))
    let a = try ParserTests.element("a", in: document)
    #expect(a.attribute("e") == "")
    #expect(a.attribute("amp") == "&")
    #expect(a.attribute("char") == "&")
    #expect(a.attribute("twice") == "&#38;")
    #expect(a.attribute("named") == "<>\"'")
    #expect(a.attribute("refs") == "x\ny\tz\r")
    #expect(a.attribute("spaces") == "a b c d")
    #expect(a.attribute("unicode") == "ééé😀")
    #expect(a.attribute("kept") == "  s  ")
    #expect(a.attribute("nested") == "&amp;")
    #expect(a.attribute("missing") == nil)
    let b = try ParserTests.element("b", in: document)
    // Whatever its namespace, the first attribute with the name.
    #expect(b.attribute("name") == "first")
    #expect(b.attribute("lang") == "en")
    #expect(b.attribute("xmlns") == nil)
    #expect(b.attribute("p") == nil)
    #expect(document.root.attribute("name") == nil)
  }

  /// Past a few dozen names, or with a name that is not ASCII, names are looked up as strings:
  /// the same values either way, and canonically equivalent names are one name (as the
  /// string-keyed table had them).
  @Test func manyAndNonASCIIAttributeNamesAreLookedUpAlike() throws {
    let attributes = (0..<40).map { " a\($0)=\"v\($0)\"" }.joined()
    let many = bytes("<policies><x\(attributes)/><y a39=\"last\" b=\"new\"/></policies>")
    #expect(many.withUnsafeBufferPointer(WellFormedScanner.elements(of:)) != nil)
    let document = try PolicyDocument.parse(many)
    let x = try ParserTests.element("x", in: document)
    #expect((0..<40).allSatisfy { x.attribute("a\($0)") == "v\($0)" })
    let y = try ParserTests.element("y", in: document)
    #expect(y.attribute("a39") == "last" && y.attribute("b") == "new" && y.attribute("a0") == nil)
    // U+212A KELVIN SIGN is canonically equivalent to K.
    let kelvin = try PolicyDocument.parse(bytes("<policies><x \u{212A}ey=\"1\" name=\"n\"/></policies>"))
    let element = try ParserTests.element("x", in: kelvin)
    #expect(element.attribute("Key") == "1")
    #expect(element.attribute("\u{212A}ey") == "1")
    #expect(element.attribute("name") == "n")
    let plain = try PolicyDocument.parse(bytes("<policies><x Key=\"1\"/></policies>"))
    #expect(try ParserTests.element("x", in: plain).attribute("\u{212A}ey") == "1")
  }

  /// libxml2 checks `xml:id` values as it makes the attribute nodes: an element with one still
  /// gets them, so that those errors stay.
  @Test func xmlIDIsStillChecked() throws {
    let bad = ParserTests.parseError(bytes(#"<policies><x xml:id="1bad"/></policies>"#))
    #expect(bad?.message == "malformed XML: xml:id : attribute value 1bad is not an NCName")
    #expect(bad.map { [$0.line, $0.column] } == [1, 27])
    let twice = ParserTests.parseError(bytes(#"<policies><x xml:id="a"/><y xml:id="a"/></policies>"#))
    #expect(twice?.message == "malformed XML: ID a already defined")
    let document = try PolicyDocument.parse(bytes(#"<policies><x xml:id="a" name="n"/></policies>"#))
    let x = try ParserTests.element("x", in: document)
    #expect(x.attribute("name") == "n")
    #expect(x.attribute("id") == "a")
  }
}
