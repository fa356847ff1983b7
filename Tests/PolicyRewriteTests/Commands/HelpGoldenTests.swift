import Foundation
import Testing

/// The `--help` texts, pinned byte for byte against golden files in `Goldens/`.
///
/// `RECORD_GOLDENS=1 swift test --filter HelpGoldenTests` writes the current output over the
/// golden files (a changed or missing golden fails the run that records it, so that the new
/// text is reviewed in the diff before the next run passes). A missing golden is recorded and
/// fails without the variable too.
@Suite struct HelpGoldenTests {
  /// The folder of the golden files, in the source tree.
  static let goldens = TestPaths.testsFolder.appendingPathComponent("Goldens")

  /// Whether this run records the golden files.
  static let recording = ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1"

  /// The commands whose output is pinned, with their golden file.
  static let cases: [(arguments: [String], golden: String)] = [
    (["--help"], "help.txt"),
    (["migrate", "--help"], "migrate-help.txt"),
    (["check", "--help"], "check-help.txt"),
    (["plan", "--help"], "plan-help.txt"),
    (["rules", "--help"], "rules-help.txt"),
    (["effective", "--help"], "effective-help.txt"),
  ]

  /// Compares `actual` with the golden file `name`, recording it when asked or when it is missing.
  static func expectGolden(_ actual: [UInt8], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let url = goldens.appendingPathComponent(name)
    let expected = CLI.read(goldens, name)
    if expected == actual { return }
    if recording || expected == nil {
      do {
        try FileManager.default.createDirectory(at: goldens, withIntermediateDirectories: true)
        try Data(actual).write(to: url)
        Issue.record(
          "recorded \(url.path) (\(expected == nil ? "it was missing" : "it changed")); review it and run again",
          sourceLocation: sourceLocation)
      } catch {
        Issue.record("cannot record \(url.path): \(error)", sourceLocation: sourceLocation)
      }
      return
    }
    expectBytes(
      actual, expected ?? [], "\(name) differs (RECORD_GOLDENS=1 re-records it)", sourceLocation: sourceLocation)
  }

  @Test("--help output is exactly the golden file", arguments: cases.map(\.arguments))
  func helpIsPinned(arguments: [String]) throws {
    let golden = try #require(Self.cases.first { $0.arguments == arguments }?.golden)
    // A fixed width: the text wraps to COLUMNS, which a terminal may set to anything.
    let result = Reliability.run(
      arguments, cwd: Self.goldens.deletingLastPathComponent(), environment: ["COLUMNS": "80"])
    #expect(result.status == 0 && !result.signaled, "\(result.summary)")
    #expect(result.stderr.isEmpty, "stderr: \(result.stderr)")
    Self.expectGolden(Array(result.stdout), golden)
  }

  @Test("a golden that differs fails, naming the file")
  func aDifferenceFails() throws {
    let name = try #require(Self.cases.first?.golden)
    let golden = try #require(CLI.read(Self.goldens, name), "\(name) is missing")
    guard !Self.recording else { return }
    withKnownIssue("a changed byte must fail the comparison") {
      Self.expectGolden(golden.dropLast() + [0x21], name)
    }
    #expect(CLI.read(Self.goldens, name) == golden, "the comparison wrote the golden file")
  }
}
