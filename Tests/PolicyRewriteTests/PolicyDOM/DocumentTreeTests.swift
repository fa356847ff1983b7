import CLibXML2
import Testing

@testable import PolicyDOM

/// What a parsed document keeps of a policy: libxml2's tree of elements, nothing else (text is
/// read from the original bytes by range, attributes from the document's own table). How a
/// large document is read: ``LargeDocumentTests``.
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
    #expect(counts.attributes == 0)
    #expect(counts.others == 0)
    #expect(document.attributeCount == 2)
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
    #expect(document.nodeCounts.attributes == 2)
  }
}

extension PolicyDocument {
  /// How many nodes libxml2's tree holds under the document node: elements, attributes (which
  /// the document keeps apart, see ``AttributeTable``, so that there are none unless an element
  /// has an `xml:id`), and nodes of any other kind (text, comments, CDATA, processing
  /// instructions, entity references), which a parsed document never builds.
  var nodeCounts: (elements: Int, attributes: Int, others: Int) {
    var counts = (elements: 0, attributes: 0, others: 0)
    var stack: [xmlNodePtr] = []
    var next = tree.pointee.children
    while true {
      if let node = next {
        if node.pointee.type == XML_ELEMENT_NODE { counts.elements += 1 } else { counts.others += 1 }
        var attribute = node.pointee.properties
        while let current = attribute {
          counts.attributes += 1
          attribute = current.pointee.next
        }
        if let sibling = node.pointee.next { stack.append(sibling) }
        next = node.pointee.children
      } else if let pending = stack.popLast() {
        next = pending
      } else {
        return counts
      }
    }
  }
}
