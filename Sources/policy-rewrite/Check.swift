import ArgumentParser
import PolicyRewrite
import PolicyRewriteCLI

/// `policy-rewrite check`: the CI guard.
struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fail when a function key is still injected, passed in a URL or written literally.",
    discussion: "Exit status: 0 clean, 1 something found, 2 errors (an unparseable file is an error).")

  @OptionGroup var shared: SharedOptions

  @Option(
    name: .customLong("ignore-rule"),
    help: ArgumentHelp("Do not report findings of RULE (repeatable).", valueName: "RULE"))
  var ignoredRules: [String] = []

  func validate() throws {
    for name in ignoredRules {
      guard let rule = Rule(rawValue: name) else {
        throw ValidationError("unknown rule '\(name)'; rules: \(Rule.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      if rule.isFailure { throw ValidationError("rule '\(name)' is an error and cannot be ignored") }
    }
  }

  func run() throws {
    var options = Frontend.Options(
      command: .check, configuration: RewriteConfiguration(extraKeyHeaders: shared.headers))
    shared.apply(to: &options)
    options.ignoredRules = Set(ignoredRules.compactMap(Rule.init(rawValue:)))
    let frontend = Frontend(options: options)
    let reporter = shared.makeReporter(command: .check, diff: false)
    let summary =
      shared.readsStandardInput
      ? frontend.runStandardInput(reporter: reporter, output: nil)
      : frontend.run(paths: shared.paths, reporter: reporter)
    try StandardError.failIfReportLost()
    if summary.errors > 0 { throw ExitCode(2) }
    if summary.findings > 0 { throw ExitCode(1) }
  }
}
