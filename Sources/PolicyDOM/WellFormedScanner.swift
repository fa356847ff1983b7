/// A fast, conservative test that bytes are well-formed XML, for the files whose elements
/// nobody needs.
///
/// libxml2 spends most of its time on a small policy setting up and tearing down its parser,
/// not reading it. This scanner reads a strict subset of XML 1.0 in one pass over the bytes
/// and vouches for a document only when libxml2, with the parser's options, certainly reads it
/// without an error. It knows no error message: anything it does not vouch for, well-formed
/// or not, goes to libxml2, which decides and reports the error with its line and column.
///
/// The subset:
/// - an optional UTF-8 byte-order mark, then an optional XML declaration at the very start
///   (`version` `1.0`, an `encoding` of `UTF-8` in any case, `standalone` `yes` or `no`);
/// - comments and white space around exactly one root element;
/// - element and attribute names of ASCII letters, digits, `_`, `-` and `.` (no namespace
///   prefix and no `xmlns` attribute, so no namespace can be wrong), at most
///   ``maximumAttributes`` distinct attributes to an element and ``maximumDepth`` levels;
/// - text, attribute values, comments and CDATA sections of valid UTF-8 XML characters, with
///   the predefined entities and character references only;
/// - at most ``maximumSize`` bytes, far inside libxml2's limits on names, texts and depth.
///
/// A `<!DOCTYPE`, a processing instruction, a namespace prefix or anything else outside the
/// subset is not vouched for. That every document the scanner vouches for parses with libxml2
/// to the same root is tested on every corpus file, on mutations of them, and in the fuzz target.
enum WellFormedScanner {
  /// The largest document vouched for.
  static let maximumSize = 1 << 20
  /// The deepest element nesting vouched for (libxml2 refuses more than 256).
  static let maximumDepth = 128
  /// The most attributes of one element vouched for (their names are compared pairwise).
  static let maximumAttributes = 64
  /// The longest element or attribute name vouched for.
  static let maximumNameLength = 1_000

  /// The root element's name when `bytes` are certainly a well-formed document; `nil` when
  /// libxml2 must decide.
  static func rootName(of bytes: UnsafeBufferPointer<UInt8>) -> String? {
    guard bytes.count <= maximumSize else { return nil }
    var scanner = Scanner(bytes)
    guard let root = scanner.document() else { return nil }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[root]), as: UTF8.self)
  }

  /// The elements of `bytes` when they are certainly a well-formed document, as libxml2 would
  /// read them (spans, names, structure, attribute values); `nil` when libxml2 must decide.
  static func elements(of bytes: UnsafeBufferPointer<UInt8>) -> ElementTable? {
    guard bytes.count <= maximumSize else { return nil }
    var scanner = Scanner(bytes, records: true)
    guard scanner.document() != nil else { return nil }
    scanner.table.finish()
    return scanner.table
  }

  /// Whether `bytes` certainly are not well-formed: read within the subset up to a `<` in an
  /// attribute value, an `&` that no reference can start with, a `<` that no tag can start
  /// with, an attribute without a space before it, `=` or a quoted value, or an end tag that
  /// closes another element (what an unescaped policy expression leaves in a `rawxml`
  /// policy), which libxml2 refuses whatever follows. `false` says nothing.
  static func isCertainlyMalformed(_ bytes: [UInt8]) -> Bool {
    guard bytes.count <= maximumSize else { return false }
    return bytes.withUnsafeBufferPointer { buffer in
      var scanner = Scanner(buffer)
      return scanner.document() == nil && scanner.certainlyMalformed
    }
  }
}

/// One pass over a document; every method returns `nil` or `false` as soon as the document
/// leaves the subset, with the position left wherever it was.
private struct Scanner {
  let bytes: UnsafeBufferPointer<UInt8>
  let count: Int
  var i = 0
  /// The names of the open elements, innermost last.
  var open: [Range<Int>] = []
  /// The attribute names of the start tag being read.
  var attributes: [Range<Int>] = []
  /// Set where the scan stops at an error that every XML parser reports.
  var certainlyMalformed = false
  /// Whether the elements are recorded in ``table``.
  let records: Bool
  /// The elements read so far, when they are recorded.
  var table = ElementTable()
  /// The value ranges (between the quotes) of the start tag's attributes, when recorded.
  var values: [Range<Int>] = []

  init(_ bytes: UnsafeBufferPointer<UInt8>, records: Bool = false) {
    self.bytes = bytes
    count = bytes.count
    self.records = records
    // About one element in 40 bytes of a policy.
    if records { table.reserve(count / 40 + 4) }
  }

  /// The root element's name range.
  mutating func document() -> Range<Int>? {
    if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
    if bytes.hasLiteral("<?xml", at: i) {
      guard xmlDeclaration() else { return nil }
    }
    guard miscellany(), i < count, bytes[i] == .lessThan, let root = element(), miscellany(), i == count else {
      return nil
    }
    return root
  }

  // MARK: Prolog and epilogue

  /// `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`, the last two optional.
  mutating func xmlDeclaration() -> Bool {
    i += 5
    guard skipSpace(), skip("version"), equals(), quoted({ $0.elementsEqual("1.0".utf8) }) else { return false }
    var mark = i
    if skipSpace(), skip("encoding") {
      guard equals(), quoted({ Self.isUTF8Name($0) }) else { return false }
      mark = i
    } else {
      i = mark
    }
    if skipSpace(), skip("standalone") {
      guard equals(), quoted({ $0.elementsEqual("yes".utf8) || $0.elementsEqual("no".utf8) }) else { return false }
    } else {
      i = mark
    }
    _ = skipSpace()
    return skip("?>")
  }

  private static func isUTF8Name(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
    name.count == 5 && name[0] | 0x20 == UInt8(ascii: "u") && name[1] | 0x20 == UInt8(ascii: "t")
      && name[2] | 0x20 == UInt8(ascii: "f") && name[3] == .hyphen && name[4] == UInt8(ascii: "8")
  }

  /// `S? Eq S?` of a pseudo-attribute.
  private mutating func equals() -> Bool {
    _ = skipSpace()
    guard i < count, bytes[i] == .equals else { return false }
    i += 1
    _ = skipSpace()
    return true
  }

  /// A quoted pseudo-attribute value of plain ASCII that `accepts` takes.
  private mutating func quoted(_ accepts: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
    guard i < count, bytes[i] == .doubleQuote || bytes[i] == .singleQuote else { return false }
    let quote = bytes[i]
    let start = i + 1
    var k = start
    while k < count, bytes[k] != quote {
      guard bytes[k] > 0x20, bytes[k] < 0x80 else { return false }
      k += 1
    }
    guard k < count, accepts(UnsafeBufferPointer(rebasing: bytes[start..<k])) else { return false }
    i = k + 1
    return true
  }

  /// White space and comments.
  mutating func miscellany() -> Bool {
    while true {
      _ = skipSpace()
      guard bytes.hasLiteral("<!--", at: i) else { return true }
      guard comment() else { return false }
    }
  }

  // MARK: Elements

  /// The element at `<` and everything in it, without recursion; returns its name's range.
  mutating func element() -> Range<Int>? {
    guard let (root, isEmpty) = startTag() else { return nil }
    if isEmpty { return root }
    open.append(root)
    while let current = open.last {
      guard text(), i + 1 < count else { return nil }
      // At a `<`.
      switch bytes[i + 1] {
      case .slash:
        let tagStart = i
        i += 2
        guard let name = name() else { return nil }
        guard sameName(name, current) else {
          // An end tag that does not close the open element.
          certainlyMalformed = true
          return nil
        }
        _ = skipSpace()
        guard i < count, bytes[i] == .greaterThan else { return nil }
        i += 1
        open.removeLast()
        if records, let number = table.endElement() {
          table.nodes[number].span.contentEnd = tagStart
          table.nodes[number].span.end = i
        }
      case .bang:
        if bytes.hasLiteral("<!--", at: i) {
          guard comment() else { return nil }
        } else if bytes.hasLiteral("<![CDATA[", at: i) {
          guard cdata() else { return nil }
        } else {
          return nil
        }
      default:
        // `<` then a space, a digit, `=` or `<`: no name starts a tag there.
        let next = bytes[i + 1]
        if next.isXMLSpace || next == .equals || next == .lessThan || (next >= 0x30 && next <= 0x39) {
          certainlyMalformed = true
          return nil
        }
        guard let (name, isEmpty) = startTag() else { return nil }
        if !isEmpty {
          guard open.count < WellFormedScanner.maximumDepth else { return nil }
          open.append(name)
        }
      }
    }
    return root
  }

  /// A start tag at `<`: its name's range and whether it is an empty-element tag.
  mutating func startTag() -> (Range<Int>, Bool)? {
    let start = i
    i += 1
    guard let element = name() else { return nil }
    attributes.removeAll(keepingCapacity: true)
    if records { values.removeAll(keepingCapacity: true) }
    while true {
      let spaced = skipSpace()
      guard i < count else { return nil }
      switch bytes[i] {
      case .greaterThan:
        i += 1
        if records { record(element, start: start, isEmpty: false) }
        return (element, false)
      case .slash:
        guard i + 1 < count, bytes[i + 1] == .greaterThan else { return nil }
        i += 2
        if records { record(element, start: start, isEmpty: true) }
        return (element, true)
      default:
        // An attribute, or anything else, right after a name or a value: no space between.
        guard spaced else {
          certainlyMalformed = true
          return nil
        }
        guard attribute() else { return nil }
      }
    }
  }

  /// Records the element whose start tag (from `start`) was just read, up to `i`: an empty
  /// element is closed at once, as libxml2 closes it (its content and end where its tag ends).
  private mutating func record(_ name: Range<Int>, start: Int, isEmpty: Bool) {
    table.attributes.addElement(names: attributes, values: values, in: bytes)
    let span =
      isEmpty
      ? ElementSpan(start: start, contentStart: i, contentEnd: i, end: i)
      : ElementSpan(start: start, contentStart: i, contentEnd: -1, end: -1)
    table.startElement(span, name: UnsafeBufferPointer(rebasing: bytes[name]))
    if isEmpty { _ = table.endElement() }
  }

  /// `name="value"`, a name not seen before in the tag.
  private mutating func attribute() -> Bool {
    guard let name = name(), !bytes.hasLiteral("xmlns", at: name.lowerBound),
      attributes.count < WellFormedScanner.maximumAttributes,
      !attributes.contains(where: { sameName($0, name) })
    else { return false }
    attributes.append(name)
    _ = skipSpace()
    guard i < count, bytes[i] == .equals else {
      certainlyMalformed = i < count
      return false
    }
    i += 1
    _ = skipSpace()
    guard i < count, bytes[i] == .doubleQuote || bytes[i] == .singleQuote else {
      certainlyMalformed = i < count
      return false
    }
    let quote = bytes[i]
    i += 1
    let valueStart = i
    while i < count {
      let byte = bytes[i]
      if byte == quote {
        if records { values.append(valueStart..<i) }
        i += 1
        return true
      }
      switch byte {
      case .lessThan:
        certainlyMalformed = true
        return false
      case .ampersand: guard reference() else { return false }
      default: guard character() else { return false }
      }
    }
    return false
  }

  /// An ASCII name that no namespace prefix or non-ASCII letter continues.
  private mutating func name() -> Range<Int>? {
    let start = i
    guard i < count, Self.startsName(bytes[i]) else { return nil }
    i += 1
    while i < count, Self.isIn(bytes[i], Self.nameBytes) { i += 1 }
    guard i < count, bytes[i] < 0x80, bytes[i] != UInt8(ascii: ":"),
      i - start <= WellFormedScanner.maximumNameLength
    else { return nil }
    return start..<i
  }

  /// A set of ASCII bytes as two 64-bit masks (bytes 0–63 and 64–127).
  private typealias ByteSet = (low: UInt64, high: UInt64)

  /// Whether `byte` is in `set`, in a few instructions (a table would be looked up through a
  /// lazily initialized global).
  @inline(__always) private static func isIn(_ byte: UInt8, _ set: ByteSet) -> Bool {
    byte < 64 ? (set.low >> UInt64(byte)) & 1 == 1 : byte < 128 && (set.high >> UInt64(byte - 64)) & 1 == 1
  }

  /// Letters, digits, `_`, `-` and `.`.
  private static var nameBytes: ByteSet {
    (
      low: 1 << 45 | 1 << 46 | 0x3FF << 48, high: 0x3FF_FFFF << 1 | 1 << 31 | 0x3FF_FFFF << 33
    )
  }
  /// The characters of text that need nothing: tab, LF, CR and printable ASCII (with DEL) but
  /// `&`, `<` and `]`.
  private static var plainText: ByteSet {
    (low: 1 << 9 | 1 << 10 | 1 << 13 | (0xFFFF_FFFF << 32 & ~(1 << 38) & ~(1 << 60)), high: ~(1 << 29))
  }

  private static func startsName(_ byte: UInt8) -> Bool {
    (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == .underscore
  }

  private func sameName(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
    a.count == b.count && bytes[a].elementsEqual(bytes[b])
  }

  // MARK: Character data

  /// Text up to the next `<`.
  mutating func text() -> Bool {
    while i < count {
      // Most bytes need nothing: they are skipped in a tight loop.
      while i < count, Self.isIn(bytes[i], Self.plainText) { i += 1 }
      guard i < count else { break }
      let byte = bytes[i]
      switch byte {
      case .lessThan: return true
      case .ampersand: guard reference() else { return false }
      case .closeBracket:
        if i + 2 < count, bytes[i + 1] == .closeBracket, bytes[i + 2] == .greaterThan { return false }
        i += 1
      default: guard character() else { return false }
      }
    }
    return true
  }

  /// `<!-- … -->`, with no `--` inside.
  mutating func comment() -> Bool {
    i += 4
    return section(closedBy: .hyphen, twiceOnlyAtTheEnd: true)
  }

  /// `<![CDATA[ … ]]>`.
  mutating func cdata() -> Bool {
    i += 9
    return section(closedBy: .closeBracket, twiceOnlyAtTheEnd: false)
  }

  /// The characters of a comment or CDATA section up to `mark` `mark` `>`, past it; with
  /// `twiceOnlyAtTheEnd`, two `mark`s not followed by `>` fail (`--` in a comment).
  private mutating func section(closedBy mark: UInt8, twiceOnlyAtTheEnd: Bool) -> Bool {
    while i < count {
      if bytes[i] == mark {
        if i + 1 < count, bytes[i + 1] == mark {
          if i + 2 < count, bytes[i + 2] == .greaterThan {
            i += 3
            return true
          }
          if twiceOnlyAtTheEnd { return false }
        }
        i += 1
      } else {
        guard character() else { return false }
      }
    }
    return false
  }

  /// A predefined entity (`&lt;` …) or a character reference to an XML character, at `&`.
  private mutating func reference() -> Bool {
    i += 1
    guard i < count else { return false }
    let next = bytes[i]
    if next != UInt8(ascii: "#"), !Self.startsName(next), next != UInt8(ascii: ":"), next < 0x80 {
      // `&&`, `& ` and the like: no entity name starts there.
      certainlyMalformed = true
      return false
    }
    if bytes[i] != UInt8(ascii: "#") {
      for name in ["lt;", "gt;", "amp;", "apos;", "quot;"] as [StaticString] where bytes.hasLiteral(name, at: i) {
        i += name.utf8CodeUnitCount
        return true
      }
      return false
    }
    i += 1
    let hex = i < count && bytes[i] == UInt8(ascii: "x")
    if hex { i += 1 }
    var value: UInt32 = 0
    var digits = 0
    while i < count, let digit = Self.digit(bytes[i], hex: hex) {
      value = value * (hex ? 16 : 10) + digit
      digits += 1
      guard digits <= 7 else { return false }
      i += 1
    }
    guard digits > 0, i < count, bytes[i] == UInt8(ascii: ";"), Self.isCharacter(value) else { return false }
    i += 1
    return true
  }

  private static func digit(_ byte: UInt8, hex: Bool) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
  }

  /// XML 1.0's `Char`.
  private static func isCharacter(_ value: UInt32) -> Bool {
    switch value {
    case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
    default: false
    }
  }

  /// One XML character: tab, LF, CR, printable ASCII or DEL, or a UTF-8 sequence of one.
  private mutating func character() -> Bool {
    switch bytes[i] {
    case 0x20..<0x80, .tab, .lineFeed, .carriageReturn:
      i += 1
      return true
    case 0x80...: return multibyte()
    default: return false
    }
  }

  /// One UTF-8 sequence of an XML character, at its first byte (0x80 or more).
  private mutating func multibyte() -> Bool {
    guard let length = XMLCharacter.sequenceLength(in: bytes, at: i) else { return false }
    i += length
    return true
  }

  // MARK: Bytes

  /// Skips XML white space; whether there was any.
  private mutating func skipSpace() -> Bool {
    let start = i
    while i < count, bytes[i].isXMLSpace { i += 1 }
    return i > start
  }

  /// Skips `literal` when it is next.
  private mutating func skip(_ literal: StaticString) -> Bool {
    guard bytes.hasLiteral(literal, at: i) else { return false }
    i += literal.utf8CodeUnitCount
    return true
  }
}
