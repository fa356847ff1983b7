import Foundation
import Testing

extension Tag {
  /// Suites that take seconds of CPU each (corpora, generated inputs, processes killed or
  /// starved): the fast loop leaves them out (see ``Trait/slow``).
  @Tag static var slow: Self
}

extension Trait where Self == ConditionTrait {
  /// A slow suite: it runs in `swift test` (and CI), and is reported as skipped when
  /// `POLICY_REWRITE_FAST=1` is set, for the inner loop (CONTRIBUTING.md).
  static var slow: Self {
    .disabled(
      if: ProcessInfo.processInfo.environment["POLICY_REWRITE_FAST"] == "1",
      "a slow suite: POLICY_REWRITE_FAST=1 leaves it out")
  }
}
