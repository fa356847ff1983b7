import ArgumentParser
import PolicyRewriteCLI

/// A command that takes `--baseline` and says in its own words what it does with it.
protocol DescribesBaseline {
  /// The help of `--baseline`.
  static var baselineHelp: String { get }
}

/// `--baseline FILE`: the findings a team accepted (`check` leaves them out, `migrate` leaves
/// their injections as they are).
struct BaselineOption<Command: DescribesBaseline>: ParsableArguments {
  @Option(name: .customLong("baseline"), help: ArgumentHelp(Command.baselineHelp, valueName: "FILE"))
  var value: String?

  /// The baseline named by `--baseline` or else the configuration file, or `nil` when neither
  /// names one; a baseline that cannot be read is reported and the run stops with status 2.
  func load(_ project: ProjectConfiguration?) throws -> Baseline? {
    guard let path = value ?? project?.baseline else { return nil }
    do {
      return try Baseline(contentsOf: path)
    } catch {
      StandardError.writeLine(Escaping.terminal("\(path): error: \(error.reason)"))
      throw ExitCode(2)
    }
  }
}
