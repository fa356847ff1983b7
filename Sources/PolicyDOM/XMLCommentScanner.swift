/// Finds the XML comments of a file as a parser would see them: not the `<!--` written in a
/// CDATA section, an attribute value or a policy expression, which are text.
package enum XMLCommentScanner {
  /// The byte ranges of the comments of `source`, `<!--` to `-->` (to the end of the file for
  /// one that does not close), in file order: one pass over the bytes, with policy expressions
  /// masked first (when one does not end, `source` is read as it is).
  package static func commentRanges(in source: [UInt8]) -> [Range<Int>] {
    guard source.containsLiteral("<!--") else { return [] }
    let masked = (try? ExpressionMasker.masking(source, templates: false))?.bytes ?? source
    var ranges: [Range<Int>] = []
    let n = masked.count
    var i = masked.firstOffset(of: "<", from: 0) ?? n
    while i < n {
      if masked.hasLiteral("<!--", at: i) {
        let end = masked.firstOffset(of: "-->", from: i + 4).map { $0 + 3 } ?? n
        ranges.append(i..<end)
        i = end
      } else if masked.hasLiteral("<![CDATA[", at: i) {
        i = masked.firstOffset(of: "]]>", from: i + 9).map { $0 + 3 } ?? n
      } else if i + 1 < n, startsName(masked[i + 1]) || masked[i + 1] == .slash {
        i = tagEnd(masked, from: i + 1)
      } else {
        i += 1
      }
      if i < n { i = masked.firstOffset(of: "<", from: i) ?? n }
    }
    return ranges
  }

  /// The offset after the `>` that ends the tag whose name starts at `from`, skipping quoted
  /// attribute values (a `>` or `<!--` in them is text).
  private static func tagEnd(_ bytes: [UInt8], from start: Int) -> Int {
    let end = bytes.firstOffsetOutsideQuotes(in: start..<max(start, bytes.count)) {
      bytes[$0] == .greaterThan || bytes[$0] == .lessThan
    }
    guard let end else { return max(start, bytes.count) }
    return bytes[end] == .greaterThan ? end + 1 : end
  }

  private static func startsName(_ byte: UInt8) -> Bool {
    (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == .underscore || byte >= 0x80
  }
}
