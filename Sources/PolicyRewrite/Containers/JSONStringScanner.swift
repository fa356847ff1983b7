import PolicyDOM

/// The strings of a JSON document (ARM templates allow `//` and `/* */` comments too), with
/// their byte offsets: what Foundation's `JSONSerialization` cannot give.
///
/// Only string boundaries are found; the document is not otherwise parsed or validated.
enum JSONStringScanner {
  /// A string token.
  struct Token: Hashable {
    /// The bytes between the quotes.
    var content: Range<Int>
    /// Whether it is an object key (followed by `:`).
    var isKey: Bool
  }

  /// Every string of `bytes`, in order; an unterminated string runs to the end.
  static func strings(in bytes: [UInt8]) -> [Token] {
    var tokens: [Token] = []
    let n = bytes.count
    var i = 0
    while i < n {
      let b = bytes[i]
      if b == .doubleQuote {
        let start = i + 1
        var j = start
        while j < n, bytes[j] != .doubleQuote {
          j += bytes[j] == .backslash ? 2 : 1
        }
        let end = min(j, n)
        var k = end + 1
        while k < n, bytes[k].isXMLSpace { k += 1 }
        tokens.append(Token(content: start..<end, isKey: k < n && bytes[k] == UInt8(ascii: ":")))
        i = end + 1
      } else if b == .slash, i + 1 < n, bytes[i + 1] == .slash {
        while i < n, bytes[i] != .lineFeed { i += 1 }
      } else if b == .slash, i + 1 < n, bytes[i + 1] == .asterisk {
        i = bytes.firstOffset(of: "*/", from: i + 2).map { $0 + 2 } ?? n
      } else {
        i += 1
      }
    }
    return tokens
  }

  /// Decodes a string's content: `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX`
  /// (surrogate pairs joined). Inserted text is escaped the way the string writes markup:
  /// `\u003c` when it escapes `<` so.
  static func decode(_ bytes: [UInt8], _ content: Range<Int>) -> EmbeddedPolicy {
    var text = DecodedText(capacity: content.count)
    var escapesMarkup = false
    _ = text.appendDecodingEscapes(
      bytes, from: content.lowerBound, upTo: content.upperBound, end: content.upperBound, unicode: .fourDigits,
      controlEscapes: true, escapedLessThan: &escapesMarkup)
    return text.policy(endingAt: content.upperBound, escaping: .json(unicodeMarkup: escapesMarkup))
  }
}
