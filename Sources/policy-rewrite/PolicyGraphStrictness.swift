import ArgumentParser
import PolicyRewriteCLI

/// `--strict` of `migrate` and `plan`: an incomplete policy graph is an error.
struct PolicyGraphStrictness: ParsableArguments {
  @Flag(
    name: .customLong("strict"),
    help:
      "Make an incomplete policy graph an error: a file with a key injection whose scope is unknown (scope-unknown) or that includes a fragment no scanned file defines (unresolved-fragment) is left unchanged, exit status 2."
  )
  var isOn = false

  /// Sets the run's configuration to match.
  func apply(to options: inout Frontend.Options) {
    options.configuration.policyGraphGapsAreErrors = isOn
  }
}
