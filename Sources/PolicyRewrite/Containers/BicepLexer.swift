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
    /// Whether the string stands inside the parentheses of a function call (or a grouping),
    /// other than a decorator's (`@description('…')`): an argument of an expression.
    var isInCall = false
    /// The innermost bracket of the file's code around the string (in ``Scan/brackets``);
    /// `nil` for a string nested in another's hole, or outside every bracket.
    var context: Int?
  }

  /// What one pass over a Bicep file found.
  struct Scan {
    /// Every terminated string literal, in the order they end.
    var strings: [StringLiteral] = []
    /// Where the file leaves a string or a comment unterminated (the opening quote or `/*`),
    /// and what is unterminated: a `'''` string without its closing `'''`, a `'…'` string
    /// that a line end or the end of the file cuts, a `/*` comment without its `*/`.
    var unterminated: [(offset: Int, message: String)] = []
    /// The brackets of the file's code outside strings and their holes.
    var brackets = CodeBrackets()
  }

  private enum Frame {
    case string(start: Int, holes: [Range<Int>], isInCall: Bool, context: Int?)
    case hole(start: Int, depth: Int)
  }

  /// Every terminated string literal of `bytes`, in the order they end.
  static func strings(in bytes: [UInt8]) -> [StringLiteral] { scan(bytes).strings }

  /// The string literals of `bytes`, and the strings and comments that it leaves unterminated.
  static func scan(_ bytes: [UInt8]) -> Scan {
    var result = Scan()
    var stack: [Frame] = []
    // The parentheses open in code, each true when it opens a decorator's arguments.
    var parentheses: [Bool] = []
    // How many of them are not a decorator's: a count, so that each string costs O(1).
    var callParentheses = 0
    let n = bytes.count
    var i = 0
    while i < n {
      let b = bytes[i]
      if case .string(let start, var holes, let isInCall, let context)? = stack.last {
        if b == .backslash {
          i += 2
        } else if b == .lineFeed {
          // A `'…'` string cannot span lines: an unterminated one is an error, and dropped.
          stack.removeLast()
          result.unterminated.append((start - 1, Self.cutByLineEnd))
          i += 1
        } else if b == .singleQuote {
          stack.removeLast()
          var literal = StringLiteral(content: start..<i, isMultiline: false, holes: holes, isNested: !stack.isEmpty)
          literal.isInCall = isInCall
          literal.context = context
          result.strings.append(literal)
          i += 1
        } else if b == .dollar, i + 1 < n, bytes[i + 1] == .openBrace {
          stack.removeLast()
          holes.append(i..<i)
          stack.append(.string(start: start, holes: holes, isInCall: isInCall, context: context))
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
        guard let close = bytes.firstOffset(of: "*/", from: i + 2) else {
          result.unterminated.append((i, Self.unterminatedComment))
          return result
        }
        i = close + 2
      } else if bytes.hasLiteral("'''", at: i) {
        var start = i + 3
        if start < n, bytes[start] == .carriageReturn, start + 1 < n, bytes[start + 1] == .lineFeed {
          start += 2
        } else if start < n, bytes[start] == .lineFeed {
          start += 1
        }
        guard let close = bytes.firstOffset(of: "'''", from: start) else {
          result.unterminated.append((i, Self.unterminatedMultiline))
          return result
        }
        var literal = StringLiteral(content: start..<close, isMultiline: true, holes: [], isNested: !stack.isEmpty)
        literal.isInCall = callParentheses > 0
        literal.context = stack.isEmpty ? result.brackets.innermost : nil
        result.strings.append(literal)
        i = close + 3
      } else if b == .singleQuote {
        let context = stack.isEmpty ? result.brackets.innermost : nil
        stack.append(.string(start: i + 1, holes: [], isInCall: callParentheses > 0, context: context))
        i += 1
      } else if b == .openParen {
        let decorator = isDecorator(bytes, openParenthesis: i)
        parentheses.append(decorator)
        if !decorator { callParentheses += 1 }
        if stack.isEmpty { result.brackets.enter(b, at: i) }
        i += 1
      } else if b == .closeParen {
        if parentheses.popLast() == false { callParentheses -= 1 }
        if stack.isEmpty { result.brackets.leave(at: i) }
        i += 1
      } else if stack.isEmpty, b == .openBracket || b == .openBrace {
        result.brackets.enter(b, at: i)
        i += 1
      } else if stack.isEmpty, b == .closeBracket || b == .closeBrace {
        result.brackets.leave(at: i)
        i += 1
      } else if case .hole(let start, let depth)? = stack.last, b == .openBrace || b == .closeBrace {
        stack.removeLast()
        if b == .openBrace {
          stack.append(.hole(start: start, depth: depth + 1))
        } else if depth > 0 {
          stack.append(.hole(start: start, depth: depth - 1))
        } else if case .string(let stringStart, var holes, let isInCall, let context)? = stack.popLast() {
          holes[holes.count - 1] = start..<(i + 1)
          stack.append(.string(start: stringStart, holes: holes, isInCall: isInCall, context: context))
        }
        i += 1
      } else {
        i += 1
      }
    }
    // The file ends inside a string (or inside a hole of one): the outermost is unterminated.
    if case .string(let start, _, _, _)? = stack.first {
      result.unterminated.append((start - 1, Self.cutByEndOfFile))
    }
    return result
  }

  /// Whether the `(` at `index` opens a decorator's arguments: `@name(` or `@sys.name(`.
  private static func isDecorator(_ bytes: [UInt8], openParenthesis index: Int) -> Bool {
    var j = index
    while j > 0, isNameByte(bytes[j - 1]) || bytes[j - 1] == .dot { j -= 1 }
    return j < index && j > 0 && bytes[j - 1] == .at
  }

  private static func isNameByte(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
      || byte == .underscore
  }

  // MARK: Messages

  static let cutByLineEnd = "the string is not terminated: the line ends before its closing '"
  static let cutByEndOfFile = "the string is not terminated: the file ends before its closing '"
  static let unterminatedMultiline = "the multi-line string is not terminated: no closing '''"
  static let unterminatedComment = "the comment is not terminated: no closing */"

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
