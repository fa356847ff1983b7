#if canImport(Glibc)
  import Glibc
#endif

extension UInt8 {
  package static let tab = UInt8(ascii: "\t")
  package static let lineFeed = UInt8(ascii: "\n")
  package static let carriageReturn = UInt8(ascii: "\r")
  package static let space = UInt8(ascii: " ")
  package static let bang = UInt8(ascii: "!")
  package static let doubleQuote = UInt8(ascii: "\"")
  package static let dollar = UInt8(ascii: "$")
  package static let percent = UInt8(ascii: "%")
  package static let ampersand = UInt8(ascii: "&")
  package static let singleQuote = UInt8(ascii: "'")
  package static let openParen = UInt8(ascii: "(")
  package static let closeParen = UInt8(ascii: ")")
  package static let asterisk = UInt8(ascii: "*")
  package static let hyphen = UInt8(ascii: "-")
  package static let dot = UInt8(ascii: ".")
  package static let slash = UInt8(ascii: "/")
  package static let lessThan = UInt8(ascii: "<")
  package static let equals = UInt8(ascii: "=")
  package static let greaterThan = UInt8(ascii: ">")
  package static let question = UInt8(ascii: "?")
  package static let at = UInt8(ascii: "@")
  package static let openBracket = UInt8(ascii: "[")
  package static let backslash = UInt8(ascii: "\\")
  package static let closeBracket = UInt8(ascii: "]")
  package static let underscore = UInt8(ascii: "_")
  package static let openBrace = UInt8(ascii: "{")
  package static let closeBrace = UInt8(ascii: "}")

  /// Whether the byte is XML white space (space, tab, CR, LF).
  package var isXMLSpace: Bool { self == .space || self == .tab || self == .lineFeed || self == .carriageReturn }

  /// Whether the byte is a space or a tab: indentation.
  package var isBlank: Bool { self == .space || self == .tab }

  /// Whether the byte is an ASCII hexadecimal digit.
  package var isHexDigit: Bool {
    (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66)
  }

  /// The byte with ASCII letters lowered.
  package var asciiLowercased: UInt8 { self >= 65 && self <= 90 ? self + 32 : self }
}

extension RandomAccessCollection where Element == UInt8, Index == Int {
  /// Whether the bytes at `index` (counted from the start) are those of `literal`. Inlinable:
  /// other modules call it on slices and buffers, where an unspecialized generic call costs
  /// thousands of instructions.
  @inlinable package func hasLiteral(_ literal: StaticString, at index: Int) -> Bool {
    let count = literal.utf8CodeUnitCount
    guard index >= 0, index + count <= self.count else { return false }
    return literal.withUTF8Buffer { pattern in
      for k in 0..<count where self[startIndex + index + k] != pattern[k] { return false }
      return true
    }
  }
}

extension Array where Element == UInt8 {
  /// Whether `literal` occurs anywhere in the bytes (a `memchr` scan for its first byte).
  package func containsLiteral(_ literal: StaticString, caseInsensitive: Bool = false) -> Bool {
    firstOffset(of: literal, from: 0, caseInsensitive: caseInsensitive) != nil
  }

  /// The offset of the first occurrence of `literal` at or after `start`.
  package func firstOffset(of literal: StaticString, from start: Int, caseInsensitive: Bool = false) -> Int? {
    literal.withUTF8Buffer { pattern -> Int? in
      guard let first = pattern.first, start >= 0 else { return nil }
      return withUnsafeBufferPointer { buffer -> Int? in
        guard let base = buffer.baseAddress else { return nil }
        let last = buffer.count - pattern.count
        /// The next offset at or after `from` (up to `last`) that holds `byte`, by `memchr`.
        func next(_ byte: UInt8, from: Int) -> Int {
          guard from <= last,
            let pointer = memchr(base + from, Int32(byte), last - from + 1)
          else { return Int.max }
          return base.distance(to: pointer.assumingMemoryBound(to: UInt8.self))
        }
        // Case-insensitive: the next lower-case and the next upper-case first byte, each
        // found by `memchr`; the nearer one is tried.
        let lower = caseInsensitive ? first.asciiLowercased : first
        let upper = caseInsensitive && lower >= 0x61 && lower <= 0x7A ? lower - 32 : lower
        var nextLower = next(lower, from: start)
        var nextUpper = upper == lower ? Int.max : next(upper, from: start)
        while true {
          let hit = Swift.min(nextLower, nextUpper)
          guard hit <= last else { return nil }
          var matches = true
          for k in 1..<pattern.count {
            let byte = caseInsensitive ? base[hit + k].asciiLowercased : base[hit + k]
            let expected = caseInsensitive ? pattern[k].asciiLowercased : pattern[k]
            if byte != expected {
              matches = false
              break
            }
          }
          if matches { return hit }
          if hit == nextLower { nextLower = next(lower, from: hit + 1) } else { nextUpper = next(upper, from: hit + 1) }
        }
      }
    }
  }
}
