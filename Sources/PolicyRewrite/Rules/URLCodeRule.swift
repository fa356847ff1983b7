import PolicyDOM

/// Reports a URL that passes a function key in its `code` query parameter (`?code=`,
/// `&code=`), in `set-backend-service base-url`, `set-url` and `rewrite-uri template`, also
/// written with `%XX` escapes (`?%63ode=`) or split across the strings of an expression
/// (`@("https://…?co" + "de=" + …)`).
///
/// Check and rewrite: a review item; the rewrite does not change it.
enum URLCodeRule: AnalysisRule {
  static let id = Rule.keyInURL

  static func run(on analysis: inout PolicyAnalysis) {
    for entry in analysis.entries {
      guard case .url(let url) = entry.kind, let url else { continue }
      guard passesCode(Array(url.utf8)) else { continue }
      let element = entry.element
      analysis.report(
        id, .warning, at: element, section: PolicyAnalysis.sectionPath(of: element), message(element: element.name))
    }
  }
}

extension URLCodeRule {
  /// Whether a URL passes `?code=` or `&code=` (any case), also once its `%XX` escapes are
  /// decoded and, in a policy expression, its string pieces (`"…?co" + "de=…"`) are joined.
  static func passesCode(_ url: [UInt8]) -> Bool {
    if hasCode(url) { return true }
    guard url.contains(.percent) || url.contains(UInt8(ascii: "+")) else { return false }
    // In an expression the attribute is read masked: its quotes are `_`.
    return hasCode(decoded(url, maskedQuotes: url.first == .at))
  }

  private static func hasCode(_ bytes: [UInt8]) -> Bool {
    bytes.containsLiteral("code=", caseInsensitive: true)
      && (bytes.containsLiteral("?code=", caseInsensitive: true)
        || bytes.containsLiteral("&code=", caseInsensitive: true)
        || bytes.containsLiteral("&amp;code=", caseInsensitive: true))
  }

  /// `url` with `%XX` decoded and each `"` + space + `+` + space + `"` taken out (also with
  /// `_` for `"` when `maskedQuotes`: a masked expression).
  static func decoded(_ url: [UInt8], maskedQuotes: Bool = false) -> [UInt8] {
    func isQuote(_ byte: UInt8) -> Bool { byte == .doubleQuote || (maskedQuotes && byte == .underscore) }
    var result: [UInt8] = []
    result.reserveCapacity(url.count)
    var i = 0
    while i < url.count {
      let byte = url[i]
      if byte == .percent, i + 2 < url.count, let high = hexValue(url[i + 1]), let low = hexValue(url[i + 2]) {
        result.append(high << 4 | low)
        i += 3
        continue
      }
      if isQuote(byte) {
        var j = i + 1
        while j < url.count, url[j].isXMLSpace { j += 1 }
        if j < url.count, url[j] == UInt8(ascii: "+") {
          j += 1
          while j < url.count, url[j].isXMLSpace { j += 1 }
          if j < url.count, isQuote(url[j]) {
            i = j + 1
            continue
          }
        }
      }
      result.append(byte)
      i += 1
    }
    return result
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: byte - 0x30
    case 0x41...0x46: byte - 0x41 + 10
    case 0x61...0x66: byte - 0x61 + 10
    default: nil
    }
  }

  fileprivate static func message(element: String) -> String {
    "the URL of <\(element)> passes a function key in its 'code' query parameter: remove it by hand"
  }
}
