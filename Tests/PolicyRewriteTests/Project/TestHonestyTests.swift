import Foundation
import Testing

/// The suite itself: a check that did not run is reported as skipped, never as passed, and
/// the corpus suites cannot be skipped on CI.
@Suite struct TestHonestyTests {
  static let testsFolder = TestPaths.testsFolder

  /// Printing "SKIPPED …" and returning, in a test, reported a check that never ran as passed (the
  /// owner, group, full-disk and read-only cases on a non-root runner): a test that cannot run
  /// here says so through the testing library (`.enabled(if:)`, `Test.cancel`).
  @Test func aTestThatPrintsSkippedAndReturnsPassedWithoutChecking() throws {
    let files = try FileManager.default.subpathsOfDirectory(atPath: Self.testsFolder.path).filter {
      $0.hasSuffix(".swift")
    }
    #expect(!files.isEmpty)
    let marker = "print(\"" + "SKIPPED"
    for file in files {
      let text = try String(contentsOf: Self.testsFolder.appendingPathComponent(file), encoding: .utf8)
      #expect(!text.contains(marker), "\(file) reports a skipped check by printing it")
    }
  }

  /// The corpus suites are skipped when `../shared` is absent; on CI (`CI` set) that is a
  /// failure, so that a CI run without the corpus cannot pass for one that read it.
  @Test func corpusSuitesSkippedOnCIPassedWithoutTheCorpus() {
    let onCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "false" && $0 != "0" } ?? false
    #expect(!onCI || Corpus.exists, "CI is set and \(Corpus.root.path) is missing: \(Corpus.skipMessage)")
    #expect(!onCI || IaCCorpus.exists, "CI is set and the IaC corpus is missing: \(IaCCorpus.skipMessage)")
  }
}
