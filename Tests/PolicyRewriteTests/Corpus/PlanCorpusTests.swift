import Foundation
import Testing

/// `plan` over the real-world corpus: every file that injects a key is in the inventory.
@Suite(.enabled(if: Corpus.exists, Comment(rawValue: Corpus.skipMessage)), .slow, .tags(.slow))
struct PlanCorpusTests {
  @Test func everyKeyFileIsInThePlan() throws {
    let files = Corpus.root.appendingPathComponent("files")
    let result = run(["plan", "--format", "json", "."], cwd: files)
    // The corpus holds five genuinely broken files, reported as errors.
    #expect(result.status == 2, "\(result.stderr)")
    let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    let keys = try #require(document["keys"] as? [[String: Any]])
    var planned = Set<String>()
    var backendFiles = Set<String>()
    var injections = 0
    for key in keys {
      let keyFiles = try #require(key["files"] as? [[String: Any]])
      // Keys sent by backend credentials are listed too (their files are not policies that
      // inject a key, so the manifest does not mark them).
      for file in keyFiles {
        let path = try #require(file["path"] as? String)
        if file["scope"] as? String == "backend" { backendFiles.insert(path) } else { planned.insert(path) }
      }
      injections += key["injections"] as? Int ?? 0
      #expect((key["resources"] as? [[String: Any]])?.allSatisfy { $0["from"] as? String == "none" } == true)
      #expect((key["scopes"] as? [String])?.isEmpty == false)
    }
    let expected = Set(try Corpus.manifest().filter(\.hasFunctionKey).map(\.path))
    #expect(expected.subtracting(planned).isEmpty, "missing from the plan: \(expected.subtracting(planned).sorted())")
    #expect(planned.subtracting(expected).isEmpty, "planned without a key: \(planned.subtracting(expected).sorted())")
    let namedValues = keys.filter { $0["kind"] as? String == "namedValue" }.count
    print(
      "corpus plan: \(planned.count) files, \(keys.count) keys (\(namedValues) named values), \(injections) injections, \(backendFiles.count) files with backend credentials"
    )
    #expect(!backendFiles.isEmpty, "the corpus has APIOps backends that send keys")
  }
}
