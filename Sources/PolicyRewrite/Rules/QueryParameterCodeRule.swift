import PolicyDOM

/// Reports a function key passed as the `code` query parameter
/// (`<set-query-parameter name="code">`, unless it deletes the parameter).
///
/// Check and rewrite: a review item; the rewrite does not change it.
enum QueryParameterCodeRule: AnalysisRule {
  static let id = Rule.keyInQueryParameter

  static func run(on analysis: inout PolicyAnalysis) {
    for entry in analysis.entries {
      guard case .queryParameter = entry.kind else { continue }
      let element = entry.element
      guard let name = element.attribute("name")?.trimmingXMLSpace, name.lowercased() == "code",
        element.attribute("exists-action")?.trimmingXMLSpace != "delete"
      else { continue }
      analysis.report(id, .warning, at: element, section: PolicyAnalysis.sectionPath(of: element), message)
    }
  }
}

extension QueryParameterCodeRule {
  fileprivate static let message =
    "a function key is passed as the 'code' query parameter: replace it with <authentication-managed-identity> by hand"
}
