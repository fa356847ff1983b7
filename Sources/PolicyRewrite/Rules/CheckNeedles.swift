import PolicyDOM

#if canImport(Glibc)
  import Glibc
#endif

/// What a policy must hold for any rule of ``RulePipeline`` to report something in `check`: a
/// byte test, made before parsing, that is true for every policy some rule reports on (and
/// for some others). A policy for which it is false is only checked to be well-formed, without
/// a tree (`PolicyDocument.checkWellFormed`).
///
/// Each rule's ``RuleDescription`` names its needles (``Needle``); the test looks for the
/// union of the catalog's, in one pass over the `=` of the policy. Each needle reads attribute
/// values that libxml2 has decoded, from the masked text, and compares them trimmed of XML
/// space. Every rule that needs a key injection to report (``LiteralKeyRule``,
/// ``AuthorizationRule``, the remaining-key errors, the key named values of
/// ``KeyVariableRule``) names ``Needle/keyHeaderName``, the needle of ``KeyInjectionRule``.
///
/// The bytes of a `name` or `value` attribute are its value as libxml2 reads it, except for:
/// character references (`&#…;`, which can spell anything: a file with one is always
/// analysed), the predefined entities (which spell no letter), whitespace normalization (only
/// trimmed whitespace matters) and masking (which turns bytes into `_` inside a policy
/// expression or template, where a raw `"` can hide the attribute's real end: a value with
/// `@`, `$` or `%` is taken to go on). Non-ASCII bytes are taken to match, since Unicode
/// lowering and canonical equivalence can turn them into ASCII letters (`K`, the Kelvin sign).
/// Key header names other than letters, digits, `-`, `_` and `.` make every `set-header` a
/// needle. Suppression comments and baselines apply to the findings afterwards, so they are
/// no needle. A policy with a key injection always holds a needle, so the needles also tell
/// which APIOps parent scopes may need to know their child scopes.
package struct CheckNeedles: Sendable {
  /// One thing in a policy's bytes that a rule needs to report on it.
  package enum Needle: Sendable, Hashable, CaseIterable {
    /// A `name` that is a key header (any case), starts with `@`, or holds `{` (a named value,
    /// or a template or `format()` placeholder: `${`, `%{`, `{0}`): a possible key injection.
    case keyHeaderName
    /// A `name` that is `code` (any case), or an expression, named value or template.
    case codeParameterName
    /// `?code=`, `&code=` or `&amp;code=` (any case) in a URL, also with `%XX` escapes or split
    /// across the strings of an expression.
    case codeInURL
    /// A `value` that is `{{…}}` with a name that looks like a function key
    /// (``KeyVariableRule/looksLikeFunctionKey(_:)``), read with its predefined entities
    /// decoded (`{{f&amp;unc-key}}` is `f&unc-key`).
    case keyNamedValue
  }

  /// Which needles a scan looks for.
  private struct Wanted: Sendable {
    var headerNames: Bool
    var codeNames: Bool
    var codeInURLs: Bool
    var keyNamedValues: Bool

    init(_ needles: Set<Needle>) {
      headerNames = needles.contains(.keyHeaderName)
      codeNames = needles.contains(.codeParameterName)
      codeInURLs = needles.contains(.codeInURL)
      keyNamedValues = needles.contains(.keyNamedValue)
    }
  }

  /// The needles of every rule in the catalog.
  private static let reported = Wanted(RuleCatalog.all.reduce(into: []) { $0.formUnion($1.needles) })
  /// The needles of a key injection.
  private static let injected = Wanted(Rule.keyInjection.details.needles)

  /// The key header names (lowercased), when all are plain; empty otherwise.
  private let headers: [[UInt8]]
  /// Whether every key header name is only letters, digits, `-`, `_` and `.`.
  private let headersArePlain: Bool

  /// The needles for `configuration`'s key headers.
  package init(configuration: RewriteConfiguration) {
    let headers = configuration.keyHeaders.map { Array($0.utf8) }
    headersArePlain = headers.allSatisfy { $0.allSatisfy(Self.isPlainHeaderByte) }
    self.headers = headersArePlain ? headers : []
  }

  /// Whether `check` may report anything on the policy `source` (before suppressions).
  package func mayReport(_ source: [UInt8]) -> Bool { mayMatch(source, Self.reported) }

  /// Whether the policy `source` may hold a key injection (``KeyInjectionRule``'s needles
  /// only): what a policy needs for its `<authentication-managed-identity>` to be placed, and
  /// so for its child scopes to matter.
  package func mayInject(_ source: [UInt8]) -> Bool { mayMatch(source, Self.injected) }

  private func mayMatch(_ source: [UInt8], _ wanted: Wanted) -> Bool {
    if source.containsLiteral("&#") { return true }
    if wanted.headerNames, !headersArePlain, source.containsLiteral("set-header") { return true }
    return source.withUnsafeBufferPointer { bytes in
      guard let base = bytes.baseAddress else { return false }
      var from = 0
      while from < bytes.count,
        let pointer = memchr(base + from, Int32(UInt8.equals), bytes.count - from)
      {
        let equals = base.distance(to: pointer.assumingMemoryBound(to: UInt8.self))
        from = equals + 1
        if wanted.codeInURLs, Self.isCodeParameter(bytes, equals: equals) { return true }
        guard let value = Self.attributeValue(in: bytes, equals: equals) else { continue }
        switch value.attribute {
        case .name: if nameMayReport(bytes[value.range], wanted) { return true }
        case .value: if wanted.keyNamedValues, Self.variableValueMayReport(bytes[value.range]) { return true }
        }
      }
      return false
    }
  }

  private enum Attribute { case name, value }

  /// Whether the `=` at `equals` ends `?code=`, `&code=` or `;code=` (the end of
  /// `&amp;code=`), in any case: looked at for each `=` of the scan, not searched for apart.
  private static func isCodeParameter(_ bytes: UnsafeBufferPointer<UInt8>, equals: Int) -> Bool {
    guard equals >= 5 else { return false }
    let before = bytes[equals - 5]
    if (before == .question || before == .ampersand || before == UInt8(ascii: ";"))
      && bytes[equals - 4].asciiLowercased == UInt8(ascii: "c")
      && bytes[equals - 3].asciiLowercased == UInt8(ascii: "o")
      && bytes[equals - 2].asciiLowercased == UInt8(ascii: "d")
      && bytes[equals - 1].asciiLowercased == UInt8(ascii: "e")
    {
      return true
    }
    // `?%63ode=` or `?co" + "de=`: the bytes before the `=` as ``URLCodeRule`` decodes them,
    // looked at only when they end with `e`, `5` (`%65`) or `"` and one of the last seven
    // bytes is `%` or `+` (rare before an `=`).
    let last = bytes[equals - 1]
    guard last.asciiLowercased == UInt8(ascii: "e") || last == UInt8(ascii: "5") || last == .doubleQuote else {
      return false
    }
    var k = max(0, equals - 7)
    while k < equals, bytes[k] != .percent, bytes[k] != UInt8(ascii: "+") { k += 1 }
    guard k < equals else { return false }
    let start = max(0, equals - 32)
    let decoded = URLCodeRule.decoded(Array(bytes[start...equals]))
    return decoded.count >= 6
      && {
        let tail = decoded.suffix(6).map(\.asciiLowercased)
        return (tail[0] == .question || tail[0] == .ampersand || tail[0] == UInt8(ascii: ";"))
          && tail[1...].elementsEqual("code=".utf8)
      }()
  }

  private static func isPlainHeaderByte(_ byte: UInt8) -> Bool {
    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == .hyphen || byte == .underscore
      || byte == UInt8(ascii: ".")
  }

  /// The `name` or `value` attribute whose `=` is at `equals`: its value's bytes up to the first
  /// quote like the opening one (or the end of the file).
  private static func attributeValue(
    in bytes: UnsafeBufferPointer<UInt8>, equals: Int
  ) -> (attribute: Attribute, range: Range<Int>)? {
    var end = equals
    while end > 0, bytes[end - 1].isXMLSpace { end -= 1 }
    let attribute: Attribute
    if ends(bytes, at: end, with: "name") {
      attribute = .name
    } else if ends(bytes, at: end, with: "value") {
      attribute = .value
    } else {
      return nil
    }
    var quote = equals + 1
    while quote < bytes.count, bytes[quote].isXMLSpace { quote += 1 }
    guard quote < bytes.count, bytes[quote] == .doubleQuote || bytes[quote] == .singleQuote else { return nil }
    var close = quote + 1
    while close < bytes.count, bytes[close] != bytes[quote] { close += 1 }
    return (attribute, (quote + 1)..<close)
  }

  private static func ends(_ bytes: UnsafeBufferPointer<UInt8>, at end: Int, with literal: StaticString) -> Bool {
    let count = literal.utf8CodeUnitCount
    guard end >= count else { return false }
    return literal.withUTF8Buffer { expected in
      var i = 0
      while i < count {
        if bytes[end - count + i] != expected[i] { return false }
        i += 1
      }
      return true
    }
  }

  /// Whether the value may go on past the quote found (masked inside an expression or a
  /// template), or holds bytes that Unicode lowering can make ASCII.
  private static func mayGoOnOrTurnASCII(_ value: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
    value.contains { $0 == .at || $0 == .dollar || $0 == .percent || $0 >= 0x80 }
  }

  /// A `name`: an unresolvable header name, a key header, or the `code` query parameter, as
  /// `wanted` says.
  private func nameMayReport(_ raw: Slice<UnsafeBufferPointer<UInt8>>, _ wanted: Wanted) -> Bool {
    guard wanted.headerNames || wanted.codeNames else { return false }
    var value = raw.drop { $0.isXMLSpace }
    // An expression, a named value, or a name with a template or `format()` placeholder
    // (`${`, `%{`, `{0}`).
    if value.first == .at || value.contains(.openBrace) { return true }
    if value.contains(where: { $0 >= 0x80 }) { return true }
    // A value that goes on holds `@`, `$` or `%`, and one with an entity `&`, `<`, `>`, `"` or
    // `'`: none is a plain header name or `code`. Otherwise the value is these bytes.
    if Self.mayGoOnOrTurnASCII(value) || value.contains(.ampersand) { return false }
    while let last = value.last, last.isXMLSpace { value.removeLast() }
    let count = value.count
    let lowered = value.lazy.map(\.asciiLowercased)
    return (wanted.codeNames && count == 4 && lowered.elementsEqual("code".utf8))
      || (wanted.headerNames && headers.contains { $0.count == count && $0.elementsEqual(lowered) })
  }

  /// A `value`: a named value reference whose name looks like a function key.
  /// An expression that only returns a named value (`@("{{fn-key}}")`, `@(&quot;{{fn-key}}&quot;)`,
  /// `@((string)"{{fn-key}}")`) counts by that named value: its `{{` stands within the first
  /// bytes after the `@`, and up to its `}}` it is read in the source (a raw `"` ends the value
  /// as the scan finds it).
  private static func variableValueMayReport(_ raw: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
    var value = raw.drop { $0.isXMLSpace }
    if value.first == .at {
      let source = raw.base
      let start = value.startIndex
      let limit = min(source.count - 1, start + 24)
      guard
        let open = (start..<max(start, limit)).first(where: { source[$0] == .openBrace && source[$0 + 1] == .openBrace }
        )
      else { return false }
      var end = open + 2
      while end + 1 < source.count, end - open < 512, !(source[end] == .closeBrace && source[end + 1] == .closeBrace) {
        end += 1
      }
      value = source[open..<min(end + 2, source.count)]
    }
    guard value.starts(with: [.openBrace, .openBrace]) else { return false }
    if mayGoOnOrTurnASCII(value) { return true }
    // The letters and digits of the decoded value: a predefined entity (`&amp;`, `&lt;`, …)
    // decodes to a byte that is neither, so it is skipped whole (not read as its letters).
    var letters: [UInt8] = []
    var inEntity = false
    for byte in value {
      if inEntity {
        inEntity = byte != UInt8(ascii: ";")
        continue
      }
      if byte == .ampersand {
        inEntity = true
        continue
      }
      let lowered = byte.asciiLowercased
      if (lowered >= 0x61 && lowered <= 0x7A) || (lowered >= 0x30 && lowered <= 0x39) { letters.append(lowered) }
    }
    return contains(letters, Array("key".utf8))
      && (contains(letters, Array("func".utf8)) || contains(letters, Array("fn".utf8)))
  }

  private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
    for start in 0...(haystack.count - needle.count)
    where haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle) {
      return true
    }
    return false
  }
}
