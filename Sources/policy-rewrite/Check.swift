import ArgumentParser
import PolicyRewrite
import PolicyRewriteCLI

/// `policy-rewrite check`: the CI guard.
struct Check: ParsableCommand, DescribesBaseline, DescribesResourceMap {
  static let configuration = CommandConfiguration.subcommand(
    "check",
    abstract: "Fail when a function key is still injected, passed in a URL or written literally.",
    discussion: "Exit status: 0 clean, 1 something found, 2 errors (an unparseable file is an error).")

  static let baselineHelp = "Do not report the findings accepted in FILE."
  static let resourceMapHelp = "With --readiness: the map whose functionApps entries link code folders."

  @OptionGroup var shared: SharedOptions<ReportFormat>

  @Option(
    name: .customLong("ignore-rule"),
    help: ArgumentHelp("Do not report findings of RULE (repeatable).", valueName: "RULE"))
  var ignoredRules: [String] = []

  @OptionGroup var baseline: BaselineOption<Check>

  @Option(
    name: .customLong("write-baseline"),
    help: ArgumentHelp(
      "Accept every current finding: write them to FILE and exit 0 (errors still exit 2).", valueName: "FILE"))
  var writeBaseline: String?

  @Flag(
    help: ArgumentHelp(
      "Also fail on what makes a Function App already called with Managed Identity answer 401 (its auth, code, APIM's identity)."
    ))
  var readiness = false

  @OptionGroup var resourceMap: ResourceMapPath<Check>

  func validate() throws {
    for name in ignoredRules {
      guard let rule = FindingID(rawValue: name) else {
        throw ValidationError(
          "unknown rule '\(name)'; rules: \(FindingID.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      if rule.isFailure { throw ValidationError("rule '\(name)' is an error and cannot be ignored") }
    }
  }

  func run() throws {
    var options = Frontend.Options(
      command: .check, configuration: RewriteConfiguration(extraKeyHeaders: shared.headers))
    let project = try shared.projectConfiguration()
    shared.apply(to: &options, project: project)
    options.ignoredRules =
      ignoredRules.isEmpty
      ? Set(project?.ignoredRules ?? []) : Set(ignoredRules.compactMap(FindingID.init(rawValue:)))
    if readiness {
      options.readiness = true
      if let resourceMap = resourceMap.path(project) {
        options.configuration.resources = try ResourceMapOption.load(path: resourceMap, resource: nil, strict: false).0
      }
    }
    options.baseline = try baseline.load(project)
    let frontend = Frontend(options: options)
    let recorder = BaselineRecorder(shared.makeReporter(command: .check, diff: false, quiet: shared.quiet))
    let summary =
      shared.readsStandardInput
      ? frontend.runStandardInput(reporter: recorder, output: nil)
      : frontend.run(paths: shared.pathsOrCurrentFolder, reporter: recorder)
    if let writeBaseline {
      let encoded: [UInt8]
      do {
        encoded = try Baseline(path: writeBaseline).encoded(recorder.findings)
      } catch {
        StandardError.writeLine("\(writeBaseline): error: cannot encode the baseline: \(error)")
        throw ExitCode(2)
      }
      let entries = recorder.findings.count { !$0.finding.id.isFailure }
      try StandardError.replaceOrExit(writeBaseline, with: encoded, what: "the baseline")
      StandardError.writeLine(
        "policy-rewrite check: wrote \(entries) \(entries == 1 ? "entry" : "entries") to \(writeBaseline)")
    }
    try StandardError.failIfReportLost()
    if summary.errors > 0 { throw ExitCode(2) }
    if summary.findings > 0 && writeBaseline == nil { throw ExitCode(1) }
  }
}
