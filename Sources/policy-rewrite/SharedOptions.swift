import ArgumentParser
import PolicyRewrite
import PolicyRewriteCLI

#if canImport(Glibc)
  import Glibc
#endif

/// Options that `migrate` and `check` share: what to read and how to report.
struct SharedOptions: ParsableArguments {
  @Argument(help: "Policy files and folders to process; '-' reads standard input.")
  var paths: [String]

  @Option(
    name: .customLong("include"),
    help: ArgumentHelp("Also select files matching GLOB (repeatable; ** matches folders).", valueName: "GLOB"))
  var includes: [String] = []

  @Option(
    name: .customLong("exclude"),
    help: ArgumentHelp("Skip files and folders matching GLOB (repeatable).", valueName: "GLOB"))
  var excludes: [String] = []

  @Option(
    name: .customLong("header"),
    help: ArgumentHelp("Another header name that carries a function key (repeatable).", valueName: "NAME"))
  var headers: [String] = []

  @Option(help: "Output format: text, json, sarif or github.")
  var format: ReportFormat = .text

  @Option(help: "Colour in text output: auto, always or never.")
  var color: ColorChoice = .auto

  @Option(help: "Files processed at once (default: the number of cores; at most 64).")
  var jobs: Int?

  func validate() throws {
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    if paths.isEmpty { throw ValidationError("give at least one file or folder") }
    if paths.contains("-") && paths.count > 1 {
      throw ValidationError("'-' (standard input) cannot be combined with other paths")
    }
    for header in headers where header.isEmpty || header.contains(where: { $0 == " " || $0 == ":" }) {
      throw ValidationError("invalid header name '\(header)'")
    }
  }

  var readsStandardInput: Bool { paths == ["-"] }

  func apply(to options: inout Frontend.Options) {
    options.walker = FileWalker(includes: includes, excludes: excludes)
    if let jobs { options.jobs = jobs }
  }

  func makeReporter(command: Frontend.Command, diff: Bool) -> any Reporter {
    format.makeReporter(command: command, color: color.enabled(for: ByteStream.standardError()), diff: diff)
  }
}

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
  case auto, always, never

  func enabled(for stream: ByteStream) -> Bool {
    switch self {
    case .always: true
    case .never: false
    case .auto: stream.isTerminal && getenv("NO_COLOR") == nil
    }
  }
}

extension ReportFormat: ExpressibleByArgument {}
