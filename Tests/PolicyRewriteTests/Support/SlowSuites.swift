import Foundation
import Testing

extension Tag {
  /// Suites, or single tests, that are slow by nature and take a second of CPU or more (the
  /// corpora, inputs as large as a limit they test, stress and fuzzing, processes killed or
  /// starved): the fast loop leaves them out (see ``Trait/slow``).
  @Tag static var slow: Self
}

extension Trait where Self == ConditionTrait {
  /// A slow suite or test: it runs in `swift test` (and CI), and is reported as skipped when
  /// `POLICY_REWRITE_FAST=1` is set, for the inner loop (CONTRIBUTING.md). An ordinary test
  /// that is merely expensive is made cheaper instead (smaller inputs where the size is not
  /// the point, one fixture for the suite, one subprocess where several did the same work).
  static var slow: Self {
    .disabled(
      if: ProcessInfo.processInfo.environment["POLICY_REWRITE_FAST"] == "1",
      "a slow suite: POLICY_REWRITE_FAST=1 leaves it out")
  }
}
