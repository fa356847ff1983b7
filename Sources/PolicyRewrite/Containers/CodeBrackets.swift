import PolicyDOM

/// The brackets (`(`, `[`, `{`) of a Terraform or Bicep file's code, outside strings and
/// comments, as a tree: each opener knows the one around it and, once the pass has read it,
/// where it closes. A scanner records them as it reads, and records with each string the
/// innermost opener around it; ``isPolicyExpression(_:around:interpolation:in:)`` then tells
/// whether the expression around a string builds a policy.
///
/// A string that names a function key inside a function call is reported as a policy that an
/// expression builds (`replace(file("p.xml"), "__H__", "x-functions-key")`). A function key's
/// header name is also a plain setting of Function App clients: an app setting written as
/// `jsonencode([{ header_key_name = "X-Functions-Key" }])` builds no policy, and reporting it
/// failed `check` for good on a repository that holds no policy there.
struct CodeBrackets {
  /// An opening bracket.
  struct Opener {
    /// Where it stands.
    var offset: Int
    /// `(`, `[` or `{`.
    var bracket: UInt8
    /// The index of the opener around it.
    var parent: Int?
    /// The offset after its closing bracket, once the pass has read it.
    var end: Int?
  }

  /// Every opener of the file, in order.
  private(set) var openers: [Opener] = []
  /// The index of the innermost opener that stands open.
  private(set) var innermost: Int?
  /// The innermost opener that stands open.
  var innermostOpener: Opener? { innermost.map { openers[$0] } }
  /// Whether the text of the expression that an opener tops shows a policy, by its index:
  /// each expression is read once, however many strings it holds.
  private var shown: [Int: Bool] = [:]
  /// Whether the line before an opener, or before one around it, names a policy, by its index.
  private var headers: [Int: Bool] = [:]

  /// Records the opener `bracket` at `offset`.
  mutating func enter(_ bracket: UInt8, at offset: Int) {
    openers.append(Opener(offset: offset, bracket: bracket, parent: innermost))
    innermost = openers.count - 1
  }

  /// Records a closing bracket at `offset`: it closes the innermost open one (a file whose
  /// brackets do not match is read as well as it goes).
  mutating func leave(at offset: Int) {
    guard let index = innermost else { return }
    openers[index].end = offset + 1
    innermost = openers[index].parent
  }

  /// The functions that build a string from their arguments (a key header as their argument
  /// is a piece of the text they build), in lower case.
  static let stringBuilders: Set<String> = [
    "replace", "format", "formatlist", "join", "concat", "templatefile", "trimspace", "trimprefix", "trimsuffix",
    "trim", "chomp", "lower", "upper", "title", "coalesce", "try", "substr", "tolower", "toupper", "substring", "",
  ]

  /// Whether the expression around the string whose content (without quotes) is `content`,
  /// with `context` the innermost opener around it, is a policy, or a piece that builds one.
  ///
  /// The expression is the string with the brackets around it, up to a Terraform block, or an
  /// object that is the value of an attribute or property (`app_settings = {`, `siteConfig: {`,
  /// `resource … = {`), which group unrelated values. It is a policy when:
  /// - an attribute or block around it is a policy's: a block or statement whose header names
  ///   a policy (`resource "azurerm_api_management_api_policy"`,
  ///   `resource p '…/apis/policies@…'`, `module apiPolicy`), or an argument whose name does
  ///   (`xml_content`, `policy_xml`, `policyXml`);
  /// - its text holds policy markup (`<policies`, `<inbound`, `<set-header`, `<fragment`), a
  ///   named value (`{{…}}`), an XML file (`file("p.xml")`) or a name of a policy
  ///   (`local.policy_head`);
  /// - or the string is a piece of text that string functions put together: every bracket
  ///   around it up to the expression's edge is a list or a call of `replace()`, `format()`,
  ///   `join()`, `concat()`, `templatefile()`, … (`join("", [local.head, "x-functions-key",
  ///   local.tail])`), or, with `interpolation`, the string is itself a template whose
  ///   holes call functions.
  ///
  /// So the value of an object's attribute inside `jsonencode()` or `string()` (an app
  /// setting) is no policy unless the expression shows one.
  mutating func isPolicyExpression(
    _ content: Range<Int>, around context: Int?, interpolation: Bool, in bytes: [UInt8]
  ) -> Bool {
    var chain: [Int] = []
    var boundary = context
    while let index = boundary, !isBoundary(openers[index], in: bytes) {
      chain.append(index)
      boundary = openers[index].parent
    }
    // The expression's text, and where it starts (at the function's name before its top).
    let start: Int
    if let top = chain.last {
      start = Self.nameStart(before: openers[top].offset, in: bytes)
      let textShows =
        shown[top] ?? Self.namesPolicy(Array(bytes[start..<(openers[top].end ?? bytes.count)]), markup: true)
      shown[top] = textShows
      if textShows { return true }
    } else {
      start = max(0, content.lowerBound - 1)
      if Self.namesPolicy(Array(bytes[start..<min(bytes.count, content.upperBound + 1)]), markup: true) { return true }
    }
    if let name = Self.attributeName(before: start, in: bytes), Self.namesPolicy(Array(name.utf8), markup: false) {
      return true
    }
    if let boundary, headerShowsPolicy(boundary, in: bytes) { return true }
    if chain.isEmpty { return interpolation }
    var calls = 0
    for index in chain {
      switch openers[index].bracket {
      case .openBracket: continue
      case .openParen:
        let name = String(
          decoding: bytes[Self.nameStart(before: openers[index].offset, in: bytes)..<openers[index].offset],
          as: UTF8.self)
        guard Self.stringBuilders.contains(name.lowercased()) else { return false }
        calls += 1
      default: return false
      }
    }
    return calls > 0
  }

  /// Whether the line before the opener at `index` (a block's or statement's header), or before
  /// one around it, names a policy; each opener's line is read once.
  private mutating func headerShowsPolicy(_ index: Int, in bytes: [UInt8]) -> Bool {
    var unknown: [Int] = []
    var next: Int? = index
    var result = false
    while let current = next {
      if let known = headers[current] {
        result = known
        break
      }
      unknown.append(current)
      next = openers[current].parent
    }
    for current in unknown.reversed() {
      let offset = openers[current].offset
      result = result || Self.namesPolicy(Array(bytes[Self.lineStart(of: offset, in: bytes)..<offset]), markup: false)
      headers[current] = result
    }
    return result
  }

  /// Whether `opener` ends an expression: a `{` that opens a Terraform block (after a name or
  /// a label) or the object value of an attribute or property (after `=` or `:`).
  private func isBoundary(_ opener: Opener, in bytes: [UInt8]) -> Bool {
    guard opener.bracket == .openBrace else { return false }
    var i = opener.offset
    while i > 0, bytes[i - 1].isBlank || bytes[i - 1] == .carriageReturn { i -= 1 }
    guard i > 0 else { return true }
    let previous = bytes[i - 1]
    return previous == .equals || previous == UInt8(ascii: ":") || previous == .doubleQuote
      || previous == .singleQuote || Self.isNameByte(previous)
  }

  /// Whether `text` shows a policy: a name holding `polic` or `xml` (any case); with
  /// `markup`, also policy markup or a named value (`{{name}}`).
  static func namesPolicy(_ text: [UInt8], markup: Bool) -> Bool {
    if text.containsLiteral("polic", caseInsensitive: true) { return true }
    if markup {
      if text.containsLiteral("<policies", caseInsensitive: true)
        || text.containsLiteral("<inbound", caseInsensitive: true)
        || text.containsLiteral("<set-header", caseInsensitive: true)
        || text.containsLiteral("<fragment", caseInsensitive: true)
        || text.containsLiteral(".xml", caseInsensitive: true)
      {
        return true
      }
      if let open = text.firstOffset(of: "{{", from: 0), text.firstOffset(of: "}}", from: open + 2) != nil {
        return true
      }
      return false
    }
    return text.containsLiteral("xml", caseInsensitive: true)
  }

  /// The name of the attribute or property whose value starts at `start` (`NAME =` or
  /// `NAME:` before it, on the same line).
  static func attributeName(before start: Int, in bytes: [UInt8]) -> String? {
    var i = start
    while i > 0, bytes[i - 1].isBlank { i -= 1 }
    guard i > 0, bytes[i - 1] == .equals || bytes[i - 1] == UInt8(ascii: ":") else { return nil }
    i -= 1
    // `==`, `!=`, `<=`, `>=`: a comparison, not an attribute.
    if i > 0, [UInt8.equals, .bang, .lessThan, .greaterThan].contains(bytes[i - 1]) { return nil }
    while i > 0, bytes[i - 1].isBlank { i -= 1 }
    // A quoted name (`"policy_xml" = …`, `'policyXml': …`).
    if i > 0, bytes[i - 1] == .doubleQuote || bytes[i - 1] == .singleQuote { i -= 1 }
    let nameEnd = i
    while i > 0, isNameByte(bytes[i - 1]) { i -= 1 }
    return i < nameEnd ? String(decoding: bytes[i..<nameEnd], as: UTF8.self) : nil
  }

  /// Where the name before `offset` (a function's, `sys.replace`) starts: `offset` when none.
  static func nameStart(before offset: Int, in bytes: [UInt8]) -> Int {
    var i = offset
    while i > 0, isNameByte(bytes[i - 1]) || bytes[i - 1] == .dot { i -= 1 }
    return i
  }

  /// Where the line of `offset` starts, looking back at most 512 bytes (a header is short;
  /// a file on one long line costs no more per string).
  private static func lineStart(of offset: Int, in bytes: [UInt8]) -> Int {
    var i = offset
    while i > 0, offset - i < 512, bytes[i - 1] != .lineFeed { i -= 1 }
    return i
  }

  private static func isNameByte(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
      || byte == .underscore || byte == .hyphen
  }
}
