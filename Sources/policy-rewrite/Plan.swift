import ArgumentParser
import PolicyRewrite
import PolicyRewriteCLI

/// `policy-rewrite plan`: the inventory of a migration, before anything changes.
struct Plan: ParsableCommand, DescribesResourceMap, DescribesResource {
  static let configuration = CommandConfiguration.subcommand(
    "plan",
    abstract: "List the function keys to migrate: named values, Function Apps, files, scopes and audiences.",
    discussion: """
      Scans like migrate and changes nothing. With --resource-map, shows the resource each key \
      would get and why. --emit-map writes a resource-map skeleton to fill in.
      Exit status: 0 listed, 2 on errors.
      """)

  @OptionGroup var shared: SharedOptions<PlanReporter.Format>

  static let resourceMapHelp = "The resource map to evaluate."
  static let resourceHelp = "The default audience."

  @OptionGroup var resourceMap: ResourceMapPath<Plan>

  @OptionGroup var resource: ResourceOption<Plan>

  @Option(
    name: .customLong("emit-map"),
    help: ArgumentHelp(
      "Write a resource-map skeleton with one byNamedValue entry per key named value.", valueName: "FILE"))
  var emitMap: String?

  @OptionGroup var strict: PolicyGraphStrictness

  func run() throws {
    let project = try shared.projectConfiguration()
    let (map, mapFile) = try ResourceMapOption.load(
      path: resourceMap.path(project), resource: resource.value, strict: false)
    var options = Frontend.Options(
      command: .plan, configuration: RewriteConfiguration(extraKeyHeaders: shared.headers, resources: map))
    shared.apply(to: &options, project: project)
    strict.apply(to: &options)
    options.resourceMapFile = mapFile
    options.readiness = true
    let reporter = PlanReporter(format: shared.format)
    let summary =
      shared.readsStandardInput
      ? Frontend(options: options).runStandardInput(reporter: reporter, output: nil)
      : Frontend(options: options).run(paths: shared.pathsOrCurrentFolder, reporter: reporter)
    if let emitMap {
      try StandardError.replaceOrExit(emitMap, with: reporter.mapSkeleton(current: map), what: "the map skeleton")
      for (name, audience) in (reporter.functionApps?.audiences ?? [:]).sorted(by: { $0.key < $1.key })
      where map.byNamedValue[name] == nil {
        StandardError.writeLine(Escaping.terminal("\(emitMap): \(name): \(audience.resource) is \(audience.source)"))
      }
    }
    if summary.errors > 0 { throw ExitCode(2) }
  }
}
