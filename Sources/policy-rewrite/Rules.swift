import ArgumentParser
import PolicyRewrite
import PolicyRewriteCLI

/// `policy-rewrite rules`: lists every rule, or explains one.
struct Rules: ParsableCommand {
  static let configuration = CommandConfiguration.subcommand(
    "rules",
    abstract: "List the rules policy-rewrite reports, or explain one.",
    discussion: "Each rule: its id, default severity, whether a finding fails check, and what it means.")

  /// The output formats of `rules`.
  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
  }

  @Argument(help: "A rule id to explain (all rules when absent).")
  var id: String?

  @Option(help: "Output format: text, json, or markdown (the README's table).")
  var format: Format = .text

  func validate() throws {
    guard let id, FindingID(rawValue: id) == nil else { return }
    var message = "unknown rule '\(id)'"
    if let suggestion = Suggestion.closest(to: id, among: Set(FindingID.allCases.map(\.rawValue))) {
      message += "; did you mean '\(suggestion)'?"
    }
    throw ValidationError(message)
  }

  func run() throws {
    let descriptions = id.flatMap(FindingID.init(rawValue:)).map { [$0.details] } ?? RuleCatalog.all
    switch format {
    case .json: print(try RuleListing.json(descriptions), terminator: "")
    case .markdown: print(RuleListing.markdown(descriptions), terminator: "")
    case .text where id != nil: print(RuleListing.text(of: descriptions[0]), terminator: "")
    case .text: print(RuleListing.text(descriptions), terminator: "")
    }
  }
}
