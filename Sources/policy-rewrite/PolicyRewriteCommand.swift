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
    subcommands: [Plan.self, Migrate.self, Check.self, Effective.self, Rules.self]
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
        StandardError.write(
          message + "\nUsage: policy-rewrite <plan|migrate|check|effective|rules> [options] <paths>\n")
        Glibc.exit(2)
      }
    }
    // A command named first, with arguments, is parsed on its own (see
    // `CommandConfiguration.subcommand`); alone, it goes through the root, which answers a
    // command without arguments with its usage error.
    let arguments = Array(CommandLine.arguments.dropFirst())
    let named =
      arguments.count > 1
      ? configuration.subcommands.first { $0._commandName == arguments[0] } : nil
    let parsed: ParsableCommand.Type = named ?? Self.self
    do {
      var command = try named.map { try $0.parseAsRoot(Array(arguments.dropFirst())) } ?? parseAsRoot(arguments)
      try command.run()
    } catch let code as ExitCode {
      // The run's own status (1: something found, 2: errors already reported): nothing to
      // print. The library's `exit(withError:)` would render the command's usage before
      // finding that an exit code has no message (about a fifth of a one-file `check`).
      Glibc.exit(code.rawValue)
    } catch {
      let code = parsed.exitCode(for: error)
      if code == .success || code.rawValue == 1 || code.rawValue == 2 {
        parsed.exit(withError: error)
      }
      var message = parsed.fullMessage(for: error)
      if let name = named?._commandName {
        // Parsed on its own, the command's usage names it without the tool.
        message = message.replacing("See '\(name) --help'", with: "See 'policy-rewrite \(name) --help'")
      }
      StandardError.write(message + "\n")
      Glibc.exit(2)
    }
  }
}
