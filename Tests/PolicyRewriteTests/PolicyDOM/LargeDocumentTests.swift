import Testing

@testable import PolicyDOM

/// How a large document is read: from `LibXML2Parser.streamingThreshold` (1 MiB) as libxml2
/// goes, with the same ranges and errors, and copied where a token reaches one of libxml2's
/// length limits (50,000 bytes for a name, 9,000,000 without a `<`). The inputs are as large as
/// those limits, so the suite is slow (megabytes built and scanned in a debug build).
@Suite(.slow, .tags(.slow))
struct LargeDocumentTests {
  /// A policy of about `lines` lines of 85 bytes, with `extra` before its end.
  static func large(lines: Int, extra: String = "") -> [UInt8] {
    var text = "<policies>\n  <inbound>\n"
    for index in 0..<lines {
      text += "    <set-header name=\"h\(index % 10)\" exists-action=\"override\"><value>v</value></set-header>\n"
    }
    return bytes(text + extra + "  </inbound>\n</policies>\n")
  }

  @Test func aLargeDocumentIsReadAsLibXML2GoesWithExactRangesAndErrors() throws {
    let source = Self.large(lines: 20_000)
    #expect(source.count > LibXML2Parser.streamingThreshold)
    #expect(source.withUnsafeBufferPointer(LibXML2Parser.readsAsItGoes))
    let document = try PolicyDocument.parse(source)
    let elements = ParserTests.elements(document.root)
    #expect(elements.count == 1 + 1 + 20_000 * 2)
    let last = try #require(elements.last)
    #expect(ParserTests.text(document, last.range) == "<value>v</value>")
    #expect(last.parent?.attribute("name") == "h9")
    // One expectation over all 40,002 ranges (one each would cost more than the parse).
    let misplaced = elements.filter {
      source[$0.range.lowerBound] != .lessThan || source[$0.range.upperBound - 1] != .greaterThan
    }
    #expect(misplaced.isEmpty, "\(misplaced.count) ranges do not start at < and end at >")
    let broken = Self.large(lines: 20_000, extra: "    <a b=1/>\n")
    let error = ParserTests.parseError(broken)
    #expect(error.map { [$0.line, $0.column] } == [20_003, 10])
  }

  /// Where a token reaches one of libxml2's length limits, reading as it goes would place the
  /// error elsewhere: such a document is copied, and the error stays where it was.
  @Test func aLargeDocumentWithAHugeNameIsCopied() throws {
    let name = String(repeating: "n", count: 60_000)
    for extra in ["    <\(name) />\n", "    <x \(name)=\"1\" />\n"] {
      let source = Self.large(lines: 20_000, extra: extra)
      #expect(!source.withUnsafeBufferPointer(LibXML2Parser.readsAsItGoes))
      let error = ParserTests.parseError(source)
      #expect(error?.message == "malformed XML: Name too long: NCName")
      #expect(error.map { [$0.line, $0.column] } == [20_003, extra.hasPrefix("    <x") ? 8 : 6])
    }
    let value = bytes("<policies><x a=\"" + String(repeating: "v", count: 9_000_000) + "\"/></policies>")
    #expect(!value.withUnsafeBufferPointer(LibXML2Parser.readsAsItGoes))
    let spaced = bytes("<policies><x a=\"" + String(repeating: "v ", count: 4_500_000) + "\"/></policies>")
    #expect(!spaced.withUnsafeBufferPointer(LibXML2Parser.readsAsItGoes))
  }
}
