import PolicyDOM

/// The strings of a JSON document (ARM templates allow `//` and `/* */` comments too), with
/// their byte offsets: what Foundation's `JSONSerialization` cannot give.
///
/// Only string boundaries and the nesting of objects and arrays are read; the document is not
/// otherwise parsed or validated. A document that ends inside a string, a comment, an object
/// or an array (a truncated file), or that closes a bracket it did not open, is reported.
enum JSONStringScanner {
  /// A string token.
  struct Token: Hashable {
    /// The bytes between the quotes.
    var content: Range<Int>
    /// Whether it is an object key (followed by `:`).
    var isKey: Bool
    /// The innermost object or array around it (in ``Scan/brackets``).
    var context: Int?
  }

  /// What one pass over a JSON document found.
  struct Scan {
    /// Every terminated string, in order.
    var tokens: [Token] = []
    /// The first syntax error that the pass sees (an unterminated string or comment, a
    /// bracket that does not match, a document cut before its end), at its offset.
    var error: (offset: Int, message: String)?
    /// The objects and arrays of the document.
    var brackets = CodeBrackets()
  }

  /// Every terminated string of `bytes`, in order.
  static func strings(in bytes: [UInt8]) -> [Token] { scan(bytes).tokens }

  /// The strings of `bytes`, and the first syntax error the pass sees.
  static func scan(_ bytes: [UInt8]) -> Scan {
    // The open objects and arrays are `result.brackets`' innermost opener and those around it.
    var result = Scan()
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
        guard j < n else {
          result.error = (i, unterminatedString)
          return result
        }
        var k = j + 1
        while k < n, bytes[k].isXMLSpace { k += 1 }
        result.tokens.append(
          Token(content: start..<j, isKey: k < n && bytes[k] == UInt8(ascii: ":"), context: result.brackets.innermost))
        i = j + 1
      } else if b == .slash, i + 1 < n, bytes[i + 1] == .slash {
        while i < n, bytes[i] != .lineFeed { i += 1 }
      } else if b == .slash, i + 1 < n, bytes[i + 1] == .asterisk {
        guard let close = bytes.firstOffset(of: "*/", from: i + 2) else {
          result.error = (i, "the comment is not terminated: no closing */")
          return result
        }
        i = close + 2
      } else if b == .openBrace || b == .openBracket {
        result.brackets.enter(b, at: i)
        i += 1
      } else if b == .closeBrace || b == .closeBracket {
        let expected: UInt8 = b == .closeBrace ? .openBrace : .openBracket
        guard result.brackets.innermostOpener?.bracket == expected else {
          result.error = (
            i, "unexpected '\(Character(Unicode.Scalar(b)))': no \(b == .closeBrace ? "object" : "array") is open here"
          )
          return result
        }
        result.brackets.leave(at: i)
        i += 1
      } else {
        i += 1
      }
    }
    if let last = result.brackets.innermostOpener {
      var end = n
      while end > 0, bytes[end - 1].isXMLSpace { end -= 1 }
      let (line, column) = LineMap(bytes).location(of: last.offset)
      let what = last.bracket == .openBrace ? "the object" : "the array"
      result.error = (
        end,
        "the document ends before \(what) opened at line \(line), column \(column) is closed: the file is cut short"
      )
    }
    return result
  }

  static let unterminatedString = "the string is not terminated: the file ends before its closing \""

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
