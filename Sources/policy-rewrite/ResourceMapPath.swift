import ArgumentParser
import PolicyRewriteCLI

/// A command that takes `--resource-map` and says in its own words what it is for.
protocol DescribesResourceMap {
  /// The help of `--resource-map`.
  static var resourceMapHelp: String { get }
}

/// `--resource-map MAP.json` (`migrate`, `plan`, `check --readiness`).
struct ResourceMapPath<Command: DescribesResourceMap>: ParsableArguments {
  @Option(name: .customLong("resource-map"), help: ArgumentHelp(Command.resourceMapHelp, valueName: "MAP.json"))
  var value: String?

  /// The map to read: the command line's, else the configuration file's.
  func path(_ project: ProjectConfiguration?) -> String? { value ?? project?.resourceMap }
}
