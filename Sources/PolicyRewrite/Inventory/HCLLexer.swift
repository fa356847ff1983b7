import PolicyDOM

/// The tokens of an HCL (Terraform) file, in one pass over its bytes.
///
/// A quoted string is one token, whatever interpolations (`${…}`, `%{…}`) and nested strings it
/// holds: they are matched with an explicit stack, not by recursion, so any nesting is read in
/// linear time and constant stack. A heredoc (`<<EOT` or `<<-EOT` to the line that holds only
/// `EOT`) is one token too. Comments (`#`, `//`, `/* */`) produce no token; line ends do.
package struct HCLLexer {
  /// What a token is.
  package enum Kind: Equatable, Sendable {
    case identifier, number, string, heredoc, newline
    case openBrace, closeBrace, openBracket, closeBracket, openParen, closeParen
    case equals, colon, comma, dot, question, ellipsis
    /// Any other operator (`+`, `==`, `&&`, `=>`, `!`…).
    case symbol
    /// A byte HCL does not allow here, or a string or heredoc without its end.
    case invalid
    case end
  }

  /// One token: its kind and its bytes in the source.
  package struct Token: Equatable, Sendable {
    package var kind: Kind
    package var range: Range<Int>
  }

  private let source: [UInt8]
  private var offset = 0
  /// The lines that can close a heredoc (blanks before, a carriage return after and the text
  /// of an identifier), by that text: their starts and the offsets after their text, in order.
  /// Made at the first heredoc: a search from each `<<EOT` to its closing line read to the
  /// end of the file for every heredoc without one (quadratic with many).
  private var closingLines: [ArraySlice<UInt8>: [(start: Int, end: Int)]]?
  /// The lines read to find the ends of heredocs (for the tests that hold it linear).
  package private(set) var heredocLineReads = 0

  /// A lexer at the start of `source`.
  package init(_ source: [UInt8]) {
    self.source = source
  }

  /// Every token up to and including ``Kind/end``.
  package static func tokens(_ source: [UInt8]) -> [Token] {
    var lexer = HCLLexer(source)
    var result: [Token] = []
    while true {
      let token = lexer.next()
      result.append(token)
      if token.kind == .end { return result }
    }
  }

  /// The next token.
  package mutating func next() -> Token {
    skipBlanksAndComments()
    let start = offset
    guard offset < source.count else { return Token(kind: .end, range: start..<start) }
    let byte = source[offset]
    func single(_ kind: Kind) -> Token {
      offset += 1
      return Token(kind: kind, range: start..<offset)
    }
    switch byte {
    case .lineFeed: return single(.newline)
    case .openBrace: return single(.openBrace)
    case .closeBrace: return single(.closeBrace)
    case .openBracket: return single(.openBracket)
    case .closeBracket: return single(.closeBracket)
    case .openParen: return single(.openParen)
    case .closeParen: return single(.closeParen)
    case UInt8(ascii: ","): return single(.comma)
    case UInt8(ascii: ":"): return single(.colon)
    case .question: return single(.question)
    case .doubleQuote:
      let end = Self.endOfQuoted(source, from: offset)
      offset = end ?? source.count
      return Token(kind: end == nil ? .invalid : .string, range: start..<offset)
    case .dot:
      if source.hasLiteral("...", at: offset) {
        offset += 3
        return Token(kind: .ellipsis, range: start..<offset)
      }
      return single(.dot)
    case .lessThan where source.hasLiteral("<<", at: offset):
      if let end = heredocEnd(from: offset) {
        offset = end
        return Token(kind: .heredoc, range: start..<end)
      }
      offset += 2
      return Token(kind: .symbol, range: start..<offset)
    case .equals:
      if offset + 1 < source.count, source[offset + 1] == .equals || source[offset + 1] == .greaterThan {
        offset += 2
        return Token(kind: .symbol, range: start..<offset)
      }
      return single(.equals)
    case .bang, .lessThan, .greaterThan:
      offset += offset + 1 < source.count && source[offset + 1] == .equals ? 2 : 1
      return Token(kind: .symbol, range: start..<offset)
    case .ampersand, UInt8(ascii: "|"):
      offset += offset + 1 < source.count && source[offset + 1] == byte ? 2 : 1
      return Token(kind: .symbol, range: start..<offset)
    case UInt8(ascii: "+"), .hyphen, .asterisk, .slash, .percent:
      return single(.symbol)
    default:
      if Self.isDigit(byte) {
        while offset < source.count,
          Self.isDigit(source[offset]) || source[offset] == .dot || source[offset] | 0x20 == UInt8(ascii: "e")
        {
          // A dot ends the number unless a digit follows (`a[0].b`).
          if source[offset] == .dot, !(offset + 1 < source.count && Self.isDigit(source[offset + 1])) { break }
          offset += 1
        }
        return Token(kind: .number, range: start..<offset)
      }
      if Self.isIdentifierStart(byte) {
        while offset < source.count, Self.isIdentifierByte(source[offset]) { offset += 1 }
        return Token(kind: .identifier, range: start..<offset)
      }
      return single(.invalid)
    }
  }

  private mutating func skipBlanksAndComments() {
    while offset < source.count {
      let byte = source[offset]
      if byte == .space || byte == .tab || byte == .carriageReturn {
        offset += 1
      } else if byte == UInt8(ascii: "#") || source.hasLiteral("//", at: offset) {
        while offset < source.count, source[offset] != .lineFeed { offset += 1 }
      } else if source.hasLiteral("/*", at: offset) {
        offset = source.firstOffset(of: "*/", from: offset + 2).map { $0 + 2 } ?? source.count
      } else {
        return
      }
    }
  }

  /// The end (after the terminator's line) of a heredoc that starts at `start` (`<<`): the
  /// first line from its content's start that holds only its marker.
  private mutating func heredocEnd(from start: Int) -> Int? {
    guard let header = Self.heredocHeader(source, at: start) else { return nil }
    if closingLines == nil { closingLines = indexClosingLines() }
    guard let candidates = closingLines?[header.marker] else { return nil }
    // The first candidate line that starts at or after the content's start.
    var low = 0
    var high = candidates.count
    while low < high {
      let middle = (low + high) / 2
      if candidates[middle].start < header.contentStart { low = middle + 1 } else { high = middle }
    }
    return low < candidates.count ? candidates[low].end : nil
  }

  /// Every line whose text, without the blanks before it and a carriage return after it, is an
  /// identifier (a heredoc marker), by that text.
  private mutating func indexClosingLines() -> [ArraySlice<UInt8>: [(start: Int, end: Int)]] {
    var result: [ArraySlice<UInt8>: [(start: Int, end: Int)]] = [:]
    var line = 0
    while line <= source.count {
      heredocLineReads += 1
      let lineEnd = source[line...].firstIndex(of: .lineFeed) ?? source.count
      var first = line
      while first < lineEnd, source[first].isBlank { first += 1 }
      var last = lineEnd
      if last > first, source[last - 1] == .carriageReturn { last -= 1 }
      if first < last, Self.isIdentifierStart(source[first]), source[first..<last].allSatisfy(Self.isIdentifierByte) {
        result[source[first..<last], default: []].append((line, last))
      }
      guard lineEnd < source.count else { break }
      line = lineEnd + 1
    }
    return result
  }

  /// A heredoc's opening `<<MARKER` or `<<-MARKER` at `start`: its marker, whether its lines
  /// are indented (`<<-`), and where its first line starts.
  package static func heredocHeader(_ source: [UInt8], at start: Int) -> (
    marker: ArraySlice<UInt8>, indented: Bool, contentStart: Int
  )? {
    var i = start + 2
    let indented = i < source.count && source[i] == .hyphen
    if indented { i += 1 }
    let markerStart = i
    guard i < source.count, isIdentifierStart(source[i]) else { return nil }
    while i < source.count, isIdentifierByte(source[i]) { i += 1 }
    let marker = source[markerStart..<i]
    if i < source.count, source[i] == .carriageReturn { i += 1 }
    guard i < source.count, source[i] == .lineFeed else { return nil }
    return (marker, indented, i + 1)
  }

  /// The offset after the closing quote of the quoted string that opens at `start`, or `nil`
  /// when it has none (a line end in its literal text, or the end of the file).
  package static func endOfQuoted(_ source: [UInt8], from start: Int) -> Int? {
    closing(source, from: start + 1, end: source.count, inString: true).map { $0 + 1 }
  }

  /// The offset of the `"` that closes a string (`inString`), or of the `}` that closes an
  /// interpolation or directive, whose text starts at `start`; `nil` when there is none before
  /// `end` or a line end comes first in a string's literal text. `$${` and `%%{` in a string
  /// are escapes, not interpolations.
  ///
  /// Interpolations and directives may hold nested strings, braces and line ends; a stack of
  /// the open levels (strings and brace depths) replaces recursion.
  package static func closing(_ source: [UInt8], from start: Int, end: Int, inString: Bool) -> Int? {
    // Each level: -1 for a string, otherwise the depth of open braces in an interpolation.
    var levels: [Int] = [inString ? -1 : 0]
    var i = start
    while i < end {
      let byte = source[i]
      if levels[levels.count - 1] < 0 {
        switch byte {
        case .backslash:
          i += 2
          continue
        case .doubleQuote:
          levels.removeLast()
          if levels.isEmpty { return i }
        case .lineFeed:
          return nil
        case .dollar, .percent:
          if i + 2 < end, source[i + 1] == byte, source[i + 2] == .openBrace {
            i += 3
            continue
          }
          if i + 1 < end, source[i + 1] == .openBrace {
            levels.append(0)
            i += 2
            continue
          }
        default:
          break
        }
      } else {
        switch byte {
        case .doubleQuote: levels.append(-1)
        case .openBrace: levels[levels.count - 1] += 1
        case .closeBrace:
          if levels[levels.count - 1] == 0 {
            levels.removeLast()
            if levels.isEmpty { return i }
          } else {
            levels[levels.count - 1] -= 1
          }
        default: break
        }
      }
      i += 1
    }
    return nil
  }

  static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  static func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == .underscore || byte >= 0x80
  }

  static func isIdentifierByte(_ byte: UInt8) -> Bool {
    isIdentifierStart(byte) || isDigit(byte) || byte == .hyphen
  }
}
