import FoundationEssentials
import PolicyRewrite

/// What `policy-rewrite rules` prints: every rule as a table or as JSON, or one rule's whole
/// explanation.
public enum RuleListing {
  /// One rule as `rules --format json` lists it.
  struct Entry: Encodable {
    var id: String
    var kind: String
    var severity: String
    var failsCheck: Bool
    var isFailure: Bool
    var summary: String
    var explanation: String
    var example: String?
    var fix: String?

    init(_ description: RuleDescription) {
      id = description.id.rawValue
      kind = description.kind.rawValue
      severity = description.defaultSeverity.rawValue
      failsCheck = description.failsCheck
      isFailure = description.isFailure
      summary = description.summary
      explanation = description.explanation
      example = description.example.isEmpty ? nil : description.example
      fix = description.fix.isEmpty ? nil : description.fix
    }
  }

  /// Every rule, one line each: id, severity, whether it fails `check`, summary.
  public static func text(_ descriptions: [RuleDescription] = RuleCatalog.all) -> String {
    let width = descriptions.map(\.id.rawValue.count).max() ?? 0
    var output = ""
    for description in descriptions {
      let id = description.id.rawValue
      let padding = String(repeating: " ", count: width - id.count)
      let level = description.defaultSeverity.rawValue
      let severity = level + String(repeating: " ", count: max(0, 7 - level.count))
      let fails = description.failsCheck ? "fails" : "     "
      output += "\(id)\(padding)  \(severity)  \(fails)  \(description.summary)\n"
    }
    output += "\n'fails': a finding makes check exit 1 (2 for an error). policy-rewrite rules ID explains one rule.\n"
    return output
  }

  /// One rule in full: summary, severity, explanation, and the example and its fix.
  public static func text(of description: RuleDescription) -> String {
    var output = "\(description.id.rawValue) (\(description.defaultSeverity.rawValue)"
    output += description.isFailure ? ", an error: cannot be ignored or suppressed" : ""
    output += description.failsCheck ? ", fails check)\n" : ", does not fail check)\n"
    output += "\n\(description.summary)\n\n\(description.explanation)\n"
    if !description.example.isEmpty { output += "\nReported:\n\n\(indented(description.example))\n" }
    if !description.fix.isEmpty { output += "\nFixed:\n\n\(indented(description.fix))\n" }
    return output
  }

  /// Every rule as a Markdown table (the README's rule list is this table, which a test keeps
  /// in step with the catalog).
  public static func markdown(_ descriptions: [RuleDescription] = RuleCatalog.all) -> String {
    var output = "| rule | severity | fails `check` | what it means |\n|---|---|---|---|\n"
    for description in descriptions {
      let summary = description.summary.replacing("|", with: "\\|")
        .replacing("<", with: "&lt;")
      output += "| `\(description.id.rawValue)` | \(description.defaultSeverity.rawValue) | "
      output += description.failsCheck ? "yes" : "no"
      output += " | \(summary) |\n"
    }
    return output
  }

  /// `descriptions` as a JSON array, one object per rule.
  public static func json(_ descriptions: [RuleDescription] = RuleCatalog.all) throws -> String {
    String(decoding: try JSONEncoder.document(descriptions.map(Entry.init)), as: UTF8.self)
  }

  private static func indented(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
  }
}
