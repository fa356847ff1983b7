import ArgumentParser
import PolicyRewrite
import PolicyRewriteCLI

#if canImport(Glibc)
  import Glibc
#endif

/// Options that `migrate`, `check` and `plan` share: what to read and how to report, in the
/// output formats of the command (`Format`).
struct SharedOptions<Format: CommandFormat>: ParsableArguments {
  @Argument(help: "Policy files and folders to process; '-' reads standard input (check and plan: default '.').")
  var paths: [String] = []

  @Option(
    name: .customLong("include"),
    help: ArgumentHelp(
      "Also select files matching GLOB, written from the current folder (repeatable; ** matches folders).",
      valueName: "GLOB"))
  var includes: [String] = []

  @Option(
    name: .customLong("exclude"),
    help: ArgumentHelp(
      "Skip files and folders matching GLOB, written from the current folder (repeatable).", valueName: "GLOB"))
  var excludes: [String] = []

  @Option(
    name: .customLong("header"),
    help: ArgumentHelp("Another header name that carries a function key (repeatable).", valueName: "NAME"))
  var headers: [String] = []

  @Option(help: ArgumentHelp("Output format: \(Format.listed)."))
  var format: Format = .text

  @Option(help: "Colour in text output: auto, always or never.")
  var color: ColorChoice = .auto

  @Option(
    name: .customLong("stdin-filename"),
    help: ArgumentHelp(
      "With '-': the path standard input stands for (its format and byPath entries).", valueName: "PATH"))
  var stdinFilename: String?

  @Flag(
    name: .shortAndLong,
    help: "Text output: migrate keeps only errors and the one-line summary; check keeps only errors and warnings.")
  var quiet = false

  @Flag(
    name: .customLong("require-files"),
    help: "A path that holds no policy file is an error (exit 2), not a warning.")
  var requiresFiles = false

  @Option(parsing: .unconditional, help: "Files processed at once (default: the number of cores; at most 64).")
  var jobs: Int?

  func validate() throws {
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    if stdinFilename != nil && !readsStandardInput { throw ValidationError("--stdin-filename needs '-' as the path") }
    if paths.contains("-") && paths.count > 1 {
      throw ValidationError("'-' (standard input) cannot be combined with other paths")
    }
    for header in headers where header.isEmpty || header.contains(where: { $0 == " " || $0 == ":" }) {
      throw ValidationError("invalid header name '\(header)'")
    }
  }

  var readsStandardInput: Bool { paths == ["-"] }

  /// The paths to run on: `.` when none is given (check and plan).
  var pathsOrCurrentFolder: [String] { paths.isEmpty ? ["."] : paths }

  /// The repository's `.policy-rewrite.json`; a broken one is reported at its line and column
  /// and ends the run with status 2.
  func projectConfiguration() throws -> ProjectConfiguration? {
    do {
      return try ProjectConfiguration.current()
    } catch {
      StandardError.writeLine(Escaping.terminal(error.text))
      throw ExitCode(2)
    }
  }

  func apply(to options: inout Frontend.Options, project: ProjectConfiguration? = nil) {
    // A list given on the command line replaces the configuration's list.
    let (include, includeBase) = includes.isEmpty ? (project?.include ?? [], project?.base ?? "") : (includes, "")
    let (exclude, excludeBase) = excludes.isEmpty ? (project?.exclude ?? [], project?.base ?? "") : (excludes, "")
    options.walker = FileWalker(
      includes: include, excludes: exclude, includeBase: includeBase, excludeBase: excludeBase)
    if let jobs { options.jobs = jobs }
    options.requiresFiles = requiresFiles
    options.standardInputPath = stdinFilename
  }

}

extension SharedOptions where Format == ReportFormat {
  /// The reporter of `migrate` or `check` in the chosen format.
  func makeReporter(command: Frontend.Command, diff: Bool, quiet: Bool = false) -> any Reporter {
    format.makeReporter(
      command: command, color: color.enabled(for: ByteStream.standardError()), diff: diff, quiet: quiet,
      colorDiff: color.enabled(for: ByteStream.standardOutput()))
  }
}

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
  case auto, always, never

  func enabled(for stream: ByteStream) -> Bool {
    switch self {
    case .always: true
    case .never: false
    case .auto: stream.isTerminal && Self.environmentAllowsColor
    }
  }

  /// no-color.org: a non-empty `NO_COLOR` turns colour off; so does `TERM=dumb`.
  static var environmentAllowsColor: Bool {
    let noColor = getenv("NO_COLOR").map { String(cString: $0) } ?? ""
    let term = getenv("TERM").map { String(cString: $0) } ?? ""
    return noColor.isEmpty && term != "dumb"
  }
}

/// The output formats of one command: its `--format` accepts these and no other, and its
/// `--help` lists them.
protocol CommandFormat: ExpressibleByArgument, CaseIterable, RawRepresentable, Sendable where RawValue == String {
  /// The default format.
  static var text: Self { get }
}

extension CommandFormat {
  /// The formats as a sentence lists them: `text, json or markdown`.
  static var listed: String {
    let names = allCases.map(\.rawValue)
    guard names.count > 1 else { return names.joined() }
    return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
  }
}

extension ReportFormat: CommandFormat {}
extension PlanReporter.Format: CommandFormat {}
