import ArgumentParser
import PolicyRewrite
import PolicyRewriteCLI

#if canImport(Glibc)
  import Glibc
#endif

/// The `policy-rewrite` command: moves Azure API Management policies from function keys to
/// Managed Identity, and guards repositories against keys coming back.
@main
struct PolicyRewriteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "policy-rewrite",
    abstract: "Move Azure API Management policies from Azure Functions keys to Managed Identity.",
    discussion: """
      EXIT STATUS
        0  success; for check, no finding
        1  check failed: a key injection or review item was found (check, migrate --check)
        2  error: usage, unreadable or unparseable file, unresolved resource, conflict
      """,
    version: "policy-rewrite \(PolicyRewriteVersion.current)",
    subcommands: [Plan.self, Migrate.self, Check.self, Effective.self]
  )

  /// Exits with 2 on usage errors (swift-argument-parser's default is 64), printing the usage.
  static func main() {
    // Before anything opens a file: a closed standard descriptor would be handed to it.
    StandardDescriptors.secure()
    if let first = CommandLine.arguments.dropFirst().first, !first.hasPrefix("-") {
      let names = ["help"] + configuration.subcommands.map { $0._commandName }
      if !names.contains(first) {
        var message = "error: unknown command '\(first)'"
        if let suggestion = Suggestion.closest(to: first, among: Set(names)) {
          message += "; did you mean '\(suggestion)'?"
        }
        StandardError.write(message + "\nUsage: policy-rewrite <plan|migrate|check> [options] <paths>\n")
        Glibc.exit(2)
      }
    }
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      if code == .success || code.rawValue == 1 || code.rawValue == 2 || error is ExitCode {
        exit(withError: error)
      }
      let message = fullMessage(for: error)
      StandardError.write(message + "\n")
      Glibc.exit(2)
    }
  }
}
