import ArgumentParser
import PolicyRewrite
import PolicyRewriteCLI

/// `policy-rewrite migrate`: rewrites key injections to Managed Identity.
struct Migrate: ParsableCommand, DescribesResource, DescribesResourceMap, DescribesBaseline {
  static let configuration = CommandConfiguration.subcommand(
    "migrate",
    abstract: "Rewrite function-key injections to <authentication-managed-identity>.",
    discussion: """
      Without --write, prints a unified diff of what would change and writes nothing.
      Exit status: 0 ran without errors (warnings included), 1 with --check when a file \
      would change or needs review, 2 on any error.
      """)

  @OptionGroup var shared: SharedOptions<ReportFormat>

  static let resourceHelp = "The audience: a GUID, api:// or https:// URI, {{named-value}} or ${...}."
  static let resourceMapHelp = #"JSON map of resources: {"default": R, "byNamedValue": {...}, "byPath": {...}}."#
  static let baselineHelp = "Leave the key injections that a check baseline FILE accepts as they are."

  @OptionGroup var resource: ResourceOption<Migrate>

  @OptionGroup var resourceMap: ResourceMapPath<Migrate>

  @Option(name: .customLong("client-id"), help: ArgumentHelp("client-id of a user-assigned identity.", valueName: "ID"))
  var clientID: String?

  @Option(
    name: .customLong("output-token-variable-name"),
    help: ArgumentHelp(
      "Put the token into this context variable (the policy must then send it as Authorization).",
      valueName: "NAME"))
  var outputTokenVariableName: String?

  @Option(
    name: .customLong("ignore-error"), help: ArgumentHelp("Write ignore-error=\"true|false\".", valueName: "BOOL"))
  var ignoreError: Bool?

  @Flag(help: "Rewrite the files in place (atomically).")
  var write = false

  @Flag(help: "Write nothing; exit 1 when a file would change or needs review.")
  var check = false

  @Option(
    name: .customLong("output-dir"),
    help: ArgumentHelp("Write migrated copies to DIR/<relative path>; originals stay.", valueName: "DIR"))
  var outputDirectory: String?

  @Flag(help: "Also print the unified diff (with --write, --check, or a format other than text).")
  var diff = false

  @OptionGroup var baseline: BaselineOption<Migrate>

  @Flag(
    name: .customLong("strict-map"), inversion: .prefixedNo,
    help: """
      Every injection must be resolved by a byNamedValue or byPath entry (not the default), and no entry may look \
      like a typo of an unresolved named value; otherwise nothing is written.
      """)
  var strictMap: Bool?

  @OptionGroup var strict: PolicyGraphStrictness

  func validate() throws {
    if shared.paths.isEmpty { throw ValidationError("give at least one file or folder") }
    if write && check { throw ValidationError("--write and --check cannot be combined") }
    if outputDirectory != nil && (write || check) {
      throw ValidationError("--output-dir cannot be combined with --write or --check")
    }
    if outputDirectory != nil && shared.readsStandardInput {
      throw ValidationError(
        "--output-dir cannot be combined with '-' (standard input): the result goes to standard output")
    }
    let project = try shared.projectConfiguration()
    if resource.value == nil && resourceMap.path(project) == nil {
      throw ValidationError("give --resource or --resource-map (or resource-map in \(ProjectConfiguration.fileName))")
    }
    if shared.readsStandardInput && (write || outputDirectory != nil) {
      throw ValidationError("standard input is rewritten to standard output: --write and --output-dir need files")
    }
    if let clientID, !Resource.isGUID(Array(clientID.utf8)) {
      throw ValidationError("invalid --client-id '\(clientID)': expected the GUID of a user-assigned identity")
    }
    if strictMap == true && resourceMap.path(project) == nil {
      throw ValidationError("--strict-map needs --resource-map")
    }
  }

  /// The configuration, and the map file's path and bytes; a map that cannot be read is
  /// reported at its line and column (not as a usage error) and the run stops with status 2.
  private func makeConfiguration(project: ProjectConfiguration?) throws -> (
    RewriteConfiguration, (path: String, bytes: [UInt8])?
  ) {
    let map: ResourceMap
    let mapFile: (path: String, bytes: [UInt8])?
    // The configuration's map and strictness apply unless the command line gives its own.
    let mapPath = resourceMap.path(project)
    let strict = mapPath != nil && (strictMap ?? project?.strictMap ?? false)
    do {
      (map, mapFile) = try ResourceMapOption.load(path: mapPath, resource: resource.value, strict: strict)
    } catch {
      throw ExitCode(2)
    }
    let configuration = RewriteConfiguration(
      extraKeyHeaders: shared.headers, resources: map, clientID: clientID,
      outputTokenVariableName: outputTokenVariableName, ignoreError: ignoreError)
    return (configuration, mapFile)
  }

  func run() throws {
    let project = try shared.projectConfiguration()
    let (configuration, mapFile) = try makeConfiguration(project: project)
    var options = Frontend.Options(command: .migrate, configuration: configuration)
    options.resourceMapFile = mapFile
    shared.apply(to: &options, project: project)
    strict.apply(to: &options)
    options.output = write ? .inPlace : outputDirectory.map { .directory($0) } ?? .none
    // The configuration's baseline applies too: what check accepts, migrate leaves alone.
    options.baseline = try baseline.load(project)
    let dryRun = !write && !check && outputDirectory == nil
    options.wantsDiff = diff || (shared.format == .text && dryRun && !shared.readsStandardInput)
    let frontend = Frontend(options: options)
    let reporter = shared.makeReporter(command: .migrate, diff: options.wantsDiff, quiet: shared.quiet)
    let summary =
      shared.readsStandardInput
      ? frontend.runStandardInput(reporter: reporter, output: check ? nil : ByteStream.standardOutput())
      : frontend.run(paths: shared.paths, reporter: reporter)
    try StandardError.failIfReportLost()
    if summary.errors > 0 { throw ExitCode(2) }
    if check && (summary.changed > 0 || summary.needingReview > 0) { throw ExitCode(1) }
  }
}
