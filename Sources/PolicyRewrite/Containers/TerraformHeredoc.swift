import PolicyDOM

/// A heredoc in a Terraform (`.tf`) file: `<<XML ... XML` or the indented `<<-XML ... XML`.
///
/// Policies are often inlined as `xml_content = <<XML`; the rewriter treats the body of each
/// heredoc that holds a `<policies>` or `<fragment>` document as a policy file and splices
/// the rewritten body back, so every byte of the `.tf` file outside the edits stays.
struct TerraformHeredoc: Hashable {
  /// The bytes between the opening line's terminator and the closing marker's line.
  var body: Range<Int>

  /// Whether the body holds a policy document.
  func holdsPolicy(in bytes: [UInt8]) -> Bool {
    let slice = Array(bytes[body])
    return slice.containsLiteral("<policies") || slice.containsLiteral("<fragment")
      || EmbeddedPolicy.isPolicyText(slice)
  }

  /// Finds the heredocs of a Terraform file, skipping `<<` inside strings and comments.
  static func find(in bytes: [UInt8]) -> [TerraformHeredoc] {
    HCLScanner.literals(in: bytes).compactMap {
      if case .heredoc(let heredoc) = $0 { heredoc } else { nil }
    }
  }
}

/// A literal of an HCL file that can hold text: a heredoc or a quoted string.
enum HCLLiteral: Hashable {
  case heredoc(TerraformHeredoc)
  /// A quoted string's content, without its quotes.
  case quoted(Range<Int>)
  /// A heredoc (at its `<<`) or a quoted string (at its quote) that the file ends inside.
  case unterminated(Int, heredoc: Bool)
}

/// A scanner over HCL text that knows strings (with `${...}` holes), comments and heredocs.
struct HCLScanner {
  let bytes: [UInt8]
  var position = 0
  /// How many parentheses stand open at ``position`` (in code, outside strings and comments):
  /// more than none when the next literal is an argument of a function call.
  private(set) var openParentheses = 0
  /// The brackets of the code read so far; ``CodeBrackets/innermost`` is the one around the
  /// next literal.
  private(set) var brackets = CodeBrackets()

  /// The heredocs and quoted strings of the file, in order, skipping comments.
  static func literals(in bytes: [UInt8]) -> [HCLLiteral] {
    var scanner = HCLScanner(bytes: bytes)
    var result: [HCLLiteral] = []
    while let literal = scanner.nextLiteral() { result.append(literal) }
    return result
  }

  /// Finds the next heredoc or quoted string and moves past it.
  mutating func nextLiteral() -> HCLLiteral? {
    let n = bytes.count
    while position < n {
      let b = bytes[position]
      if b == .doubleQuote {
        let start = position + 1
        position = skipString(from: start)
        if position >= n, n - 1 < start || bytes[n - 1] != .doubleQuote {
          return .unterminated(start - 1, heredoc: false)
        }
        let closed = position > start && (bytes[position - 1] == .doubleQuote || bytes[position - 1] == .lineFeed)
        return .quoted(start..<(closed ? position - 1 : position))
      } else if b == UInt8(ascii: "#") || (b == .slash && position + 1 < n && bytes[position + 1] == .slash) {
        while position < n, bytes[position] != .lineFeed { position += 1 }
      } else if b == .slash, position + 1 < n, bytes[position + 1] == .asterisk {
        position += 2
        while position + 1 < n, !(bytes[position] == .asterisk && bytes[position + 1] == .slash) { position += 1 }
        position += 2
      } else if b == .lessThan, position + 1 < n, bytes[position + 1] == .lessThan, let found = heredoc(at: position) {
        guard let heredoc = found.1 else {
          let open = position
          position = n
          return .unterminated(open, heredoc: true)
        }
        position = found.0
        return .heredoc(heredoc)
      } else {
        if b == .openParen {
          openParentheses += 1
          brackets.enter(b, at: position)
        } else if b == .closeParen {
          openParentheses = max(0, openParentheses - 1)
          brackets.leave(at: position)
        } else if b == .openBracket || b == .openBrace {
          brackets.enter(b, at: position)
        } else if b == .closeBracket || b == .closeBrace {
          brackets.leave(at: position)
        }
        position += 1
      }
    }
    return nil
  }

  /// The offset after the string whose content starts at `index`.
  func skipString(from index: Int) -> Int { skip(from: index, inTemplate: false) }

  /// The offset after the `}` closing a template hole whose content starts at `index`.
  func skipTemplate(from index: Int) -> Int { skip(from: index, inTemplate: true) }

  /// Skips a string (`"…"`, ending at its closing quote or the end of the line, after which
  /// it returns) or a template hole (`${…}` or `%{…}`, ending after its `}` or before the end
  /// of the line) with the strings and holes nested in it.
  ///
  /// Iterative, with the open strings and holes on a stack of their own: a file of 175,000
  /// nested `${"` overflowed the thread's stack when each level was a call.
  private func skip(from index: Int, inTemplate: Bool) -> Int {
    let n = bytes.count
    // One entry per open level: 0 for a string, the brace depth for a template hole.
    var levels: [Int] = [inTemplate ? 1 : 0]
    var i = index
    while i < n, let depth = levels.last {
      let b = bytes[i]
      if depth == 0 {
        if b == .backslash {
          i += 2
        } else if b == .doubleQuote || b == .lineFeed {
          i += 1
          levels.removeLast()
        } else if b == .dollar || b == .percent, i + 1 < n, bytes[i + 1] == .openBrace {
          if !(i > 0 && bytes[i - 1] == b) { levels.append(1) }
          i += 2
        } else {
          i += 1
        }
      } else if b == .doubleQuote {
        levels.append(0)
        i += 1
      } else if b == .openBrace {
        levels[levels.count - 1] = depth + 1
        i += 1
      } else if b == .closeBrace {
        i += 1
        if depth == 1 { levels.removeLast() } else { levels[levels.count - 1] = depth - 1 }
      } else if b == .lineFeed {
        levels.removeLast()
      } else {
        i += 1
      }
    }
    return min(i, n)
  }

  /// Parses `<<MARKER` or `<<-MARKER` at `index`, up to its closing line; the heredoc is `nil`
  /// when the file ends before its closing line.
  private func heredoc(at index: Int) -> (Int, TerraformHeredoc?)? {
    var i = index + 2
    if i < bytes.count, bytes[i] == .hyphen { i += 1 }
    let markerStart = i
    while i < bytes.count, Self.isIdentifier(bytes[i], first: i == markerStart) { i += 1 }
    guard i > markerStart else { return nil }
    let marker = Array(bytes[markerStart..<i])
    while i < bytes.count, bytes[i].isBlank || bytes[i] == .carriageReturn { i += 1 }
    guard i < bytes.count, bytes[i] == .lineFeed else { return nil }
    let bodyStart = i + 1
    var lineStart = bodyStart
    while lineStart < bytes.count {
      var lineEnd = lineStart
      while lineEnd < bytes.count, bytes[lineEnd] != .lineFeed { lineEnd += 1 }
      var first = lineStart
      while first < lineEnd, bytes[first].isBlank { first += 1 }
      var last = lineEnd
      while last > first, bytes[last - 1].isBlank || bytes[last - 1] == .carriageReturn { last -= 1 }
      if bytes[first..<last].elementsEqual(marker) {
        return (min(lineEnd + 1, bytes.count), TerraformHeredoc(body: bodyStart..<lineStart))
      }
      lineStart = lineEnd + 1
    }
    return (bytes.count, nil)
  }

  private static func isIdentifier(_ byte: UInt8, first: Bool) -> Bool {
    let letter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == .underscore
    return letter || (!first && ((byte >= 0x30 && byte <= 0x39) || byte == .hyphen))
  }
}
