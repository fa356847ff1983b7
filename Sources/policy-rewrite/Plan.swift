import ArgumentParser
import PolicyRewrite
import PolicyRewriteCLI

/// `policy-rewrite plan`: the inventory of a migration, before anything changes.
struct Plan: ParsableCommand {
  static let configuration = CommandConfiguration.subcommand(
    "plan",
    abstract: "List the function keys to migrate: named values, Function Apps, files, scopes and audiences.",
    discussion: """
      Scans like migrate and changes nothing. With --resource-map, shows the resource each key \
      would get and why. --emit-map writes a resource-map skeleton to fill in.
      Exit status: 0 listed, 2 on errors.
      """)

  @OptionGroup var shared: SharedOptions<PlanReporter.Format>

  @Option(
    name: .customLong("resource-map"),
    help: ArgumentHelp("The resource map to evaluate.", valueName: "MAP.json"))
  var resourceMap: String?

  @Option(help: ArgumentHelp("The default audience.", valueName: "R"))
  var resource: String?

  @Option(
    name: .customLong("emit-map"),
    help: ArgumentHelp(
      "Write a resource-map skeleton with one byNamedValue entry per key named value.", valueName: "FILE"))
  var emitMap: String?

  @Flag(
    help:
      "Make an incomplete policy graph an error: a file with a key injection whose scope is unknown (scope-unknown) or that includes a fragment no scanned file defines (unresolved-fragment) is left unchanged, exit status 2."
  )
  var strict = false

  func validate() throws {
    if let resource {
      do {
        _ = try Resource(validating: resource)
      } catch {
        throw ValidationError(error.description)
      }
    }
  }

  func run() throws {
    let project = try shared.projectConfiguration()
    let (map, mapFile) = try ResourceMapOption.load(
      path: resourceMap ?? project?.resourceMap, resource: resource, strict: false)
    var options = Frontend.Options(
      command: .plan, configuration: RewriteConfiguration(extraKeyHeaders: shared.headers, resources: map))
    shared.apply(to: &options, project: project)
    options.configuration.policyGraphGapsAreErrors = strict
    options.resourceMapFile = mapFile
    options.readiness = true
    let reporter = PlanReporter(format: shared.format)
    let summary =
      shared.readsStandardInput
      ? Frontend(options: options).runStandardInput(reporter: reporter, output: nil)
      : Frontend(options: options).run(paths: shared.pathsOrCurrentFolder, reporter: reporter)
    if let emitMap {
      do {
        try FileSystem.replace(emitMap, with: reporter.mapSkeleton(current: map), expected: nil)
        for (name, audience) in (reporter.functionApps?.audiences ?? [:]).sorted(by: { $0.key < $1.key })
        where map.byNamedValue[name] == nil {
          StandardError.writeLine(
            Escaping.terminal("\(emitMap): \(name): \(audience.resource) is \(audience.source)"))
        }
      } catch {
        StandardError.writeLine("\(emitMap): error: cannot write the map skeleton: \(error.reason)")
        throw ExitCode(2)
      }
    }
    if summary.errors > 0 { throw ExitCode(2) }
  }
}
