import ArgumentParser
import PolicyRewriteCLI

extension CommandConfiguration {
  /// The configuration of one of `policy-rewrite`'s commands.
  ///
  /// `PolicyRewriteCommand.main` parses a command named first on the command line on its own,
  /// without the root command's tree, so each command carries the tool's name (for its usage
  /// and help, which read the same either way) and version. A command parsed on its own also
  /// skips the parser's `--generate-completion-script` check, which would otherwise parse two
  /// more commands on every run; completion scripts are still generated from the root
  /// (`policy-rewrite --generate-completion-script bash`).
  static func subcommand(_ name: String, abstract: String, discussion: String = "") -> CommandConfiguration {
    CommandConfiguration(
      commandName: name, _superCommandName: "policy-rewrite", abstract: abstract, discussion: discussion,
      version: "policy-rewrite \(PolicyRewriteVersion.current)")
  }
}
