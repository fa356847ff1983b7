import PolicyDOM

/// The string literals of a Bicep file, found by one pass that knows comments, multi-line
/// strings and `${…}` interpolation holes (which can hold strings of their own).
///
/// The nesting is kept on an explicit stack, so that deep nesting in a hostile file costs
/// memory, not the thread's stack.
struct BicepLexer {
  /// A string literal.
  struct StringLiteral: Hashable {
    /// The bytes between the quotes.
    var content: Range<Int>
    /// Whether it is a `'''` multi-line string (verbatim: no escapes, no interpolation).
    var isMultiline: Bool
    /// The `${…}` holes, from `$` to after `}`, in order.
    var holes: [Range<Int>]
    /// Whether the string stands inside another string's interpolation hole.
    var isNested: Bool
  }

  private enum Frame {
    case string(start: Int, holes: [Range<Int>])
    case hole(start: Int, depth: Int)
  }

  /// Every string literal of `bytes`, in the order they end.
  static func strings(in bytes: [UInt8]) -> [StringLiteral] {
    var result: [StringLiteral] = []
    var stack: [Frame] = []
    let n = bytes.count
    var i = 0
    while i < n {
      let b = bytes[i]
      if case .string(let start, var holes)? = stack.last {
        if b == .backslash {
          i += 2
        } else if b == .lineFeed {
          // A `'…'` string cannot span lines: an unterminated one is dropped.
          stack.removeLast()
          i += 1
        } else if b == .singleQuote {
          stack.removeLast()
          result.append(StringLiteral(content: start..<i, isMultiline: false, holes: holes, isNested: !stack.isEmpty))
          i += 1
        } else if b == .dollar, i + 1 < n, bytes[i + 1] == .openBrace {
          stack.removeLast()
          holes.append(i..<i)
          stack.append(.string(start: start, holes: holes))
          stack.append(.hole(start: i, depth: 0))
          i += 2
        } else {
          i += 1
        }
        continue
      }
      // Code: the top level, or inside a hole.
      if b == .slash, i + 1 < n, bytes[i + 1] == .slash {
        while i < n, bytes[i] != .lineFeed { i += 1 }
      } else if b == .slash, i + 1 < n, bytes[i + 1] == .asterisk {
        i = bytes.firstOffset(of: "*/", from: i + 2).map { $0 + 2 } ?? n
      } else if bytes.hasLiteral("'''", at: i) {
        var start = i + 3
        if start < n, bytes[start] == .carriageReturn, start + 1 < n, bytes[start + 1] == .lineFeed {
          start += 2
        } else if start < n, bytes[start] == .lineFeed {
          start += 1
        }
        let close = bytes.firstOffset(of: "'''", from: start) ?? n
        result.append(StringLiteral(content: start..<close, isMultiline: true, holes: [], isNested: !stack.isEmpty))
        i = min(close + 3, n)
      } else if b == .singleQuote {
        stack.append(.string(start: i + 1, holes: []))
        i += 1
      } else if case .hole(let start, let depth)? = stack.last, b == .openBrace || b == .closeBrace {
        stack.removeLast()
        if b == .openBrace {
          stack.append(.hole(start: start, depth: depth + 1))
        } else if depth > 0 {
          stack.append(.hole(start: start, depth: depth - 1))
        } else if case .string(let stringStart, var holes)? = stack.popLast() {
          holes[holes.count - 1] = start..<(i + 1)
          stack.append(.string(start: stringStart, holes: holes))
        }
        i += 1
      } else {
        i += 1
      }
    }
    return result
  }

  /// Decodes a `'…'` string: `\\`, `\'`, `\n`, `\r`, `\t`, `\$`, `\u{…}`; holes are kept
  /// as written, so that the policy parser masks them as template placeholders.
  ///
  /// With `skippingHoles`, the holes are left out: a string's own text, which, for strings
  /// nested in each other's holes, keeps the total work linear (each byte is the own text
  /// of one string only).
  static func decode(_ bytes: [UInt8], _ literal: StringLiteral, skippingHoles: Bool = false) -> EmbeddedPolicy {
    let content = literal.content
    var text = DecodedText(capacity: content.count)
    if literal.isMultiline {
      text.append(verbatim: content, of: bytes)
      return text.policy(endingAt: content.upperBound, escaping: .verbatim)
    }
    var holes = literal.holes.filter { !$0.isEmpty }[...]
    var i = content.lowerBound
    while i < content.upperBound {
      if let hole = holes.first, hole.lowerBound == i {
        holes.removeFirst()
        let end = min(hole.upperBound, content.upperBound)
        if !skippingHoles, end > i { text.append(verbatim: i..<end, of: bytes) }
        i = max(end, i + 1)
        continue
      }
      // An escape never ends past a hole's `$`; were it to, one byte is read, as before a hole.
      let stop = max(holes.first.map { min($0.lowerBound, content.upperBound) } ?? content.upperBound, i + 1)
      var escapedLessThan = false
      i = text.appendDecodingEscapes(
        bytes, from: i, upTo: stop, end: content.upperBound, unicode: .braced, controlEscapes: false,
        escapedLessThan: &escapedLessThan)
    }
    return text.policy(endingAt: content.upperBound, escaping: .bicep)
  }
}
