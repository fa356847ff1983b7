import ArgumentParser
import PolicyRewrite
import PolicyRewriteCLI

/// `policy-rewrite effective`: the policy APIM runs for one operation, composed offline.
struct Effective: ParsableCommand {
  static let configuration = CommandConfiguration.subcommand(
    "effective",
    abstract: "Print the effective policy of an operation: every scope and fragment composed, with origins.",
    discussion: """
      Composes, from the files under PATHS, the global policy, the product's, the API's and the \
      operation's: each <base /> replaced by the parent scope's section and each include-fragment \
      by the fragment, every element preceded by a comment naming its file and line. What cannot be \
      decided (several products, unknown scopes, fragments not scanned) is stated at the top.
      """)

  @Argument(help: "Policy files and folders to read (every layout: APIOps, Terraform, Bicep, ARM).")
  var paths: [String]

  @Option(help: "The API's name.")
  var api: String

  @Option(help: ArgumentHelp("The operation's id (without it, the API's own policy).", valueName: "ID"))
  var operation: String?

  @Option(help: ArgumentHelp("The product the call comes through, when the API is in several.", valueName: "ID"))
  var product: String?

  /// What `effective` writes.
  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text, json
  }

  @Option(help: "Output format: text (a policy document) or json.")
  var format: Format = .text

  func run() throws {
    let options = Frontend.Options(command: .plan, configuration: RewriteConfiguration())
    let policy = Frontend(options: options).effectivePolicy(
      paths: paths, api: api, operation: operation, product: product)
    let report = EffectivePolicyReport(policy)
    if format == .json { report.writeJSON() } else { report.writeText() }
    if policy.chain.isEmpty { throw ExitCode(2) }
  }
}
