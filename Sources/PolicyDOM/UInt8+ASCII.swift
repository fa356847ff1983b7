#if canImport(Glibc)
  import Glibc
#endif

// The constants and tests are inlinable: the other modules use them on every byte they scan,
// where a call (and a static's lazy initialization check) across modules costs more than the test.
extension UInt8 {
  @inlinable package static var tab: UInt8 { UInt8(ascii: "\t") }
  @inlinable package static var lineFeed: UInt8 { UInt8(ascii: "\n") }
  @inlinable package static var carriageReturn: UInt8 { UInt8(ascii: "\r") }
  @inlinable package static var space: UInt8 { UInt8(ascii: " ") }
  @inlinable package static var bang: UInt8 { UInt8(ascii: "!") }
  @inlinable package static var doubleQuote: UInt8 { UInt8(ascii: "\"") }
  @inlinable package static var dollar: UInt8 { UInt8(ascii: "$") }
  @inlinable package static var percent: UInt8 { UInt8(ascii: "%") }
  @inlinable package static var ampersand: UInt8 { UInt8(ascii: "&") }
  @inlinable package static var singleQuote: UInt8 { UInt8(ascii: "'") }
  @inlinable package static var openParen: UInt8 { UInt8(ascii: "(") }
  @inlinable package static var closeParen: UInt8 { UInt8(ascii: ")") }
  @inlinable package static var asterisk: UInt8 { UInt8(ascii: "*") }
  @inlinable package static var hyphen: UInt8 { UInt8(ascii: "-") }
  @inlinable package static var dot: UInt8 { UInt8(ascii: ".") }
  @inlinable package static var slash: UInt8 { UInt8(ascii: "/") }
  @inlinable package static var lessThan: UInt8 { UInt8(ascii: "<") }
  @inlinable package static var equals: UInt8 { UInt8(ascii: "=") }
  @inlinable package static var greaterThan: UInt8 { UInt8(ascii: ">") }
  @inlinable package static var question: UInt8 { UInt8(ascii: "?") }
  @inlinable package static var at: UInt8 { UInt8(ascii: "@") }
  @inlinable package static var openBracket: UInt8 { UInt8(ascii: "[") }
  @inlinable package static var backslash: UInt8 { UInt8(ascii: "\\") }
  @inlinable package static var closeBracket: UInt8 { UInt8(ascii: "]") }
  @inlinable package static var underscore: UInt8 { UInt8(ascii: "_") }
  @inlinable package static var openBrace: UInt8 { UInt8(ascii: "{") }
  @inlinable package static var closeBrace: UInt8 { UInt8(ascii: "}") }

  /// Whether the byte is XML white space (space, tab, CR, LF).
  @inlinable package var isXMLSpace: Bool {
    self == .space || self == .tab || self == .lineFeed || self == .carriageReturn
  }

  /// Whether the byte is a space or a tab: indentation.
  @inlinable package var isBlank: Bool { self == .space || self == .tab }

  /// Whether the byte is an ASCII hexadecimal digit.
  @inlinable package var isHexDigit: Bool {
    (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66)
  }

  /// The byte with ASCII letters lowered.
  @inlinable package var asciiLowercased: UInt8 { self >= 65 && self <= 90 ? self + 32 : self }
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
  ///
  /// `memchr` looks for the byte of `literal` that is rarest in policy text (the `z` of
  /// `authorization`, the `#` of `&#`), not for its first byte: a first byte as common as `a`
  /// or `i` stopped `memchr` every few bytes. Each hit is a candidate start, checked whole;
  /// hits come in order, so the first candidate that matches is the first occurrence.
  package func firstOffset(of literal: StaticString, from start: Int, caseInsensitive: Bool = false) -> Int? {
    literal.withUTF8Buffer { pattern -> Int? in
      guard !pattern.isEmpty, start >= 0 else { return nil }
      return withUnsafeBufferPointer { buffer -> Int? in
        guard let base = buffer.baseAddress else { return nil }
        // The last offset where the literal can start.
        let last = buffer.count - pattern.count
        guard start <= last else { return nil }
        let anchor = Self.rarestIndex(in: pattern)
        /// The next candidate start at or after `from` whose anchor byte is `byte`, by `memchr`.
        func next(_ byte: UInt8, from: Int) -> Int {
          let position = from + anchor
          guard from <= last, let pointer = memchr(base + position, Int32(byte), last - from + 1) else {
            return Int.max
          }
          return base.distance(to: pointer.assumingMemoryBound(to: UInt8.self)) - anchor
        }
        // Case-insensitive: the next lower-case and the next upper-case anchor, each found by
        // `memchr`; the nearer one is tried.
        let lower = caseInsensitive ? pattern[anchor].asciiLowercased : pattern[anchor]
        let upper = caseInsensitive && lower >= 0x61 && lower <= 0x7A ? lower - 32 : lower
        var nextLower = next(lower, from: start)
        var nextUpper = upper == lower ? Int.max : next(upper, from: start)
        while true {
          let hit = Swift.min(nextLower, nextUpper)
          guard hit <= last else { return nil }
          var matches = true
          for k in 0..<pattern.count where k != anchor {
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

  /// The index of the byte of `pattern` that is rarest in policy text, by a fixed ranking
  /// (the first of the rarest on a tie).
  private static func rarestIndex(in pattern: UnsafeBufferPointer<UInt8>) -> Int {
    var best = 0
    var bestRank = Int.max
    for (index, byte) in pattern.enumerated() {
      let rank = commonness(of: byte)
      if rank < bestRank {
        best = index
        bestRank = rank
      }
    }
    return best
  }

  /// How common `byte` is in policy text, roughly (lower is rarer): letters in groups by their
  /// frequency in English (`z q x j` rarest, `t e` commonest), `#`, `%`, braces and `|` rarer
  /// still, digits, `@`, `$` and `?` rare, then the punctuation of markup, commonest of all
  /// the markup's own and space. Read from a table of 128 ranks (each one `0` plus the rank).
  private static func commonness(of byte: UInt8) -> Int {
    guard byte < 0x80 else { return 8 }
    // Bytes 0 to 63, then 64 to 127.
    let low: StaticString = "DDDDDDDDDXXDDXDDDDDDDDDDDDDDDDDDXDX050NXPPDDDPNN5555555555NNXXX5"
    let high: StaticString = "5?;==@<<>?:;==>?<:>>@=;<:<:DDDDPD?;==@<<>?:;==>?<:>>@=;<:<:000DD"
    return (byte < 64 ? low : high).withUTF8Buffer { Int($0[Int(byte & 63)]) - 48 }
  }

}
