import PolicyDOM

extension DecodedText {
  /// How a string format writes a Unicode escape after `\u`.
  enum UnicodeEscape {
    /// Bicep: `\u{…}`, any number of hexadecimal digits between the braces.
    case braced
    /// JSON: `\uXXXX`, a UTF-16 surrogate pair written as two escapes.
    case fourDigits
  }

  /// Decodes the backslash escapes that Bicep `'…'` strings and JSON strings share (`\n`, `\r`,
  /// `\t`, and any other `\c` as `c`), the format's Unicode escape and, with `controlEscapes`,
  /// JSON's `\b` and `\f`, from `start` up to `stop`; every other byte decodes to itself.
  ///
  /// - Parameters:
  ///   - end: The end of the string's content: an escape may read up to it, past `stop`.
  ///   - escapedLessThan: Set when a Unicode escape writes `<`.
  /// - Returns: Where decoding stopped: `stop`, or after an escape that ends past it.
  mutating func appendDecodingEscapes(
    _ bytes: [UInt8], from start: Int, upTo stop: Int, end: Int, unicode: UnicodeEscape, controlEscapes: Bool,
    escapedLessThan: inout Bool
  ) -> Int {
    var i = start
    while i < stop {
      let run = appendUnescaped(bytes, from: i, upTo: stop)
      if run > i {
        i = run
        continue
      }
      guard i + 1 < end else {
        append(bytes[i], at: i)
        i += 1
        continue
      }
      let next = bytes[i + 1]
      switch next {
      case UInt8(ascii: "n"): append(.lineFeed, at: i)
      case UInt8(ascii: "r"): append(.carriageReturn, at: i)
      case UInt8(ascii: "t"): append(.tab, at: i)
      case UInt8(ascii: "b") where controlEscapes: append(0x08, at: i)
      case UInt8(ascii: "f") where controlEscapes: append(0x0C, at: i)
      case UInt8(ascii: "u"):
        guard let (value, length) = Self.unicodeEscape(bytes, at: i, end: end, form: unicode) else {
          append(next, at: i)
          break
        }
        if value == 0x3C { escapedLessThan = true }
        append(scalar: value, at: i)
        i += length
        continue
      default: append(next, at: i)
      }
      i += 2
    }
    return i
  }

  /// The scalar value and encoded length of the Unicode escape whose backslash is at `i`.
  private static func unicodeEscape(_ bytes: [UInt8], at i: Int, end: Int, form: UnicodeEscape) -> (UInt32, Int)? {
    switch form {
    case .braced:
      guard i + 2 < end, bytes[i + 2] == .openBrace, let close = bytes[(i + 3)..<end].firstIndex(of: .closeBrace),
        let value = hexValue(bytes, from: i + 3, count: close - i - 3, end: close)
      else { return nil }
      return (value, close + 1 - i)
    case .fourDigits:
      guard let value = hexValue(bytes, from: i + 2, count: 4, end: end) else { return nil }
      if (0xD800..<0xDC00).contains(value), bytes.hasLiteral("\\u", at: i + 6),
        let low = hexValue(bytes, from: i + 8, count: 4, end: end), (0xDC00..<0xE000).contains(low)
      {
        return (0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00), 12)
      }
      return (value, 6)
    }
  }
}
