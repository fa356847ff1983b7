import PolicyDOM

extension EmbeddedPolicy {
  /// Whether decoded text is a policy document: after white space, it starts with markup
  /// and holds a `<policies>`, `<fragment>` or snippet root element.
  static func isPolicyText(_ text: [UInt8]) -> Bool {
    var i = text.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    while i < text.count, text[i].isXMLSpace { i += 1 }
    guard i < text.count, text[i] == .lessThan else { return false }
    return text.containsLiteral("<policies") || text.containsLiteral("<fragment") || PolicyRewriter.maySnippet(text)
  }

  /// The first key header that `text` names (any ASCII case), and where.
  static func keyHeaderMention(in text: [UInt8], configuration: RewriteConfiguration) -> (name: String, offset: Int)? {
    var best: (name: String, offset: Int)?
    for name in configuration.keyHeaders.sorted() {
      let pattern = Array(name.utf8)
      if let offset = BackendCredentialScanner.find(
        pattern, in: text, from: 0, to: text.count, caseInsensitive: true),
        best.map({ offset < $0.offset }) ?? true
      {
        best = (name, offset)
      }
    }
    return best
  }

  /// The function key that `text` names, and where: a key header (also once character
  /// references such as `&#45;` are decoded, and once ARM or Bicep expression pieces
  /// `', '` are joined, so that a name split across two `concat()` arguments is found), or a
  /// `?code=` / `&code=` query parameter (any case).
  static func keyMention(
    in text: [UInt8], configuration: RewriteConfiguration
  ) -> (name: String, offset: Int, isQueryParameter: Bool)? {
    if let found = keyHeaderMention(in: text, configuration: configuration) { return (found.name, found.offset, false) }
    if text.containsLiteral("&#"),
      let found = keyHeaderMention(in: decodingCharacterReferences(text), configuration: configuration)
    {
      return (found.name, 0, false)
    }
    if text.containsLiteral("',") || text.containsLiteral("' ,"),
      let found = keyHeaderMention(in: joiningPieces(text), configuration: configuration)
    {
      return (found.name, 0, false)
    }
    var from = 0
    while let offset = text.firstOffset(of: "code=", from: from, caseInsensitive: true) {
      if offset > 0, text[offset - 1] == .question || text[offset - 1] == .ampersand {
        return ("code", offset, true)
      }
      from = offset + 1
    }
    return nil
  }

  /// `text` with its numeric character references (`&#45;`, `&#x2D;`) decoded; other bytes kept.
  static func decodingCharacterReferences(_ text: [UInt8]) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(text.count)
    var i = 0
    while i < text.count {
      if text[i] == .ampersand, i + 2 < text.count, text[i + 1] == UInt8(ascii: "#"),
        let semicolon = text[(i + 2)..<min(text.count, i + 12)].firstIndex(of: UInt8(ascii: ";"))
      {
        let digits = String(decoding: text[(i + 2)..<semicolon], as: UTF8.self)
        let value =
          digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
        if let value, let scalar = Unicode.Scalar(value) {
          result += Array(String(Character(scalar)).utf8)
          i = semicolon + 1
          continue
        }
      }
      result.append(text[i])
      i += 1
    }
    return result
  }

  /// `text` with each `'` + space + `,` + space + `'` (the boundary of two string arguments of
  /// an ARM or Bicep function call) taken out, so that the pieces read as one string.
  static func joiningPieces(_ text: [UInt8]) -> [UInt8] {
    var result: [UInt8] = []
    var kept = 0
    var from = 0
    while let quote = text[from...].firstIndex(of: .singleQuote) {
      guard let after = boundaryEnd(in: text, at: quote) else {
        from = quote + 1
        continue
      }
      result += text[kept..<quote]
      kept = after
      from = after
    }
    return result + text[kept...]
  }

  /// Where the boundary of two string arguments that starts with the `'` at `quote` ends (after
  /// its second `'`), or `nil` when none starts there.
  private static func boundaryEnd(in text: [UInt8], at quote: Int) -> Int? {
    var j = quote + 1
    while j < text.count, text[j].isXMLSpace { j += 1 }
    guard j < text.count, text[j] == UInt8(ascii: ",") else { return nil }
    j += 1
    while j < text.count, text[j].isXMLSpace { j += 1 }
    return j < text.count && text[j] == .singleQuote ? j + 1 : nil
  }

  /// When the decoded text names a function key (in markup, unless `requiresMarkup` is false;
  /// see ``keyMention(in:configuration:)``), the report of a policy the tool cannot decode,
  /// written as `form`.
  func undecodable(configuration: RewriteConfiguration, form: String, requiresMarkup: Bool = true)
    -> UndecodablePolicy?
  {
    guard !requiresMarkup || decoded.contains(.lessThan),
      let mention = Self.keyMention(in: decoded, configuration: configuration)
    else { return nil }
    return UndecodablePolicy(
      offset: offsets[mention.offset], header: mention.name, form: form, isQueryParameter: mention.isQueryParameter)
  }

  /// When the decoded text of a string that an expression uses to build a policy (an argument of
  /// `replace()`, `format()`, `concat()`, `join()`, a string in an interpolation) names a
  /// function key, markup or not: a key header (also with character references, or split
  /// across ARM pieces), or a named value whose name looks like a function key
  /// (`'{{orders-func-key}}'`), the report of a policy the tool cannot decode, written as
  /// `form`. A `code=` alone is not taken for a policy's: deployment scripts and outputs build
  /// such URLs too.
  func undecodableArgument(configuration: RewriteConfiguration, form: String) -> UndecodablePolicy? {
    if let mention = Self.keyMention(in: decoded, configuration: configuration), !mention.isQueryParameter {
      return UndecodablePolicy(offset: offsets[mention.offset], header: mention.name, form: form)
    }
    guard let mention = Self.keyNamedValueMention(in: decoded) else { return nil }
    return UndecodablePolicy(offset: offsets[mention.offset], header: mention.name, form: form, isNamedValue: true)
  }

  /// The first `{{name}}` of `text` (a name of letters, digits, `-`, `_` and `.`, as APIM
  /// allows) whose name looks like a function key (``KeyVariableRule/looksLikeFunctionKey(_:)``),
  /// and where its `{{` stands.
  static func keyNamedValueMention(in text: [UInt8]) -> (name: String, offset: Int)? {
    var from = 0
    while let open = text.firstOffset(of: "{{", from: from) {
      var end = open + 2
      while end < text.count, isNamedValueByte(text[end]) { end += 1 }
      if end > open + 2, end + 1 < text.count, text[end] == .closeBrace, text[end + 1] == .closeBrace {
        let name = String(decoding: text[(open + 2)..<end], as: UTF8.self)
        if KeyVariableRule.looksLikeFunctionKey(name) { return ("{{\(name)}}", open) }
      }
      from = open + 2
    }
    return nil
  }

  private static func isNamedValueByte(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
      || byte == .hyphen || byte == .underscore || byte == .dot
  }
}
