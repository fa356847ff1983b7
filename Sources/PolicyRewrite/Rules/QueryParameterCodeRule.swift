import PolicyDOM

/// Reports a function key passed as the `code` query parameter
/// (`<set-query-parameter name="code">`, unless it deletes the parameter), and a parameter
/// whose name is an expression, a named value or a template, which may be `code`.
///
/// Check and rewrite: a review item; the rewrite does not change it.
enum QueryParameterCodeRule: AnalysisRule {
  static let id = Rule.keyInQueryParameter

  static func run(on analysis: inout PolicyAnalysis) {
    for entry in analysis.entries {
      guard case .queryParameter = entry.kind else { continue }
      let element = entry.element
      guard let name = element.attribute("name")?.trimmingXMLSpace,
        element.attribute("exists-action")?.trimmingXMLSpace != "delete"
      else { continue }
      if name.lowercased() == "code" {
        analysis.report(id, .warning, at: element, section: PolicyAnalysis.sectionPath(of: element), message)
      } else if name.hasPrefix("@") || name.hasPrefix("{{")
        || (HeaderNameTemplate.hasPlaceholder(name) && HeaderNameTemplate.mayName(name, keyHeaders: ["code"]))
      {
        // `@("co" + "de")`, `{{key-param}}`, `${…}`: the deployed name may be `code`.
        analysis.report(
          id, .warning, at: element, section: PolicyAnalysis.sectionPath(of: element),
          unresolvableMessage(name.hasPrefix("@") ? "@(...)" : name))
      }
    }
  }
}

extension QueryParameterCodeRule {
  fileprivate static let message =
    "a function key is passed as the 'code' query parameter: replace it with <authentication-managed-identity> by hand"

  fileprivate static func unresolvableMessage(_ name: String) -> String {
    "set-query-parameter name '\(name)' is a named value or an expression; check by hand whether it passes a function key as 'code'"
  }
}
