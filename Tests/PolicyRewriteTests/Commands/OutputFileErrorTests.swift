import Foundation
import Testing

/// End-to-end: a file that an option asks a run to write (`check --write-baseline FILE`,
/// `plan --emit-map FILE`) and that cannot be written is bad input: one line names the file,
/// what it was to hold and why, the run exits 2, and nothing is created.
@Suite struct OutputFileErrorTests {
  static let tree = ["apis/a/policy.xml": Policies.review("orders-func-key")]

  /// A command, its option that names the file to write, and what the file was to hold.
  static let outputs = [
    ["check", "--write-baseline", "the baseline"], ["plan", "--emit-map", "the map skeleton"],
  ]

  @Test(
    "an output file in a missing folder: exit 2, 'PATH: error: cannot write WHAT: reason', nothing created",
    arguments: outputs)
  func outputFileInAMissingFolderIsReportedSinceTheAtomicReplaceFails(_ output: [String]) throws {
    let (command, option, what) = (output[0], output[1], output[2])
    try withTemporaryTree(Self.tree) { root in
      let result = run([command, option, "missing/out.json", "apis"], cwd: root)
      #expect(result.status == 2, "\(result.stderr)")
      let line = result.stderr.split(separator: "\n").first { $0.hasPrefix("missing/out.json: error: ") }
      #expect(line?.hasPrefix("missing/out.json: error: cannot write \(what): ") == true, "\(result.stderr)")
      #expect(!result.stderr.contains("wrote"), "\(result.stderr)")
      #expect(!CLI.allNames(root).contains { $0.hasPrefix("missing") })
    }
  }
}
