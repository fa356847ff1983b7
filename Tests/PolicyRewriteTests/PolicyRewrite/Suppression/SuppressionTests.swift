import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// Accepted findings: `policy-rewrite: ignore RULE (reason)` comments and `--baseline` files.
@Suite struct SuppressionTests {
  /// Two key injections in `<outbound>`; the comment (if any) goes before the first.
  static func outbound(comment: String) -> String {
    """
    <policies>
      <inbound>
        <base />
      </inbound>
      <outbound>
        \(comment)
        <set-header name="x-functions-key"><value>{{a-key}}</value></set-header>
        <set-header name="x-functions-key"><value>{{b-key}}</value></set-header>
      </outbound>
    </policies>

    """
  }

  static func check(_ source: String, path: String = "apis/a/policy.xml") -> (
    kept: [Finding], suppressed: [SuppressedFinding]
  ) {
    let result = PolicyRewriter(configuration: RewriteConfiguration()).check(Array(source.utf8), path: path)
    return InlineSuppressions(Array(source.utf8)).apply(to: result.findings)
  }

  @Test func aCommentSilencesExactlyTheFindingOnTheNextLine() {
    let (kept, suppressed) = Self.check(
      Self.outbound(comment: "<!-- policy-rewrite: ignore key-outside-inbound (goes with the old Function App) -->"))
    #expect(suppressed.map(\.finding.line) == [7])
    #expect(suppressed.map(\.reason) == ["goes with the old Function App"])
    #expect(suppressed.map(\.kind) == [.inSource])
    #expect(kept.map(\.line) == [8])
    #expect(kept.map(\.rule) == [.keyOutsideInbound])
  }

  @Test func withoutTheCommentBothAreReported() {
    let (kept, suppressed) = Self.check(Self.outbound(comment: "<!-- an ordinary comment -->"))
    #expect(suppressed.isEmpty)
    #expect(kept.map(\.line) == [7, 8])
  }

  @Test(arguments: [
    (
      "<!-- policy-rewrite: ignore key-outside-inbound -->",
      "a suppression needs a reason: policy-rewrite: ignore RULE (why it is accepted)"
    ),
    ("<!-- policy-rewrite: ignore key-outside-inbound () -->", "a suppression needs a reason"),
    ("<!-- policy-rewrite: ignore no-such-rule (because) -->", "unknown rule 'no-such-rule' in a suppression"),
    (
      "<!-- policy-rewrite: ignore parse-error (because) -->", "rule 'parse-error' is an error and cannot be suppressed"
    ),
    ("<!-- policy-rewrite: ignore (because) -->", "a suppression names no rule"),
  ])
  func malformedSuppressionsAreReportedAndSilenceNothing(comment: String, message: String) {
    let (kept, suppressed) = Self.check(Self.outbound(comment: comment))
    #expect(suppressed.isEmpty)
    let problem = kept.first { $0.diagnostic == .invalidSuppression }
    #expect(problem?.message.hasPrefix(message) == true, "\(kept)")
    #expect(problem?.line == 6)
    #expect(kept.filter { $0.rule == .keyOutsideInbound }.count == 2)
  }

  @Test func anUnusedSuppressionIsReported() {
    let (kept, _) = Self.check(Self.outbound(comment: "<!-- policy-rewrite: ignore key-in-url (no URL here) -->"))
    let unused = kept.first { $0.diagnostic == .unusedSuppression }
    #expect(unused?.message == "this suppression of key-in-url accepts no finding on line 7; remove it")
    #expect(unused?.line == 6 && unused?.column == 10)
  }

  @Test func textThatOnlyMentionsTheMarkerOutsideACommentIsNotASuppression() {
    let source = Self.outbound(
      comment: "<set-variable name=\"x\" value=\"policy-rewrite: ignore key-outside-inbound (x)\" />")
    let (kept, suppressed) = Self.check(source)
    #expect(suppressed.isEmpty)
    #expect(kept.filter { $0.rule == .keyOutsideInbound }.count == 2)
  }

  @Test func terraformHashAndSlashComments() {
    let source = """
      resource "azurerm_api_management_backend" "legacy" {
        credentials {
          # policy-rewrite: ignore backend-credentials-key (retired with the legacy backend in Q3)
          header = { "x-functions-key" = var.legacy_key }
        }
      }
      resource "azurerm_api_management_backend" "other" {
        credentials {
          // policy-rewrite: ignore backend-credentials-key (also retired)
          header = { "x-functions-key" = var.other_key }
        }
      }

      """
    let (kept, suppressed) = Self.check(source, path: "infra/backends.tf")
    #expect(suppressed.count == 2, "\(kept)")
    #expect(kept.isEmpty, "\(kept)")
  }

  @Test("check: an inline suppression silences one finding, counted and listed in JSON and SARIF")
  func endToEnd() throws {
    let files = [
      "apis/a/policy.xml": Self.outbound(comment: "<!-- policy-rewrite: ignore key-outside-inbound (accepted) -->")
    ]
    try withTemporaryTree(files) { root in
      let result = run(["check", "."], cwd: root)
      #expect(result.status == 1)
      #expect(findingLines(result.stderr).count == 1, "\(result.stderr)")
      #expect(
        result.stderr.contains(
          "policy-rewrite check: 1 file scanned, 1 finding in 1 file, 1 suppressed, 0 with errors"))

      let json = run(["check", "--format", "json", "."], cwd: root)
      let document = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
      let suppressed = try #require(document["suppressed"] as? [[String: Any]])
      #expect(suppressed.count == 1)
      #expect(suppressed.first?["reason"] as? String == "accepted")
      #expect(suppressed.first?["line"] as? Int == 7)
      #expect((document["summary"] as? [String: Any])?["suppressed"] as? Int == 1)

      let sarif = run(["check", "--format", "sarif", "."], cwd: root)
      let log = try #require(try JSONSerialization.jsonObject(with: sarif.stdout) as? [String: Any])
      let results = try #require(((log["runs"] as? [[String: Any]])?.first)?["results"] as? [[String: Any]])
      #expect(results.count == 2)
      let accepted = results.compactMap { $0["suppressions"] as? [[String: Any]] }
      #expect(accepted.count == 1)
      #expect(accepted.first?.first?["kind"] as? String == "inSource")
      #expect(accepted.first?.first?["justification"] as? String == "accepted")
    }
  }

  @Test("a baseline accepts today's findings; a new one fails check again")
  func baseline() throws {
    let files = [
      "apis/a/policy.xml": Self.outbound(comment: ""),
      "apis/b/policy.xml": Policies.review("b-key"),
    ]
    try withTemporaryTree(files) { root in
      let written = run(["check", "--write-baseline", "baseline.json", "apis"], cwd: root)
      #expect(written.status == 0, "\(written.stderr)")
      let baseline = text(try Data(contentsOf: root.appendingPathComponent("baseline.json")))
      #expect(baseline.contains("\"path\" : \"apis/a/policy.xml\""), "\(baseline)")

      let adopted = run(["check", "--baseline", "baseline.json", "apis"], cwd: root)
      #expect(adopted.status == 0, "\(adopted.stderr)")
      #expect(adopted.stderr.contains("0 findings in 0 files, 3 suppressed"), "\(adopted.stderr)")
      // The same baseline from another folder: paths are relative to the baseline file.
      let fromAPIs = run(["check", "--baseline", "../baseline.json", "."], cwd: root.appendingPathComponent("apis"))
      #expect(fromAPIs.status == 0, "\(fromAPIs.stderr)")

      // Lines moving does not matter; a third copy of an accepted finding is new.
      let moved = Self.outbound(comment: "<!-- moved -->\n\n").replacingOccurrences(
        of: "</outbound>",
        with: "  <set-header name=\"x-functions-key\"><value>{{a-key}}</value></set-header>\n  </outbound>")
      try Data(moved.utf8).write(to: root.appendingPathComponent("apis/a/policy.xml"))
      let added = run(["check", "--baseline", "baseline.json", "apis"], cwd: root)
      #expect(added.status == 1)
      #expect(findingLines(added.stderr).count == 1, "\(added.stderr)")

      try Data(Policies.injection("new-func-key").utf8).write(to: root.appendingPathComponent("apis/c-policy.xml"))
      let injected = run(["check", "--baseline", "baseline.json", "apis/c-policy.xml"], cwd: root)
      #expect(injected.status == 1)
      #expect(injected.stderr.contains("[key-injection]"))

      try Data("{\"nope\": 1}".utf8).write(to: root.appendingPathComponent("bad.json"))
      let bad = run(["check", "--baseline", "bad.json", "apis"], cwd: root)
      #expect(bad.status == 2)
      #expect(bad.stderr == "bad.json: error: not a policy-rewrite baseline (version 2)\n")
    }
  }
}

/// A baseline adopted on the real-world corpus.
@Suite(.enabled(if: Corpus.exists, Comment(rawValue: Corpus.skipMessage)), .slow, .tags(.slow))
struct BaselineCorpusTests {
  @Test func aBaselineAdoptedOnTheCorpusPassesUntilANewKeyArrives() throws {
    let root = try CLI.makeTemporaryFolder("policy-rewrite-baseline")
    defer { try? FileManager.default.removeItem(at: root) }
    let files = Corpus.root.appendingPathComponent("files").path
    // The five broken files are errors, which no baseline accepts.
    let excludes = Corpus.brokenFiles.keys.flatMap { ["--exclude", $0] }
    let baseline = root.appendingPathComponent("baseline.json").path
    let written = run(["check", "--write-baseline", baseline] + excludes + ["."], cwd: URL(fileURLWithPath: files))
    #expect(written.status == 0, "\(written.stderr.suffix(500))")
    let adopted = run(["check", "--baseline", baseline] + excludes + ["."], cwd: URL(fileURLWithPath: files))
    #expect(adopted.status == 0, "\(adopted.stderr.suffix(500))")
    let summary = adopted.stderr.split(separator: "\n").last ?? ""
    #expect(summary.hasPrefix("policy-rewrite check: ") && summary.contains(" 0 findings in 0 files, "), "\(summary)")
    print("corpus baseline: \(summary)")

    // A new key injection next to the corpus is reported.
    let extra = root.appendingPathComponent("new/policy.xml")
    try FileManager.default.createDirectory(at: extra.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(Policies.injection("new-func-key").utf8).write(to: extra)
    let withNew = run(
      ["check", "--baseline", baseline] + excludes + [".", extra.path], cwd: URL(fileURLWithPath: files))
    #expect(withNew.status == 1)
    #expect(findingLines(withNew.stderr).count == 1, "\(withNew.stderr.suffix(500))")
  }
}
