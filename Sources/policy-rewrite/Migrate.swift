import ArgumentParser
import PolicyRewrite
import PolicyRewriteCLI

/// `policy-rewrite migrate`: rewrites key injections to Managed Identity.
struct Migrate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Rewrite function-key injections to <authentication-managed-identity>.",
    discussion: """
      Without --write, prints a unified diff of what would change and writes nothing.
      Exit status: 0 ran without errors (warnings included), 1 with --check when a file \
      would change or needs review, 2 on any error.
      """)

  @OptionGroup var shared: SharedOptions

  @Option(
    help: ArgumentHelp("The audience: a GUID, api:// or https:// URI, {{named-value}} or ${...}.", valueName: "R"))
  var resource: String?

  @Option(
    name: .customLong("resource-map"),
    help: ArgumentHelp(
      "JSON map of resources: {\"default\": R, \"byNamedValue\": {...}, \"byPath\": {...}}.", valueName: "MAP.json"))
  var resourceMap: String?

  @Option(name: .customLong("client-id"), help: ArgumentHelp("client-id of a user-assigned identity.", valueName: "ID"))
  var clientID: String?

  @Option(
    name: .customLong("output-token-variable-name"),
    help: ArgumentHelp("Also store the token in this context variable.", valueName: "NAME"))
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

  func validate() throws {
    if write && check { throw ValidationError("--write and --check cannot be combined") }
    if outputDirectory != nil && (write || check) {
      throw ValidationError("--output-dir cannot be combined with --write or --check")
    }
    if outputDirectory != nil && shared.readsStandardInput {
      throw ValidationError(
        "--output-dir cannot be combined with '-' (standard input): the result goes to standard output")
    }
    if resource == nil && resourceMap == nil { throw ValidationError("give --resource or --resource-map") }
    _ = try makeConfiguration()
  }

  private func makeConfiguration() throws -> RewriteConfiguration {
    var map = ResourceMap()
    if let resourceMap {
      do {
        map = try ResourceMap(contentsOf: resourceMap)
      } catch {
        throw ValidationError(error.description)
      }
    }
    if let resource {
      do {
        map.defaultResource = try Resource(validating: resource)
      } catch {
        throw ValidationError(error.description)
      }
    }
    return RewriteConfiguration(
      extraKeyHeaders: shared.headers, resources: map, clientID: clientID,
      outputTokenVariableName: outputTokenVariableName, ignoreError: ignoreError)
  }

  func run() throws {
    var options = Frontend.Options(command: .migrate, configuration: try makeConfiguration())
    shared.apply(to: &options)
    options.output = write ? .inPlace : outputDirectory.map { .directory($0) } ?? .none
    let dryRun = !write && !check && outputDirectory == nil
    options.wantsDiff = diff || (shared.format == .text && dryRun && !shared.readsStandardInput)
    let frontend = Frontend(options: options)
    let reporter = shared.makeReporter(command: .migrate, diff: options.wantsDiff)
    let summary =
      shared.readsStandardInput
      ? frontend.runStandardInput(reporter: reporter, output: check ? nil : ByteStream.standardOutput())
      : frontend.run(paths: shared.paths, reporter: reporter)
    try StandardError.failIfReportLost()
    if summary.errors > 0 { throw ExitCode(2) }
    if check && (summary.changed > 0 || summary.needingReview > 0) { throw ExitCode(1) }
  }
}
