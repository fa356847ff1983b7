import PolicyDOM

/// Reports a URL that passes a function key in its `code` query parameter (`?code=`,
/// `&code=`), in `set-backend-service base-url`, `set-url` and `rewrite-uri template`.
///
/// Check and rewrite: a review item; the rewrite does not change it.
enum URLCodeRule: AnalysisRule {
  static let id = Rule.keyInURL

  static func run(on analysis: inout PolicyAnalysis) {
    for entry in analysis.entries {
      guard case .url(let url) = entry.kind, let url else { continue }
      let bytes = Array(url.utf8)
      guard bytes.containsLiteral("code=", caseInsensitive: true),
        bytes.containsLiteral("?code=", caseInsensitive: true) || bytes.containsLiteral("&code=", caseInsensitive: true)
          || bytes.containsLiteral("&amp;code=", caseInsensitive: true)
      else { continue }
      let element = entry.element
      analysis.report(
        id, .warning, at: element, section: PolicyAnalysis.sectionPath(of: element), message(element: element.name))
    }
  }
}

extension URLCodeRule {
  fileprivate static func message(element: String) -> String {
    "the URL of <\(element)> passes a function key in its 'code' query parameter: remove it by hand"
  }
}
