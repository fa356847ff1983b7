import PolicyDOM

/// What reads, removes or writes the request's `Authorization` header in one `<inbound>` or
/// policy fragment, in document order (`rewrite-spec.md` §2a).
///
/// Not touches: CORS header lists, comments, key injections, and the `set-header` and
/// `authentication-*` children of a `send-request` or `return-response` (they build another
/// request or the response). Expressions are readers wherever they stand, inside a
/// `send-request` or `return-response` too: they read the caller's request. A `send-request`
/// with `mode="copy"` and a `cache-lookup` are readers; `validate-jwt`,
/// `validate-azure-ad-token` and `check-header` whose header name is a named value, an
/// expression or a deployment template that may spell `Authorization` are possible readers,
/// and a `set-header` with `exists-action="delete"` and such a name is a possible remover.
/// An expression that reads the request's whole header collection
/// (`JsonConvert.SerializeObject(context.Request.Headers)`, `context.Request.Headers.Select(…)`,
/// a `foreach` over it) reads Authorization too, without naming it: it is a reader; a lookup of
/// a header by a quoted name (`GetValueOrDefault("X")`, `["X"]`, `ContainsKey("X")`,
/// `TryGetValue("X", …)`) reads that header only. Expressions are read from the original bytes,
/// because the parsed text is masked.
struct AuthorizationScan {
  /// One element that touches the header.
  struct Touch {
    enum Kind {
      case reader, remover, writer
      /// An `authentication-managed-identity`: a writer unless it is the one already in place.
      case managedIdentity
    }

    let kind: Kind
    let element: PolicyElement
    /// The direct child of the scanned scope that is or holds the element.
    let top: PolicyElement
    /// A reader (or remover) whose header name is a named value, an expression or a template:
    /// it may read (or remove) the header.
    var possible = false

    var offset: Int { element.range.lowerBound }
    var readsOrRemoves: Bool { kind == .reader || kind == .remover }
  }

  /// The touches, in document order.
  private(set) var touches: [Touch] = []
  /// For each prefix `touches[..<i]`, the last reader that no later remover in it follows.
  private var unremovedReaders: [Touch?] = []
  private let configuration: RewriteConfiguration
  /// Whether the document names `authorization` at all; if not, no text needs reading.
  private let scansText: Bool
  /// Whether the scope's text holds `Request.Headers`: an expression there may read the whole
  /// header collection, Authorization included, without naming it.
  private let scansHeaderCollections: Bool

  /// Scans every descendant of `scope`.
  init(scope: PolicyElement, configuration: RewriteConfiguration, scansText: Bool) {
    self.configuration = configuration
    self.scansText = scansText
    let source = scope.document.source
    scansHeaderCollections =
      source.firstOffset(of: "Request.Headers", from: scope.range.lowerBound).map { $0 < scope.range.upperBound }
      ?? false
    var child = scope.firstChildElement
    while let top = child {
      visit(top, top: top)
      child = top.nextSiblingElement
    }
    var reader: Touch?
    unremovedReaders.reserveCapacity(touches.count + 1)
    unremovedReaders.append(nil)
    for touch in touches {
      if touch.kind == .reader { reader = touch } else if touch.kind == .remover, !touch.possible { reader = nil }
      unremovedReaders.append(reader)
    }
  }

  /// Whether a scan of `source` may find a reader, remover or writer other than an MI element:
  /// a byte test that is true for every policy in which one is found. Each names
  /// `authorization` (any case: no other letters lower to it) in an attribute, its text or an
  /// expression, unless a character reference spells it, it is a `validate-azure-ad-token`
  /// without a source, a possible reader (`validate-jwt`, `check-header`), a possible remover
  /// (`exists-action="delete"`), a `cache-lookup`, a `send-request` in copy mode, an
  /// `authentication-basic`, or an `include-fragment` of a fragment that touches the header.
  static func mayFindReaderOrRemover(in source: [UInt8], configuration: RewriteConfiguration) -> Bool {
    source.containsLiteral("authorization", caseInsensitive: true) || source.containsLiteral("&#")
      || source.containsLiteral("Request.Headers")
      || source.containsLiteral("validate-azure-ad-token") || source.containsLiteral("validate-jwt")
      || source.containsLiteral("check-header") || source.containsLiteral("cache-lookup")
      || source.containsLiteral("copy\"", caseInsensitive: true)
      || source.containsLiteral("copy'", caseInsensitive: true)
      || source.containsLiteral("authentication-basic") || source.containsLiteral("delete", caseInsensitive: true)
      || (!configuration.authorizationFragments.isEmpty && source.containsLiteral("include-fragment"))
  }

  /// The first writer (an MI element included) for which `counts` holds.
  func firstWriter(where counts: (Touch) -> Bool) -> Touch? {
    touches.first { ($0.kind == .writer || $0.kind == .managedIdentity) && counts($0) }
  }

  /// The first writer (an MI element included).
  var firstWriter: Touch? { touches.first { $0.kind == .writer || $0.kind == .managedIdentity } }

  /// The last reader or remover.
  var lastReaderOrRemover: Touch? { touches.last(where: \.readsOrRemoves) }

  /// The first reader or remover that starts after `offset` and for which `counts` holds.
  func firstReaderOrRemover(after offset: Int, where counts: (Touch) -> Bool = { _ in true }) -> Touch? {
    touches[firstIndex(after: offset)...].first { $0.readsOrRemoves && counts($0) }
  }

  /// The last reader before `offset` that no remover between it and `offset` follows.
  func unremovedReader(before offset: Int) -> Touch? {
    unremovedReaders[firstIndex(after: offset - 1)]
  }

  /// The possible readers before `offset` that no later remover before `offset` follows, in
  /// document order, leaving out those `excluded` says (another branch): what a note about
  /// ``unremovedReader(before:)`` names when that one is possible.
  func unremovedPossibleReaders(before offset: Int, excluding excluded: (Touch) -> Bool = { _ in false }) -> [Touch] {
    var found: [Touch] = []
    for touch in touches[..<firstIndex(after: offset - 1)] where !excluded(touch) {
      if touch.kind == .reader, touch.possible {
        found.append(touch)
      } else if touch.kind == .remover, !touch.possible {
        found = []
      }
    }
    return found
  }

  /// The index of the first touch that starts after `offset` (binary search).
  private func firstIndex(after offset: Int) -> Int {
    touches.partitioningIndex { $0.offset > offset }
  }

  /// The union of what the touches do, for a fragment's entry in
  /// ``RewriteConfiguration/authorizationFragments``.
  var use: AuthorizationUse {
    var use: AuthorizationUse = []
    for touch in touches {
      switch touch.kind {
      case .reader: use.insert(.reads)
      case .remover: use.insert(.removes)
      case .writer, .managedIdentity: use.insert(.writes)
      }
    }
    return use
  }

  /// `building` is the `send-request` or `return-response` that holds `element`: a reader
  /// inside it is reported as that element, which is what reads the caller's request.
  private mutating func visit(_ element: PolicyElement, top: PolicyElement, building: PolicyElement? = nil) {
    if element.hasName("cors") { return }
    if element.hasName("set-header"), let name = element.attribute("name"),
      configuration.isKeyHeader(name.trimmingXMLSpace)
    {
      return
    }
    var reads = false
    func add(_ kind: Touch.Kind, possible: Bool = false) {
      touches.append(Touch(kind: kind, element: building ?? element, top: top, possible: possible))
      if kind == .reader { reads = true }
    }
    var builds = building
    if element.hasName("send-request") || element.hasName("send-one-way-request") {
      // It builds another request; in copy mode that request starts as a copy of the caller's.
      if element.attribute("mode")?.trimmingXMLSpace.lowercased() == "copy" { add(.reader) }
      builds = builds ?? element
    } else if element.hasName("return-response") {
      builds = builds ?? element
    } else if building != nil {
      // The headers of another request or of the response: only expressions read the caller's.
    } else if element.hasName("validate-jwt") {
      let name = element.attribute("header-name")
      if Self.isAuthorization(name) { add(.reader) } else if Self.isUnresolvable(name) { add(.reader, possible: true) }
    } else if element.hasName("validate-azure-ad-token") {
      let sources = ["header-name", "query-parameter-name", "token-value"].map { element.attribute($0) }
      if Self.isAuthorization(sources[0]) || sources.allSatisfy({ $0 == nil }) {
        add(.reader)
      } else if Self.isUnresolvable(sources[0]) {
        add(.reader, possible: true)
      }
    } else if element.hasName("check-header") {
      let name = element.attribute("name")
      if Self.isAuthorization(name) { add(.reader) } else if Self.isUnresolvable(name) { add(.reader, possible: true) }
    } else if element.hasName("set-header") {
      let name = element.attribute("name")
      let action = element.attribute("exists-action")?.trimmingXMLSpace.lowercased()
      if Self.isAuthorization(name) {
        add(action == "delete" ? .remover : .writer)
      } else if action == "delete", Self.isUnresolvable(name) {
        add(.remover, possible: true)
      }
    } else if element.hasName("authentication-basic") {
      add(.writer)
    } else if element.hasName("authentication-managed-identity") {
      add(.managedIdentity)
    } else if element.hasName("cache-lookup") {
      // Whether a request carries Authorization decides whether its response may be cached.
      add(.reader)
    } else if element.hasName("include-fragment") {
      let id = element.attribute("fragment-id")?.trimmingXMLSpace ?? ""
      let use = configuration.authorizationFragments[id] ?? []
      if use.contains(.reads) { add(.reader) }
      if use.contains(.removes) { add(.remover) }
      if use.contains(.writes) { add(.writer) }
    }
    if scansText || scansHeaderCollections, !reads,
      Self.expressionReadsAuthorization(in: element, names: scansText, collections: scansHeaderCollections)
    {
      add(.reader)
    }
    var child = element.firstChildElement
    while let current = child {
      visit(current, top: top, building: builds)
      child = current.nextSiblingElement
    }
  }

  /// Whether a header name is a named value, an expression or a Terraform/Bicep template
  /// (`${…}`, `%{…}`) that may spell `Authorization`: the deployed name may be `Authorization`.
  private static func isUnresolvable(_ value: String?) -> Bool {
    guard let name = value?.trimmingXMLSpace else { return false }
    if name.hasPrefix("{{") || name.hasPrefix("@") { return true }
    return HeaderNameTemplate.hasPlaceholder(name) && HeaderNameTemplate.mayName(name, keyHeaders: ["authorization"])
  }

  private static func isAuthorization(_ value: String?) -> Bool {
    value?.trimmingXMLSpace.lowercased() == "authorization"
  }

  /// Whether a policy expression in the element's start tag or in its own text (not its
  /// children's, not its comments) reads the request's Authorization header: with `names`,
  /// one that names `"Authorization"` as a string; with `collections`, one that reads the whole
  /// header collection (``readsHeaderCollection(_:_:)``).
  static func expressionReadsAuthorization(in element: PolicyElement, names: Bool, collections: Bool) -> Bool {
    let source = element.document.source
    let tagEnd = element.isEmptyElementTag ? element.range.upperBound : element.contentRange.lowerBound
    func reads(_ range: Range<Int>, inTag: Bool) -> Bool {
      (names && namesAuthorization(source, range, inTag: inTag))
        || (collections && readsHeaderCollection(source, range))
    }
    if reads(element.range.lowerBound..<tagEnd, inTag: true) { return true }
    var cursor = element.contentRange.lowerBound
    var child = element.firstChildElement
    while cursor < element.contentRange.upperBound {
      let end = child?.range.lowerBound ?? element.contentRange.upperBound
      if textReads(source, cursor..<end, reads: { reads($0, inTag: false) }) { return true }
      guard let current = child else { break }
      cursor = current.range.upperBound
      child = current.nextSiblingElement
    }
    return false
  }

  /// Text between child elements, with its comments left out.
  private static func textReads(_ source: [UInt8], _ range: Range<Int>, reads: (Range<Int>) -> Bool) -> Bool {
    var start = range.lowerBound
    while start < range.upperBound {
      var end = range.upperBound
      var next = range.upperBound
      if let open = source.firstOffset(of: "<!--", from: start), open < range.upperBound {
        end = open
        next = source.firstOffset(of: "-->", from: open + 4).map { $0 + 3 } ?? range.upperBound
      }
      if reads(start..<end) { return true }
      start = next
    }
    return false
  }

  /// The methods that look a header up by its name: with a quoted name, they read that header
  /// only.
  private static let namedLookups = ["GetValueOrDefault", "ContainsKey", "TryGetValue"]

  /// Whether `context.Request.Headers` stands in `range` after an `@` (in a policy expression)
  /// other than as a lookup by a quoted name (`.GetValueOrDefault("X-Id")`, `["X-Id"]`,
  /// `.ContainsKey("X-Id")`, `.TryGetValue("X-Id", out v)`): passed whole
  /// (`JsonConvert.SerializeObject(context.Request.Headers)`), enumerated (`.Select(…)`,
  /// `foreach`), converted (`.ToDictionary(…)`, `.ToString()`), or looked up by a computed
  /// name. Such an expression reads Authorization, and after the MI element, APIM's token.
  static func readsHeaderCollection(_ source: [UInt8], _ range: Range<Int>) -> Bool {
    guard let at = source[range].firstIndex(of: .at) else { return false }
    var from = at
    while let found = source.firstOffset(of: "Request.Headers", from: from), found < range.upperBound {
      var i = found + "Request.Headers".utf8.count
      from = i
      guard i <= range.upperBound else { return false }
      // `Request.HeadersX`: another name.
      if i < range.upperBound, isNameByte(source[i]) { continue }
      while i < range.upperBound, source[i].isXMLSpace || source[i] == .question { i += 1 }
      if i < range.upperBound, source[i] == .openBracket {
        if startsQuotedName(source, at: i + 1, before: range.upperBound) { continue }
        return true
      }
      if i < range.upperBound, source[i] == .dot {
        var j = i + 1
        while j < range.upperBound, source[j].isXMLSpace { j += 1 }
        let nameStart = j
        while j < range.upperBound, isNameByte(source[j]) { j += 1 }
        let method = String(decoding: source[nameStart..<j], as: UTF8.self)
        while j < range.upperBound, source[j].isXMLSpace { j += 1 }
        // A type argument: `GetValueOrDefault<string>(…)`, `&lt;string&gt;` in an attribute.
        if j < range.upperBound, source[j] == .lessThan,
          let close = source[j..<range.upperBound].firstIndex(of: .greaterThan)
        {
          j = close + 1
        } else if j + 4 <= range.upperBound, source.hasLiteral("&lt;", at: j),
          let close = source.firstOffset(of: "&gt;", from: j), close + 4 <= range.upperBound
        {
          j = close + 4
        }
        while j < range.upperBound, source[j].isXMLSpace { j += 1 }
        if namedLookups.contains(method), j < range.upperBound, source[j] == .openParen,
          startsQuotedName(source, at: j + 1, before: range.upperBound)
        {
          continue
        }
      }
      return true
    }
    return false
  }

  /// Whether a quoted string (`"`, `&quot;`, `'`, or a quote that a deployment template
  /// escapes, `\"`) starts at `index`, after white space.
  private static func startsQuotedName(_ source: [UInt8], at index: Int, before upper: Int) -> Bool {
    var i = index
    while i < upper, source[i].isXMLSpace { i += 1 }
    if i < upper, source[i] == .backslash { i += 1 }
    return (i < upper && (source[i] == .doubleQuote || source[i] == .singleQuote))
      || (i + 6 <= upper && source.hasLiteral("&quot;", at: i))
  }

  private static func isNameByte(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
      || byte == .underscore
  }

  /// Whether `"Authorization"` (or `&quot;Authorization&quot;`), in any case, stands in
  /// `range` after an `@`: a string in a policy expression. In a start tag, an attribute
  /// whose whole value is the name (`name="Authorization"`) is not an expression.
  private static func namesAuthorization(_ source: [UInt8], _ range: Range<Int>, inTag: Bool) -> Bool {
    let count = "authorization".utf8.count
    var sawAt = false
    var i = range.lowerBound
    while i + count <= range.upperBound {
      let byte = source[i]
      if byte == .at {
        sawAt = true
      } else if sawAt, byte | 0x20 == UInt8(ascii: "a"), source.hasLiteral(caseInsensitive: "authorization", at: i),
        let opening = quoteStart(source, before: i, from: range.lowerBound),
        closesQuote(source, at: i + count, before: range.upperBound)
      {
        if !(inTag && isAttributeValueStart(source, quote: opening, from: range.lowerBound)) { return true }
      }
      i += 1
    }
    return false
  }

  /// The offset of the `"` or `&quot;` that ends just before `index`.
  private static func quoteStart(_ source: [UInt8], before index: Int, from lower: Int) -> Int? {
    if index - 1 >= lower, source[index - 1] == .doubleQuote { return index - 1 }
    if index - 6 >= lower, source.hasLiteral("&quot;", at: index - 6) { return index - 6 }
    return nil
  }

  private static func closesQuote(_ source: [UInt8], at index: Int, before upper: Int) -> Bool {
    (index < upper && source[index] == .doubleQuote) || (index + 6 <= upper && source.hasLiteral("&quot;", at: index))
  }

  /// Whether the quote at `quote` opens an attribute value: `name="`, not `== "`.
  private static func isAttributeValueStart(_ source: [UInt8], quote: Int, from lower: Int) -> Bool {
    guard source[quote] == .doubleQuote else { return false }
    var i = quote - 1
    while i >= lower, source[i].isXMLSpace { i -= 1 }
    guard i >= lower, source[i] == .equals else { return false }
    i -= 1
    while i >= lower, source[i].isXMLSpace { i -= 1 }
    guard i >= lower else { return false }
    let byte = source[i]
    return byte.asciiLowercased >= UInt8(ascii: "a") && byte.asciiLowercased <= UInt8(ascii: "z")
      || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == .hyphen || byte == .underscore
      || byte == UInt8(ascii: ":")
  }
}

extension Array where Element == UInt8 {
  /// Whether the bytes at `index` are `literal` (lowercase ASCII) in any case.
  fileprivate func hasLiteral(caseInsensitive literal: StaticString, at index: Int) -> Bool {
    let count = literal.utf8CodeUnitCount
    guard index >= 0, index + count <= self.count else { return false }
    return literal.withUTF8Buffer { pattern in
      for k in 0..<count where self[index + k].asciiLowercased != pattern[k] { return false }
      return true
    }
  }
}
