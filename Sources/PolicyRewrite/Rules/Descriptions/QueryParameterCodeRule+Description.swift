extension QueryParameterCodeRule {
  /// What this rule reports.
  static let description = RuleDescription(
    rule: .keyInQueryParameter, kind: .key, defaultSeverity: .warning, needles: [.codeParameterName],
    summary: "A function key is passed as the 'code' query parameter.",
    explanation: """
      Azure Functions accepts its key as the `code` query parameter as well as a header. The \
      key then also appears in logs that record URLs. Remove the parameter and authenticate \
      with Managed Identity.
      """,
    example: #"<set-query-parameter name="code" exists-action="override"><value>{{k}}</value></set-query-parameter>"#,
    fix: #"<authentication-managed-identity resource="api://orders-func" />"#)
}
