import Testing

@testable import PolicyDOM

/// ``WellFormedScanner`` vouches only for what libxml2 reads without an error: checked against
/// libxml2 itself (a parse of the same bytes that never asks the scanner) on hand-made
/// documents, every corpus file as written and masked, and mutations of them.
struct WellFormedScannerTests {
  static func vouches(_ bytes: [UInt8]) -> String? {
    bytes.withUnsafeBufferPointer(WellFormedScanner.rootName(of:))
  }

  /// libxml2's reading of `bytes`: the root's name, or `nil` for an error.
  static func libxml2Root(_ bytes: [UInt8]) -> String? {
    (try? PolicyDocument.parsedAsWritten(bytes))?.root.name
  }

  /// Records a document the scanner vouches for and libxml2 does not read the same way;
  /// returns whether the scanner vouched.
  @discardableResult
  static func expectSound(_ bytes: [UInt8], _ label: String, sourceLocation: SourceLocation = #_sourceLocation)
    -> Bool
  {
    if WellFormedScanner.isCertainlyMalformed(bytes) {
      #expect(libxml2Root(bytes) == nil, "\(label): called malformed, libxml2 reads it", sourceLocation: sourceLocation)
    }
    guard let root = vouches(bytes) else {
      #expect(
        bytes.withUnsafeBufferPointer(WellFormedScanner.elements(of:)) == nil,
        "\(label): elements read where the scanner does not vouch", sourceLocation: sourceLocation)
      return false
    }
    #expect(
      libxml2Root(bytes) == root,
      "\(label): vouched for root \(root), libxml2 reads \(libxml2Root(bytes) ?? "an error")",
      sourceLocation: sourceLocation)
    // The scanner's reading is the document's: the same elements, spans and attribute values.
    let elements = bytes.withUnsafeBufferPointer(WellFormedScanner.elements(of:))
    #expect(
      elements != nil && elements == (try? PolicyDocument.parsedAsWritten(bytes))?.elements,
      "\(label): the scanner's elements differ from libxml2's", sourceLocation: sourceLocation)
    return true
  }

  @Test(arguments: [
    "<policies/>",
    "\u{FEFF}<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!-- c --><policies>\n\t<inbound />\n</policies>\n<!-- end -->\n",
    "<?xml version='1.0' standalone='yes' ?><a b='x' c=\"y\">t&amp;t &lt;&gt;&quot;&apos; &#65;&#x1F600;</a>",
    "<a><![CDATA[ <not> & markup ]] ]]></a>",
    "<a>h\u{E9}llo \u{4E16}\u{754C} \u{1F600}</a>",
    "<a-b.c_d e-f.g=\"1\"><a-b.c_d/></a-b.c_d >",
    "<a>x > y ] ]> z</a>",
    "<a e='' amp='&amp;' char='&#38;' twice='&#x26;#38;' named='&lt;&gt;&quot;&apos;' refs='x&#10;y&#9;z&#13;'"
      + " spaces='a\tb\nc\r\nd\re\r' unicode='&#xE9;&#233;\u{E9}\u{1F600}' kept='  s  ' nested='&amp;amp;'>"
      + "<b c=\"1\" e='' /> t <d>x</d ><d/><!-- c --><e><f g='h'></f></e></a>",
    "<policies>\r\n  <inbound>\r\n    <base />\r\n    <set-header name=\"x-functions-key\" exists-action=\"override\">"
      + "<value>{{k}}</value></set-header>\r\n  </inbound>\r\n</policies>\r\n",
  ])
  func vouchesForPlainDocuments(_ text: String) {
    let bytes = Array(text.utf8)
    #expect(Self.vouches(bytes) != nil, "not vouched for: \(text)")
    Self.expectSound(bytes, text)
  }

  /// Each is refused by libxml2, or outside the subset: never vouched for.
  @Test(arguments: [
    "", "   ", "<a>", "<a></b>", "<a/><b/>", "<a/>text", "text<a/>", "<a b=\"1\" b=\"2\"/>", "<a b=1/>",
    "<a b=\"<\"/>", "<a b=\"1\"c=\"2\"/>", "<a / >", "<a b/>", "<a>]]></a>", "<!-- a -- b --><a/>",
    "<!-- a ---><a/>", "<a>&#0;</a>", "<a>&#xD800;</a>", "<a>&#x110000;</a>", "<a>&#X41;</a>", "<a>&foo;</a>",
    "<a>&amp</a>", "<a>& b</a>", "<?xml version=\"1.1\"?><a/>", "<?xml version=\"1.0\" encoding=\"latin1\"?><a/>",
    " <?xml version=\"1.0\"?><a/>", "<?xml version=\"1.0\"encoding=\"utf-8\"?><a/>", "<?pi x?><a/>",
    "<a><?pi x?></a>", "<!DOCTYPE a><a/>", "<a xmlns=\"u\"/>", "<a xmlns:p=\"u\"><p:b/></a>", "<p:a/>",
    "<a>\u{1}</a>", "<a b=\"\u{0}\"/>", "<a><!-- \u{8} --></a>", "<1a/>", "<a><![CDATA[x</a>", "<a><!-- x</a>",
    "<a><!x></a>", "<a b=\"1></a>", "<a\u{E9}/>", "<a>\u{FFFE}</a>", "<a>\u{FFFF}</a>",
  ])
  func refusesWhatItCannotVouchFor(_ text: String) {
    let bytes = Array(text.utf8)
    #expect(Self.vouches(bytes) == nil, "vouched for: \(text.debugDescription)")
  }

  /// What unescaped policy expressions leave: certainly malformed, so the reading as written
  /// need not be tried; anything merely outside the subset is not called malformed.
  @Test func callsMalformedOnlyWhatEveryParserRefuses() {
    for text in [
      "<a b=\"@(x < 1)\"/>", "<a>@(a && b)</a>", "<a b=\"@(a & b)\"/>", "<a><b/>@(x < 1)</a>", "<a>@(1 <2)</a>",
      "<a>x <= y</a>", "<a><<b/></a>", "<a b=\"@(f(\"x\"))\"/>", "<a b c=\"1\"/>", "<a b=c/>", "<a></b>",
      "<a\"x\"/>",
    ] {
      #expect(WellFormedScanner.isCertainlyMalformed(Array(text.utf8)), "\(text)")
      #expect(Self.libxml2Root(Array(text.utf8)) == nil, "\(text)")
    }
    for text in ["<a/>", "<p:a b=\"<\"/>", "<!DOCTYPE a><a>&&</a>", "<a>&\u{E9};</a>", "<a>&x:y;</a>", "<a><b:c/></a>"]
    {
      #expect(!WellFormedScanner.isCertainlyMalformed(Array(text.utf8)), "\(text)")
    }
  }

  @Test(
    arguments: [
      [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
      [0x80], [0xC3], [0xE4, 0xB8], [0xFF],
    ] as [[UInt8]])
  func refusesInvalidUTF8(_ sequence: [UInt8]) {
    let bytes = Array("<a>".utf8) + sequence + Array("</a>".utf8)
    #expect(Self.vouches(bytes) == nil)
    #expect(Self.libxml2Root(bytes) == nil)
  }

  @Test func refusesDepthAndAttributeCountsBeyondItsLimits() {
    let depth = WellFormedScanner.maximumDepth
    let deep = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
    #expect(Self.vouches(Array(deep.utf8)) == "a")
    let deeper = String(repeating: "<a>", count: depth + 1) + String(repeating: "</a>", count: depth + 1)
    #expect(Self.vouches(Array(deeper.utf8)) == nil)
    let attributes = (0..<WellFormedScanner.maximumAttributes).map { " a\($0)=\"\"" }.joined()
    #expect(Self.vouches(Array("<a\(attributes)/>".utf8)) == "a")
    #expect(Self.vouches(Array("<a\(attributes) z=\"\"/>".utf8)) == nil)
    #expect(Self.vouches([UInt8](repeating: 0x20, count: WellFormedScanner.maximumSize) + Array("<a/>".utf8)) == nil)
  }

  @Test(.enabled(if: Corpus.exists, Comment(rawValue: Corpus.skipMessage)), .slow, .tags(.slow))
  func corpusFilesAndTheirMutationsAreVouchedForOnlyWhenLibxml2ReadsThem() throws {
    var generator = Reliability.Random(seed: 0x5EED)
    var vouched = 0
    var libxml2Reads = 0
    var mutationsVouched = 0
    var certainlyMalformed = 0
    let alphabet = Array("<>/&;#x\"'=-![]?: \tab1\u{E9}".utf8) + [0x00, 0xBF, 0xEF]
    for entry in try Corpus.manifest() {
      let source = try Corpus.bytes(entry.path)
      var readings = [source]
      if let masked = try? ExpressionMasker.mask(source, templates: false) { readings.append(masked) }
      for bytes in readings {
        if WellFormedScanner.isCertainlyMalformed(bytes) { certainlyMalformed += 1 }
        if Self.libxml2Root(bytes) != nil { libxml2Reads += 1 }
        if Self.expectSound(bytes, entry.path) { vouched += 1 }
      }
      guard let masked = readings.last, !masked.isEmpty else { continue }
      for _ in 0..<12 {
        var mutant = masked
        let position = Int(generator.next() % UInt64(mutant.count))
        switch generator.next() % 4 {
        case 0: mutant.remove(at: position)
        case 1: mutant.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: position)
        case 2: mutant[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
        default:
          let end = min(mutant.count, position + 1 + Int(generator.next() % 40))
          mutant.insert(contentsOf: mutant[position..<end], at: position)
        }
        if Self.expectSound(mutant, "\(entry.path) mutated at \(position)") { mutationsVouched += 1 }
      }
    }
    // The scanner serves most of what libxml2 reads, and mutations reach it too.
    #expect(vouched * 10 >= libxml2Reads * 9, "vouched for \(vouched) of \(libxml2Reads) readings libxml2 accepts")
    #expect(mutationsVouched > 1_000, "only \(mutationsVouched) mutations were vouched for")
    #expect(certainlyMalformed > 40, "only \(certainlyMalformed) raw policies were called malformed")
  }
}
