import PolicyDOM

/// Reads an HCL (Terraform) file into ``HCLSyntax`` in one pass over its tokens.
///
/// The parser recurses for nested blocks and expressions, but never deeper than
/// ``maximumDepth``: deeper nesting is a syntax error, not a stack overflow. What was read
/// before an error is kept.
package struct HCLParser {
  /// The deepest nesting of blocks, lists, objects, calls and parentheses read.
  package static let maximumDepth = 200

  private typealias Token = HCLLexer.Token
  private typealias Expression = HCLSyntax.Expression

  private let source: [UInt8]
  private let tokens: [Token]
  private var index = 0
  private var depth = 0
  /// For each open bracket, parenthesis or brace, whether line ends inside it are ignored
  /// (brackets and parentheses) or separate items (braces).
  private var ignoresNewlines: [Bool] = []

  private init(_ source: [UInt8]) {
    self.source = source
    tokens = HCLLexer.tokens(source)
  }

  /// Parses `source`.
  package static func parse(_ source: [UInt8]) -> HCLSyntax.File {
    var parser = HCLParser(source)
    var body = HCLSyntax.Body()
    var firstError: HCLSyntax.Error?
    var recoveredAt = -1
    while true {
      do {
        try parser.parseBody(into: &body, closed: false)
        return HCLSyntax.File(body: body, error: firstError)
      } catch {
        firstError = firstError ?? error
        // Goes on at the next line that starts with a name in its first column, the way a
        // file's top-level blocks are written.
        guard parser.skipToTopLevelLine() else { return HCLSyntax.File(body: body, error: firstError) }
        // Never twice from the same token.
        if parser.index == recoveredAt {
          parser.index += 1
          guard parser.skipToTopLevelLine() else { return HCLSyntax.File(body: body, error: firstError) }
        }
        recoveredAt = parser.index
      }
    }
  }

  /// Moves to the next token that starts a line in its first column with a name; `false` at
  /// the end of the file.
  private mutating func skipToTopLevelLine() -> Bool {
    depth = 0
    ignoresNewlines = []
    index = max(index, 1)
    while tokens[index].kind != .end {
      let token = tokens[index]
      if token.kind == .identifier, tokens[index - 1].kind == .newline,
        tokens[index - 1].range.upperBound == token.range.lowerBound
      {
        return true
      }
      index += 1
    }
    return false
  }

  // MARK: Tokens

  private var current: Token {
    var i = index
    if ignoresNewlines.last == true {
      while tokens[i].kind == .newline { i += 1 }
    }
    return tokens[i]
  }

  @discardableResult
  private mutating func advance() -> Token {
    if ignoresNewlines.last == true {
      while tokens[index].kind == .newline { index += 1 }
    }
    let token = tokens[index]
    if token.kind != .end { index += 1 }
    return token
  }

  private mutating func skipNewlines() {
    while tokens[index].kind == .newline { index += 1 }
  }

  private mutating func expect(_ kind: HCLLexer.Kind, _ what: String) throws(HCLSyntax.Error) -> Token {
    guard current.kind == kind else { throw error("expected \(what)") }
    return advance()
  }

  private func error(_ message: String) -> HCLSyntax.Error {
    let token = current
    let found = token.kind == .end ? "the end of the file" : "'\(text(token.range))'"
    return HCLSyntax.Error(message: "\(message), found \(found)", offset: token.range.lowerBound)
  }

  private func text(_ range: Range<Int>) -> String { String(decoding: source[range], as: UTF8.self) }

  private mutating func enter() throws(HCLSyntax.Error) {
    depth += 1
    guard depth <= Self.maximumDepth else {
      throw HCLSyntax.Error(
        message: "nesting deeper than \(Self.maximumDepth) levels", offset: current.range.lowerBound)
    }
  }

  // MARK: Bodies

  private mutating func parseBody(into body: inout HCLSyntax.Body, closed: Bool) throws(HCLSyntax.Error) {
    while true {
      skipNewlines()
      let token = current
      if token.kind == .end {
        if closed { throw error("expected '}'") }
        return
      }
      if token.kind == .closeBrace {
        if closed { return }
        throw error("unexpected '}'")
      }
      guard token.kind == .identifier else { throw error("expected an attribute or a block") }
      advance()
      let name = text(token.range)
      if current.kind == .equals {
        advance()
        let value = try parseExpression()
        body.attributes.append(HCLSyntax.Attribute(name: name, value: value, offset: token.range.lowerBound))
      } else {
        var labels: [String] = []
        while current.kind == .string || current.kind == .identifier {
          let label = advance()
          if label.kind == .identifier {
            labels.append(text(label.range))
          } else {
            labels.append(
              Self.literal(of: Self.templateParts(source, label.range.dropFirst().dropLast(), decodes: true)))
          }
        }
        _ = try expect(.openBrace, "'=' or '{'")
        try enter()
        ignoresNewlines.append(false)
        var inner = HCLSyntax.Body()
        try parseBody(into: &inner, closed: true)
        let close = advance()
        ignoresNewlines.removeLast()
        depth -= 1
        body.blocks.append(
          HCLSyntax.Block(
            type: name, labels: labels, body: inner, range: token.range.lowerBound..<close.range.upperBound))
      }
      let after = current.kind
      guard after == .newline || after == .end || after == .closeBrace else {
        throw error("expected a line end")
      }
    }
  }

  // MARK: Expressions

  /// An expression: operands joined by operators, then `CONDITION ? A : B` (right-associative,
  /// as HCL reads it: `a ? b : c ? d : e` is `a ? b : (c ? d : e)`).
  private mutating func parseExpression() throws(HCLSyntax.Error) -> Expression {
    let condition = try parseOperation()
    guard current.kind == .question else { return condition }
    try enter()
    defer { depth -= 1 }
    advance()
    skipNewlines()
    let then = try parseExpression()
    _ = try expect(.colon, "':'")
    skipNewlines()
    let otherwise = try parseExpression()
    return Expression(
      kind: .conditional(condition, then, otherwise), range: condition.range.lowerBound..<otherwise.range.upperBound)
  }

  /// Operands joined by binary operators (kept as their bytes).
  private mutating func parseOperation() throws(HCLSyntax.Error) -> Expression {
    var result = try parseOperand()
    while current.kind == .symbol {
      advance()
      skipNewlines()
      let right = try parseOperand()
      result = Expression(kind: .other, range: result.range.lowerBound..<right.range.upperBound)
    }
    return result
  }

  private mutating func parseOperand() throws(HCLSyntax.Error) -> Expression {
    try enter()
    defer { depth -= 1 }
    let token = current
    if token.kind == .symbol, text(token.range) == "!" || text(token.range) == "-" {
      advance()
      let operand = try parseOperand()
      return Expression(kind: .other, range: token.range.lowerBound..<operand.range.upperBound)
    }
    var result: Expression
    switch token.kind {
    case .number:
      advance()
      result = Expression(kind: .literal(text(token.range)), range: token.range)
    case .string:
      advance()
      let parts = Self.templateParts(source, token.range.dropFirst().dropLast(), decodes: true)
      result = Expression(kind: .string(parts), range: token.range)
    case .heredoc:
      advance()
      result = Self.heredoc(source, token.range)
    case .identifier:
      advance()
      let name = text(token.range)
      if current.kind == .openParen, tokens[index].kind == .openParen {
        result = try parseCall(name, start: token.range.lowerBound)
      } else if name == "true" || name == "false" || name == "null" {
        result = Expression(kind: .literal(name), range: token.range)
      } else {
        result = Expression(kind: .traversal([name]), range: token.range)
      }
    case .openBracket:
      result = try parseTuple()
    case .openBrace:
      result = try parseObject()
    case .openParen:
      advance()
      ignoresNewlines.append(true)
      let inner = try parseExpression()
      _ = try expect(.closeParen, "')'")
      ignoresNewlines.removeLast()
      // `(c ? file("./a.xml") : file("./b.xml"))` is what it holds. A map key in parentheses,
      // `(local.k) = v`, is an expression rather than the name `local.k`, which the object's
      // reading tells apart by the key's dot.
      result = inner
    default:
      throw error("expected an expression")
    }
    return try parseSteps(after: result)
  }

  /// `.name`, `[index]`, `.*` and `[*]` after an operand.
  private mutating func parseSteps(after operand: Expression) throws(HCLSyntax.Error) -> Expression {
    var result = operand
    var steps: [String]?
    if case .traversal(let parts) = operand.kind { steps = parts }
    while true {
      if current.kind == .dot {
        advance()
        let step = advance()
        guard step.kind == .identifier || step.kind == .number || text(step.range) == "*" else {
          throw error("expected a name after '.'")
        }
        steps?.append(text(step.range))
        result.range = result.range.lowerBound..<step.range.upperBound
      } else if current.kind == .openBracket, tokens[index].kind == .openBracket {
        advance()
        ignoresNewlines.append(true)
        var step = "*"
        if current.kind == .symbol, text(current.range) == "*" {
          advance()
        } else {
          let key = try parseExpression()
          step = key.literalString ?? "*"
        }
        let close = try expect(.closeBracket, "']'")
        ignoresNewlines.removeLast()
        steps?.append(step)
        result.range = result.range.lowerBound..<close.range.upperBound
      } else {
        break
      }
    }
    result.kind = steps.map { .traversal($0) } ?? (result.range == operand.range ? operand.kind : .other)
    return result
  }

  private mutating func parseCall(_ name: String, start: Int) throws(HCLSyntax.Error) -> Expression {
    advance()
    ignoresNewlines.append(true)
    var arguments: [Expression] = []
    while current.kind != .closeParen {
      arguments.append(try parseExpression())
      if current.kind == .ellipsis { advance() }
      if current.kind == .comma { advance() } else { break }
    }
    let close = try expect(.closeParen, "')'")
    ignoresNewlines.removeLast()
    return Expression(kind: .call(name, arguments), range: start..<close.range.upperBound)
  }

  private mutating func parseTuple() throws(HCLSyntax.Error) -> Expression {
    let open = advance()
    ignoresNewlines.append(true)
    if current.kind == .identifier, text(current.range) == "for" {
      let end = try skipBalanced(from: open)
      ignoresNewlines.removeLast()
      return Expression(kind: .other, range: open.range.lowerBound..<end)
    }
    var elements: [Expression] = []
    while current.kind != .closeBracket {
      elements.append(try parseExpression())
      if current.kind == .comma { advance() } else { break }
    }
    let close = try expect(.closeBracket, "']'")
    ignoresNewlines.removeLast()
    return Expression(kind: .tuple(elements), range: open.range.lowerBound..<close.range.upperBound)
  }

  private mutating func parseObject() throws(HCLSyntax.Error) -> Expression {
    let open = advance()
    ignoresNewlines.append(false)
    defer { ignoresNewlines.removeLast() }
    skipNewlines()
    if current.kind == .identifier, text(current.range) == "for" {
      let end = try skipBalanced(from: open)
      return Expression(kind: .other, range: open.range.lowerBound..<end)
    }
    var members: [(key: String, value: Expression)] = []
    while true {
      skipNewlines()
      if current.kind == .closeBrace { break }
      let key = try parseExpression()
      let name =
        key.literalString ?? key.traversal
        ?? text(
          key.range.clamped(to: (key.range.lowerBound + 1)..<max(key.range.lowerBound + 1, key.range.upperBound - 1)))
      guard current.kind == .equals || current.kind == .colon else { throw error("expected '=' or ':'") }
      advance()
      skipNewlines()
      members.append((name, try parseExpression()))
      if current.kind == .comma { advance() }
      guard [.newline, .closeBrace].contains(current.kind) || tokens[index - 1].kind == .comma else {
        throw error("expected ',' or a line end")
      }
    }
    let close = advance()
    return Expression(kind: .object(members), range: open.range.lowerBound..<close.range.upperBound)
  }

  /// Skips to the bracket or brace that closes `open` (a `for` expression), counting the
  /// tokens' brackets; returns the offset after it.
  private mutating func skipBalanced(from open: Token) throws(HCLSyntax.Error) -> Int {
    var level = 1
    while true {
      let token = tokens[index]
      switch token.kind {
      case .end: throw error("expected the end of a 'for' expression")
      case .openBrace, .openBracket, .openParen: level += 1
      case .closeBrace, .closeBracket, .closeParen: level -= 1
      default: break
      }
      index += 1
      if level == 0 { return token.range.upperBound }
    }
  }

  // MARK: Templates

  /// The parts of a template's text (`bytes`): literal text, with escapes decoded when
  /// `decodes` (quoted strings), and the source of each interpolation and directive.
  package static func templateParts(_ source: [UInt8], _ bytes: Range<Int>, decodes: Bool) -> [HCLSyntax.TemplatePart] {
    var parts: [HCLSyntax.TemplatePart] = []
    var text: [UInt8] = []
    var i = bytes.lowerBound
    let end = bytes.upperBound
    func flush() {
      if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))) }
      text = []
    }
    while i < end {
      let byte = source[i]
      if decodes, byte == .backslash, i + 1 < end {
        let next = source[i + 1]
        switch next {
        case UInt8(ascii: "n"): text.append(.lineFeed)
        case UInt8(ascii: "t"): text.append(.tab)
        case UInt8(ascii: "r"): text.append(.carriageReturn)
        default: text.append(next)
        }
        i += 2
        continue
      }
      if byte == .dollar || byte == .percent, i + 1 < end {
        if source[i + 1] == byte, i + 2 < end, source[i + 2] == .openBrace {
          text.append(contentsOf: [byte, .openBrace])
          i += 3
          continue
        }
        if source[i + 1] == .openBrace {
          let close = closingBrace(source, from: i + 2, end: end)
          flush()
          let inner = String(decoding: source[(i + 2)..<close], as: UTF8.self)
          parts.append(byte == .dollar ? .interpolation(inner) : .directive(inner))
          i = min(close + 1, end)
          continue
        }
      }
      text.append(byte)
      i += 1
    }
    flush()
    return parts
  }

  /// The offset of the `}` that closes an interpolation whose text starts at `start`
  /// (nested strings and braces skipped as the lexer skips them); `end` if none.
  private static func closingBrace(_ source: [UInt8], from start: Int, end: Int) -> Int {
    HCLLexer.closing(source, from: start, end: end, inString: false) ?? end
  }

  /// A heredoc token's expression: its lines, with `<<-`'s common indentation removed.
  private static func heredoc(_ source: [UInt8], _ range: Range<Int>) -> Expression {
    guard let header = HCLLexer.heredocHeader(source, at: range.lowerBound) else {
      return Expression(kind: .other, range: range)
    }
    // The content ends where the terminator's line starts.
    var contentEnd = range.upperBound - header.marker.count
    while contentEnd > header.contentStart, source[contentEnd - 1].isBlank { contentEnd -= 1 }
    guard header.indented else {
      let parts = templateParts(source, header.contentStart..<contentEnd, decodes: false)
      return Expression(kind: .heredoc(parts, contentStart: header.contentStart), range: range)
    }
    var lines: [Range<Int>] = []
    var start = header.contentStart
    while start < contentEnd {
      let end = source[start..<contentEnd].firstIndex(of: .lineFeed).map { $0 + 1 } ?? contentEnd
      lines.append(start..<end)
      start = end
    }
    let indent =
      lines.compactMap { line -> Int? in
        let blanks = source[line].prefix(while: \.isBlank).count
        return blanks == line.count || source[line.lowerBound + blanks].isXMLSpace ? nil : blanks
      }.min() ?? 0
    var parts: [HCLSyntax.TemplatePart] = []
    for line in lines {
      let blanks = min(indent, source[line].prefix(while: \.isBlank).count)
      parts += templateParts(source, (line.lowerBound + blanks)..<line.upperBound, decodes: false)
    }
    // Adjacent text parts of separate lines are one.
    var merged: [HCLSyntax.TemplatePart] = []
    for part in parts {
      if case .text(let next) = part, case .text(let previous)? = merged.last {
        merged[merged.count - 1] = .text(previous + next)
      } else {
        merged.append(part)
      }
    }
    return Expression(kind: .heredoc(merged, contentStart: header.contentStart), range: range)
  }

  /// The text of literal parts, with interpolations written back as `${…}`.
  package static func literal(of parts: [HCLSyntax.TemplatePart]) -> String {
    parts.map {
      switch $0 {
      case .text(let text): text
      case .interpolation(let inner): "${\(inner)}"
      case .directive(let inner): "%{\(inner)}"
      }
    }.joined()
  }
}
