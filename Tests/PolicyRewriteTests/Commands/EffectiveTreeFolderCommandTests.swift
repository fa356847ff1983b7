import Foundation
import Testing

/// End-to-end: `effective` run on the folder of an APIOps tree finds the tree's global policy
/// (`tree/policy.xml`) as `migrate tree` does, instead of leaving it out as of unknown scope.
@Suite struct EffectiveTreeFolderCommandTests {
  static let files = [
    "tree/policy.xml": """
    <policies>
        <inbound>
            <set-header name="x-global" exists-action="override"><value>g</value></set-header>
        </inbound>
    </policies>
    """,
    "tree/apis/b/policy.xml": """
    <policies>
        <inbound>
            <base />
            <set-header name="x-api" exists-action="override"><value>b</value></set-header>
        </inbound>
    </policies>
    """,
  ]

  @Test("effective --api b tree, from the tree's parent: the global policy was left out as of unknown scope")
  func treeFolderArgumentComposesTheGlobalPolicy() throws {
    try withTemporaryTree(Self.files) { root in
      let result = run(["effective", "--api", "b", "tree"], cwd: root)
      let out = String(decoding: result.stdout, as: UTF8.self)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(out.contains("<!-- tree/policy.xml:3 -->"), "\(out)")
      #expect(!out.contains("unknown scope"), "\(out)")
      let global = out.range(of: "x-global")?.lowerBound
      let api = out.range(of: "x-api")?.lowerBound
      #expect(global != nil && api != nil && global! < api!, "\(out)")
    }
  }

  @Test("effective --api b . from inside the tree composes the global policy, as before")
  func insideTheTreeComposesTheGlobalPolicy() throws {
    try withTemporaryTree(Self.files) { root in
      let result = run(["effective", "--api", "b", "."], cwd: root.appendingPathComponent("tree"))
      let out = String(decoding: result.stdout, as: UTF8.self)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(out.contains("<!-- policy.xml:3 -->"), "\(out)")
    }
  }
}
