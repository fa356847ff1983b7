import PolicyDOM

extension PolicyGraph.FileFacts {
  /// A Bicep file's bytes with its strings, for reading the expressions that name resources
  /// and give their policies.
  struct BicepSource {
    let bytes: [UInt8]
    /// The top-level strings, by their opening quote.
    var stringAt: [Int: BicepLexer.StringLiteral] = [:]
    /// Where each string that opens at a quote ends (after its closing quote).
    var stringEnds: [Int: Int] = [:]
    /// The `var` strings, by symbol.
    var variables: [String: BicepLexer.StringLiteral] = [:]
    /// The parameters' default strings, by symbol (a parameter may be given another value).
    var parameters: [String: BicepLexer.StringLiteral] = [:]

    init(_ bytes: [UInt8]) {
      self.bytes = bytes
      for literal in BicepLexer.strings(in: bytes) where !literal.isNested {
        let quote = quote(of: literal)
        stringAt[quote] = literal
        stringEnds[quote] = literal.content.upperBound + (literal.isMultiline ? 3 : 1)
      }
    }

    /// Where the string starts: a multi-line string's text starts after the line break that
    /// follows its `'''`.
    func quote(of literal: BicepLexer.StringLiteral) -> Int {
      guard literal.isMultiline else { return literal.content.lowerBound - 1 }
      var start = literal.content.lowerBound - 3
      while start > 0, !bytes.hasLiteral("'''", at: start) { start -= 1 }
      return start
    }

    func text(_ literal: BicepLexer.StringLiteral) -> String {
      String(decoding: BicepLexer.decode(bytes, literal, skippingHoles: false).decoded, as: UTF8.self)
    }

    func skipBlanks(_ from: Int) -> Int {
      var j = from
      while j < bytes.count, bytes[j].isBlank { j += 1 }
      return j
    }

    func word(at start: Int) -> (String, Int) {
      var end = start
      while end < bytes.count, HCLLexer.isIdentifierByte(bytes[end]), bytes[end] != .hyphen { end += 1 }
      return (String(decoding: bytes[start..<end], as: UTF8.self), end)
    }

    /// The end of the expression that starts at `start`: its line's end outside brackets and
    /// strings (a `'''` string may span lines), before a comment.
    func expressionEnd(from start: Int) -> Int {
      var i = start
      var depth = 0
      while i < bytes.count {
        if let end = stringEnds[i] {
          i = end
          continue
        }
        let byte = bytes[i]
        if byte == .slash, i + 1 < bytes.count, bytes[i + 1] == .slash { break }
        if byte == .lineFeed || byte == .carriageReturn, depth == 0 { break }
        if byte == .openParen || byte == .openBracket || byte == .openBrace { depth += 1 }
        if byte == .closeParen || byte == .closeBracket || byte == .closeBrace {
          if depth == 0 { break }
          depth -= 1
        }
        i += 1
      }
      while i > start, bytes[i - 1].isBlank { i -= 1 }
      return i
    }

    /// The first `target` byte between `start` and `end` outside brackets and strings.
    func topLevel(_ target: UInt8, from start: Int, to end: Int) -> Int? {
      var i = start
      var depth = 0
      while i < end {
        if let stringEnd = stringEnds[i] {
          i = stringEnd
          continue
        }
        let byte = bytes[i]
        if byte == .openParen || byte == .openBracket || byte == .openBrace { depth += 1 }
        if byte == .closeParen || byte == .closeBracket || byte == .closeBrace { depth -= 1 }
        // `??` (coalesce) and `?.` (safe access) are not a conditional.
        if depth == 0, byte == target {
          let next = i + 1 < end ? bytes[i + 1] : 0
          let previous = i > start ? bytes[i - 1] : 0
          if target != .question || (next != .question && next != .dot && previous != .question) { return i }
        }
        i += 1
      }
      return nil
    }

    /// The expression between `start` and `end` as written, on one line.
    func written(_ start: Int, _ end: Int) -> String {
      String(decoding: bytes[start..<max(start, end)], as: UTF8.self).trimmingXMLSpace
    }

    /// The policy that the expression between `start` and `end` gives: a string, a variable's
    /// string, a parameter's default (the parameter is returned: a file of the run may give it
    /// another value), `loadTextContent('…')`, or a conditional of them (each branch a possible
    /// policy of the scope); anything else is not known to the run, with why.
    func policy(from start: Int, to end: Int, folder: String, depth: Int = 0) -> (Content, parameter: String?) {
      let start = skipBlanks(start)
      var end = end
      while end > start, bytes[end - 1].isXMLSpace { end -= 1 }
      let unknown = Content.unknown("its policy is `\(written(start, end).prefix(80))`, a value the run does not know")
      guard start < end, depth < 8 else { return (unknown, nil) }
      if let question = topLevel(.question, from: start, to: end),
        let colon = topLevel(UInt8(ascii: ":"), from: question + 1, to: end)
      {
        var choices: [Content] = []
        for (from, to) in [(question + 1, colon), (colon + 1, end)] {
          if written(from, to) == "null" { continue }
          let (choice, parameter) = policy(from: from, to: to, folder: folder, depth: depth + 1)
          if case .unknown = choice { return (choice, nil) }
          if parameter != nil { return (unknown, nil) }
          if case .alternatives(let nested) = choice { choices += nested } else { choices.append(choice) }
        }
        return (choices.count == 1 ? choices[0] : .alternatives(choices), nil)
      }
      if let literal = stringAt[start], stringEnds[start] == end {
        let policy = text(literal)
        if policy.hasPrefix("http://") || policy.hasPrefix("https://") {
          return (
            .unknown(
              "its policy is a link (`xml-link`, `rawxml-link`) fetched when deployed, which the run does not read"),
            nil
          )
        }
        return (.inline(policy, offset: literal.content.lowerBound), nil)
      }
      if bytes[start] == .openParen, bytes[end - 1] == .closeParen {
        return policy(from: start + 1, to: end - 1, folder: folder, depth: depth + 1)
      }
      let (name, nameEnd) = word(at: start)
      guard !name.isEmpty else { return (unknown, nil) }
      if nameEnd == end {
        if let literal = variables[name] { return (.inline(text(literal), offset: literal.content.lowerBound), nil) }
        if parameters[name] != nil {
          return (.unknown("its policy is the parameter `\(name)`, a value the run does not know"), name)
        }
        return (unknown, nil)
      }
      if name == "loadTextContent", bytes.hasLiteral("(", at: nameEnd), let literal = stringAt[skipBlanks(nameEnd + 1)]
      {
        return (.file(PolicyGraph.join(folder, text(literal))), nil)
      }
      if nameEnd < end, bytes[nameEnd] == .openParen {
        return (
          .unknown(
            "its policy is computed by `\(name)(…)`, which may add or change its elements: the run does not know it"),
          nil
        )
      }
      return (unknown, nil)
    }
  }

  /// A name written in Bicep with each `${…}` hole the graph cannot follow made a value the run
  /// does not know without a `/` in it (it may stand for several segments): a symbol
  /// (`${apimName}`) and a resource's name (`${api.name}`) are kept, resolved later.
  static func bicepName(_ name: String) -> String {
    guard name.contains("${") else { return name }
    var result = ""
    var rest = Substring(name)
    while let open = rest.firstRange(of: "${") {
      result += rest[..<open.lowerBound]
      var depth = 0
      var close: Substring.Index?
      var index = open.upperBound
      while index < rest.endIndex {
        let character = rest[index]
        if character == "{" { depth += 1 }
        if character == "}" {
          if depth == 0 {
            close = index
            break
          }
          depth -= 1
        }
        index = rest.index(after: index)
      }
      guard let close else {
        result += rest[open.lowerBound...]
        return result
      }
      let inner = String(rest[open.upperBound..<close]).trimmingXMLSpace
      let isSymbol =
        !inner.isEmpty
        && inner.utf8.allSatisfy { (byte: UInt8) -> Bool in
          byte == .dot || (HCLLexer.isIdentifierByte(byte) && byte != .hyphen)
        }
      if isSymbol {
        result += "${\(inner)}"
      } else {
        let function = inner.prefix { $0 != "(" && $0 != "/" && $0 != "'" && $0 != " " }
        result += "${\(function)(…)}"
      }
      rest = rest[rest.index(after: close)...]
    }
    return result + rest
  }
}
