extension URLCodeRule {
  /// What this rule reports.
  static let description = RuleDescription(
    rule: .keyInURL, kind: .key, defaultSeverity: .warning, needles: [.codeInURL],
    summary: "A URL carries a function key in its 'code' query parameter.",
    explanation: """
      A backend URL, rewrite-uri template or send-request URL holds `?code=` with a key. \
      Remove the parameter from the URL and authenticate with Managed Identity.
      """,
    example: #"<set-backend-service base-url="https://orders.azurewebsites.net/api?code={{k}}" />"#,
    fix: #"<set-backend-service base-url="https://orders.azurewebsites.net/api" />"#)
}
