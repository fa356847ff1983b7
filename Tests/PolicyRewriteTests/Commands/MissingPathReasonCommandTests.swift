import Foundation
import Testing

/// End-to-end: a path on the command line that cannot be looked at is an `io-error` (exit 2)
/// that says why. Every such path was "no such file or folder", so a name over the file
/// system's limit, or a path through a file, sent the user looking for a file that was there.
@Suite struct MissingPathReasonCommandTests {
  @Test(
    "a path that cannot be looked at names the system's reason",
    arguments: [
      (String(repeating: "a", count: 300) + ".xml", "file name too long"),
      ("policy.xml/inner.xml", "not a directory"),
      ("absent.xml", "no such file or folder"),
    ])
  func pathThatCannotBeLookedAtNamesTheReason(path: String, reason: String) throws {
    try withTemporaryTree(["policy.xml": Policies.rateLimited + "\n"]) { root in
      let result = run(["check", path], cwd: root)
      #expect(result.status == 2, "\(result.stderr)")
      #expect(result.stderr.contains("\(path):1:1: error: \(reason) [io-error]"), "\(result.stderr)")
    }
  }
}
