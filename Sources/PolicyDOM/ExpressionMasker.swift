#if canImport(Glibc)
  import Glibc
#endif

/// Masks raw APIM policy expressions so that `rawxml` policies parse as XML.
///
/// APIM's `rawxml` form writes C# policy expressions (`@(...)`, `@{...}`) unescaped: a
/// double-quoted attribute may hold `"`, and attributes and text may hold `<`, `&` and
/// `&&`. The masker finds each expression, scans it as C# (strings, verbatim and
/// interpolated strings with their holes, char literals, comments, nested brackets) and
/// replaces the bytes XML cannot carry with `_`. In a template (``PolicyDocument/ParseOptions``),
/// Terraform template sequences (`${...}`, `%{...}`) are masked the same way; a sequence is
/// never taken across a tag, so a `${` in one element and a `}` in another cannot hide the
/// elements between them. Every `-` inside an XML comment is masked, so that comments
/// holding `--` parse.
///
/// Every replacement is one ASCII byte for one ASCII byte, so offsets in the masked text are
/// offsets in the original: the parser locates elements in the mask, the rewriter splices
/// the original.
struct ExpressionMasker {
  /// An expression that does not end before the end of the file.
  struct UnterminatedExpression: Error {
    /// Offset of the expression's `@`.
    var offset: Int
  }

  // The scan reads the source in place without bounds checks (it touches every byte of every
  // file) and only records what to mask: a file that needs no masking, like a policy in the
  // escaped `xml` form, is never copied.
  private let bytes: UnsafeBufferPointer<UInt8>
  private var positions: [Int] = []
  /// Whether template sequences are masked.
  private let masksTemplates: Bool
  /// Set once a template sequence has run to the end of the file without closing.
  private var sawUnterminatedTemplate = false
  /// No template sequence starts before this offset: one that started earlier met a tag.
  private var noTemplateBefore = 0

  private init(_ bytes: UnsafeBufferPointer<UInt8>, masksTemplates: Bool) {
    self.bytes = bytes
    // Without a `$` or a `%` no template sequence can start: the scan then skips from an
    // expression's possible start to the next tag or quote with `memchr`.
    self.masksTemplates = masksTemplates && bytes.contains { $0 == .dollar || $0 == .percent }
  }

  /// What masking did to a source.
  struct Masked {
    /// The masked copy.
    var bytes: [UInt8]
    /// Whether a `<` or a quote was masked: bytes that can change which elements the parser sees.
    var hidesMarkup: Bool
  }

  /// Returns the masked copy of `source`, or `nil` when nothing needed masking.
  /// - Parameter templates: Whether Terraform template sequences are masked too.
  /// - Throws: ``UnterminatedExpression`` when an expression has no matching end.
  static func mask(_ source: [UInt8], templates: Bool = true) throws(UnterminatedExpression) -> [UInt8]? {
    try masking(source, templates: templates)?.bytes
  }

  /// Masks `source`; `nil` when nothing needed masking.
  static func masking(_ source: [UInt8], templates: Bool) throws(UnterminatedExpression) -> Masked? {
    guard source.contains(where: { $0 == .at || $0 == .dollar || $0 == .percent || $0 == .bang })
    else { return nil }
    let positions = try source.withUnsafeBufferPointer { buffer throws(UnterminatedExpression) -> [Int] in
      var masker = ExpressionMasker(buffer, masksTemplates: templates)
      try masker.run()
      return masker.positions
    }
    guard !positions.isEmpty else { return nil }
    var copy = source
    var hidesMarkup = false
    copy.withUnsafeMutableBufferPointer { buffer in
      for position in positions {
        let byte = buffer[position]
        if byte == .lessThan || byte == .doubleQuote || byte == .singleQuote { hidesMarkup = true }
        buffer[position] = .underscore
      }
    }
    return Masked(bytes: copy, hidesMarkup: hidesMarkup)
  }

  private mutating func put(_ index: Int) {
    positions.append(index)
  }

  /// Records, in `range` of an expression or template, the bytes XML cannot hold there: `<`,
  /// the attribute's quote, an `&` that starts no entity reference, and the `>` of `]]>` in
  /// text. Escaped text (`&quot;`, `&amp;&amp;`) needs no masking and is left alone.
  private mutating func maskMarkup(in range: Range<Int>, quote: UInt8?) {
    for k in range {
      let c = bytes[k]
      let breaksXML =
        c == .lessThan || c == quote || (c == .ampersand && !startsEntityReference(at: k))
        || (quote == nil && c == .greaterThan && k >= 2 && bytes[k - 1] == .closeBracket
          && bytes[k - 2] == .closeBracket)
      if breaksXML { put(k) }
    }
  }

  /// Whether the `&` at `index` starts a predefined or character entity reference.
  private func startsEntityReference(at index: Int) -> Bool {
    for name in ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"] as [StaticString] where starts(with: name, at: index) {
      return true
    }
    guard starts(with: "&#", at: index) else { return false }
    var i = index + 2
    let hex = i < bytes.count && bytes[i] == UInt8(ascii: "x")
    if hex { i += 1 }
    let first = i
    while i < bytes.count, bytes[i].isHexDigit && (hex || (bytes[i] >= 0x30 && bytes[i] <= 0x39)) { i += 1 }
    return i > first && i < bytes.count && bytes[i] == UInt8(ascii: ";")
  }

  /// The offset of the first `byte` at or after `index` (`memchr`).
  private func offset(of byte: UInt8, from index: Int) -> Int? {
    guard index < bytes.count, let base = bytes.baseAddress,
      let found = memchr(base + index, Int32(byte), bytes.count - index)
    else { return nil }
    return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
  }

  private func starts(with literal: StaticString, at index: Int) -> Bool {
    bytes.hasLiteral(literal, at: index)
  }

  private func find(_ literal: StaticString, from index: Int) -> Int? {
    var i = index
    let first = literal.withUTF8Buffer { $0[0] }
    while i < bytes.count {
      if bytes[i] == first, starts(with: literal, at: i) { return i }
      i += 1
    }
    return nil
  }

  // MARK: XML level

  private mutating func run() throws(UnterminatedExpression) {
    var i = 0
    var atTextStart = true
    let n = bytes.count
    while i < n {
      let b = bytes[i]
      if b == .lessThan {
        if starts(with: "<!--", at: i) {
          let end = find("-->", from: i + 4) ?? n
          for k in (i + 4)..<end where bytes[k] == .hyphen { put(k) }
          i = min(end + 3, n)
        } else if starts(with: "<![CDATA[", at: i) {
          i = (find("]]>", from: i + 9) ?? n - 3) + 3
        } else if starts(with: "<?", at: i) {
          i = (find("?>", from: i + 2) ?? n - 2) + 2
        } else if starts(with: "<!", at: i) {
          i = (find(">", from: i + 2) ?? n - 1) + 1
        } else {
          i = try scanTag(from: i + 1)
        }
        atTextStart = true
        continue
      }
      if b.isXMLSpace {
        i += 1
        continue
      }
      // Past the start of a text, only a template sequence or the next tag can matter.
      if !atTextStart, !masksTemplates {
        i = offset(of: .lessThan, from: i) ?? n
        continue
      }
      if atTextStart, b == .at, i + 1 < n, bytes[i + 1] == .openParen || bytes[i + 1] == .openBrace {
        i = try scanExpression(at: i, quote: nil)
      } else if let end = scanTemplate(at: i, quote: nil) {
        i = end
      } else {
        i += 1
      }
      atTextStart = false
    }
  }

  /// The bytes a tag is scanned for: `"`, `'`, `<` and `>`.
  private static var tagBytes: UInt64 { 1 << 34 | 1 << 39 | 1 << 60 | 1 << 62 }

  /// Scans a start or end tag whose name begins at `index`; returns the offset after its `>`.
  private mutating func scanTag(from index: Int) throws(UnterminatedExpression) -> Int {
    var i = index
    let n = bytes.count
    while i < n {
      // Names, spaces and `=` need nothing: skipped in a tight loop (`"`, `'`, `<` and `>` are
      // all below 64).
      while i < n, bytes[i] >= 64 || (Self.tagBytes >> UInt64(bytes[i])) & 1 == 0 { i += 1 }
      guard i < n else { break }
      let b = bytes[i]
      if b == .greaterThan { return i + 1 }
      if b == .lessThan { return i }  // malformed; let the parser report it
      if b == .doubleQuote || b == .singleQuote {
        i = try scanAttributeValue(openingAt: i)
        continue
      }
      i += 1
    }
    return n
  }

  /// Scans an attribute value whose opening quote is at `index`; returns the offset after
  /// its closing quote.
  private mutating func scanAttributeValue(openingAt index: Int) throws(UnterminatedExpression) -> Int {
    let quote = bytes[index]
    let n = bytes.count
    var i = index + 1
    while i < n, bytes[i].isXMLSpace { i += 1 }
    if i + 1 < n, bytes[i] == .at, bytes[i + 1] == .openParen || bytes[i + 1] == .openBrace {
      i = try scanExpression(at: i, quote: quote)
    }
    if !masksTemplates { return (offset(of: quote, from: i) ?? n - 1) + 1 }
    while i < n {
      let b = bytes[i]
      if b == quote { return i + 1 }
      if let end = scanTemplate(at: i, quote: quote) {
        i = end
      } else {
        i += 1
      }
    }
    return n
  }

  /// Masks a Terraform template sequence (`${...}` or `%{...}`) starting at `index`;
  /// returns the offset after it, or `nil` when none starts there or it does not end.
  ///
  /// After one sequence has failed to end, no later one is recognised: each attempt scans
  /// to the end of the file, so trying again at every later `${` made masking quadratic
  /// (80 KB of `${` took 25 s; a few megabytes, hours). A `${` that never closes is
  /// broken template syntax anyway; later sequences are then parsed as they are written.
  private mutating func scanTemplate(at index: Int, quote: UInt8?) -> Int? {
    let b = bytes[index]
    guard masksTemplates, b == .dollar || b == .percent, index + 1 < bytes.count, bytes[index + 1] == .openBrace,
      !sawUnterminatedTemplate, index >= noTemplateBefore
    else { return nil }
    if index > 0, bytes[index - 1] == b { return index + 2 }  // `$${` and `%%{` are escapes
    guard let close = bytes.closingBrace(from: index + 2, stoppingAt: { bytes[$0] == .lessThan && startsTag(at: $0) })
    else {
      sawUnterminatedTemplate = true
      return nil
    }
    if bytes[close] == .lessThan {
      // A template sequence does not cross a tag: this `${` is text. Later ones before
      // the tag would scan to it again (quadratic), so none is recognised before it.
      noTemplateBefore = close
      return nil
    }
    maskMarkup(in: (index + 2)..<close, quote: quote)
    return close + 1
  }

  /// Whether the `<` at `index` starts a tag, a comment, a CDATA section or a processing
  /// instruction (a name character, `/`, `!` or `?` follows it).
  private func startsTag(at index: Int) -> Bool {
    guard index + 1 < bytes.count else { return false }
    let next = bytes[index + 1]
    return next == .slash || next == .bang || next == .question || next == .underscore || next == UInt8(ascii: ":")
      || (next | 0x20 >= UInt8(ascii: "a") && next | 0x20 <= UInt8(ascii: "z")) || next >= 0x80
  }

  // MARK: C# level

  /// Scans the policy expression whose `@` is at `index` and masks what XML cannot hold in
  /// it; returns the offset after its closing bracket.
  private mutating func scanExpression(at index: Int, quote: UInt8?) throws(UnterminatedExpression) -> Int {
    var scanner = CSharpScanner(bytes: bytes, quote: quote)
    guard let end = scanner.skipBracketed(from: index + 1) else {
      throw UnterminatedExpression(offset: index)
    }
    maskMarkup(in: (index + 2)..<(end - 1), quote: quote)
    return end
  }
}

/// A scanner over C# source that finds where bracketed code ends, skipping string and char
/// literals and comments.
///
/// The scan is one loop over an explicit stack of open brackets and strings, not a pair of
/// mutually recursive functions: interpolated strings nest (`$"{$"{…}"}"`), and a recursion
/// per level overflowed the thread's stack on a hostile file of a few hundred kilobytes
/// (a crash, found while fuzzing). The stack lives on the heap, so depth costs memory only.
private struct CSharpScanner {
  let bytes: UnsafeBufferPointer<UInt8>
  /// The quote of the attribute holding the expression; `nil` in element text.
  let quote: UInt8?

  /// What the scan is inside of.
  private enum Frame {
    /// Code, up to this closing bracket.
    case bracket(closer: UInt8)
    /// A string literal's content; an interpolated string's `{` opens a `.bracket` hole.
    case string(verbatim: Bool, interpolated: Bool)
  }

  /// Returns the offset after the bracket that closes the one at `index`.
  mutating func skipBracketed(from index: Int) -> Int? {
    var stack: [Frame] = []
    var i = index
    let n = bytes.count
    while i < n {
      let b = bytes[i]
      if case .string(let verbatim, let interpolated)? = stack.last {
        if b == .backslash, !verbatim {
          i += 2
          continue
        }
        if b == .doubleQuote {
          if verbatim, i + 1 < n, bytes[i + 1] == .doubleQuote {
            i += 2
            continue
          }
          stack.removeLast()
          i += 1
          continue
        }
        if interpolated, b == .openBrace {
          if i + 1 < n, bytes[i + 1] == .openBrace {
            i += 2
            continue
          }
          stack.append(.bracket(closer: .closeBrace))
          i += 1
          continue
        }
        if b == .lineFeed, !verbatim {
          // A regular string cannot span lines: this quote was not a string's. The line
          // feed is scanned again as code.
          stack.removeLast()
          continue
        }
        i += 1
        continue
      }
      switch b {
      case .openParen: stack.append(.bracket(closer: .closeParen))
      case .openBrace: stack.append(.bracket(closer: .closeBrace))
      case .openBracket: stack.append(.bracket(closer: .closeBracket))
      case .closeParen, .closeBrace, .closeBracket:
        guard case .bracket(let closer)? = stack.last, closer == b else { return nil }
        stack.removeLast()
        if stack.isEmpty { return i + 1 }
      case .doubleQuote:
        stack.append(.string(verbatim: false, interpolated: false))
      case .singleQuote:
        guard let end = skipCharLiteral(from: i) else { return nil }
        i = end
        continue
      case .at, .dollar:
        if let (start, verbatim, interpolated) = stringPrefix(at: i) {
          stack.append(.string(verbatim: verbatim, interpolated: interpolated))
          i = start
          continue
        }
      case .slash where i + 1 < n && bytes[i + 1] == .slash:
        while i < n, bytes[i] != .lineFeed { i += 1 }
        continue
      case .slash where i + 1 < n && bytes[i + 1] == .asterisk:
        i += 2
        while i + 1 < n, !(bytes[i] == .asterisk && bytes[i + 1] == .slash) { i += 1 }
        i += 2
        continue
      case .ampersand where quote == .doubleQuote && isEntity("&quot;", at: i):
        // The escaped (`xml`) form writes strings as `&quot;...&quot;`.
        var j = i + 6
        while j < n, !isEntity("&quot;", at: j), bytes[j] != .doubleQuote { j += 1 }
        i = isEntity("&quot;", at: j) ? j + 6 : j
        continue
      default:
        break
      }
      i += 1
    }
    return nil
  }

  private func isEntity(_ literal: StaticString, at index: Int) -> Bool {
    bytes.hasLiteral(literal, at: index)
  }

  /// Recognises `@"`, `$"`, `$@"` and `@$"`; returns the offset after the opening quote.
  private func stringPrefix(at index: Int) -> (Int, verbatim: Bool, interpolated: Bool)? {
    var i = index
    var verbatim = false
    var interpolated = false
    while i < bytes.count, i < index + 2 {
      if bytes[i] == .at, !verbatim {
        verbatim = true
      } else if bytes[i] == .dollar, !interpolated {
        interpolated = true
      } else {
        break
      }
      i += 1
    }
    guard i < bytes.count, bytes[i] == .doubleQuote, verbatim || interpolated else { return nil }
    return (i + 1, verbatim, interpolated)
  }

  /// Skips a char literal (`'x'`, `'\''`, `'\u0041'`) at `index`; a lone `'` is skipped alone.
  private func skipCharLiteral(from index: Int) -> Int? {
    var i = index + 1
    let n = bytes.count
    var length = 0
    while i < n, length < 8 {
      if bytes[i] == .backslash {
        i += 2
        length += 2
        continue
      }
      if bytes[i] == .singleQuote { return i + 1 }
      if bytes[i] == .lineFeed { break }
      i += 1
      length += 1
    }
    return index + 1
  }
}
