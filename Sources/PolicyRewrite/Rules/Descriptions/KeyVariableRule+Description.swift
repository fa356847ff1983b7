extension KeyVariableRule {
  /// What this rule reports.
  static let description = RuleDescription(
    rule: .keyVariable, kind: .key, defaultSeverity: .error, needles: [.keyNamedValue, .keyHeaderName],
    summary: "A set-variable copies a function key into a context variable, so the key is still in the policy.",
    explanation: """
      A variable that holds only a key and is read only by injections that the migration \
      removes goes with them. A variable that something else reads stays, and so does the key: \
      find where it is used and remove that use.
      """,
    example: #"<set-variable name="fnKey" value="{{orders-func-key}}" />"#)
}
