import ArgumentParser
import PolicyRewrite

/// A command that takes `--resource` and says in its own words what it is for.
protocol DescribesResource {
  /// The help of `--resource`.
  static var resourceHelp: String { get }
}

/// `--resource R`, the default audience (`migrate`, `plan`): checked as it is parsed.
struct ResourceOption<Command: DescribesResource>: ParsableArguments {
  @Option(name: .customLong("resource"), help: ArgumentHelp(Command.resourceHelp, valueName: "R"))
  var value: String?

  func validate() throws {
    guard let value else { return }
    do {
      _ = try Resource(validating: value)
    } catch {
      throw ValidationError(error.description)
    }
  }
}
