import Foundation
import Testing

/// End-to-end: a file that an option asks a run to write (`check --write-baseline FILE`,
/// `plan --emit-map FILE`) and that cannot be written is bad input: one line names the file,
/// what it was to hold and why, the run exits 2, and nothing is created.
@Suite struct OutputFileErrorTests {
  static let tree = ["apis/a/policy.xml": Policies.review("orders-func-key")]

  /// The one line of `stderr` that names `path` as an error.
  static func errorLine(_ stderr: String, path: String) -> String? {
    stderr.split(separator: "\n").map(String.init).first { $0.hasPrefix("\(path): error: ") }
  }

  @Test("check --write-baseline into a missing folder: exit 2, 'cannot write the baseline', nothing created")
  func baselineInAMissingFolderIsReportedSinceTheAtomicReplaceFails() throws {
    try withTemporaryTree(Self.tree) { root in
      let result = run(["check", "--write-baseline", "missing/baseline.json", "apis"], cwd: root)
      #expect(result.status == 2, "\(result.stderr)")
      let line = Self.errorLine(result.stderr, path: "missing/baseline.json")
      #expect(line?.hasPrefix("missing/baseline.json: error: cannot write the baseline: ") == true, "\(result.stderr)")
      #expect(!result.stderr.contains("wrote"), "\(result.stderr)")
      #expect(!CLI.allNames(root).contains { $0.hasPrefix("missing") })
    }
  }

  @Test("plan --emit-map into a missing folder: exit 2, 'cannot write the map skeleton', nothing created")
  func mapSkeletonInAMissingFolderIsReportedSinceTheAtomicReplaceFails() throws {
    try withTemporaryTree(Self.tree) { root in
      let result = run(["plan", "--emit-map", "missing/map.json", "apis"], cwd: root)
      #expect(result.status == 2, "\(result.stderr)")
      let line = Self.errorLine(result.stderr, path: "missing/map.json")
      #expect(line?.hasPrefix("missing/map.json: error: cannot write the map skeleton: ") == true, "\(result.stderr)")
      #expect(!CLI.allNames(root).contains { $0.hasPrefix("missing") })
    }
  }
}
