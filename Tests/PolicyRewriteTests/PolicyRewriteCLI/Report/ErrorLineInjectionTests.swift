import Foundation
import Testing

/// The error lines written before a run (a broken resource map, configuration file or
/// baseline) print names that come from the repository: a named value from a policy (which
/// `plan --emit-map` copies into the map), a key of `.policy-rewrite.json`. They reached the
/// log raw: a line feed followed by `::error::` made a GitHub runner read a workflow command.
@Suite struct ErrorLineInjectionTests {
  /// No byte that acts on a terminal, and no line that a runner reads as a workflow command.
  static func expectInert(_ output: String, _ context: String) {
    OutputInjectionTests.expectInert(output, context)
    for line in output.split(separator: "\n") {
      #expect(!line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("::"), "\(context): \(line)")
    }
  }

  // XML allows no ESC: a line feed and a bidirectional override.
  static let hostileNamedValue = "k-func-key\n::error file=x.xml::fake\u{202E}"

  @Test("a map skeleton's empty entry named a hostile named value raw in its error line")
  func mapErrorsPrintedNamedValuesRaw() throws {
    try withTemporaryTree(["apis/a/policy.xml": Policies.injection(Self.hostileNamedValue)]) { root in
      let emitted = run(["plan", "--emit-map", "map.json", "apis"], cwd: root)
      #expect(emitted.status == 0, "\(emitted.stderr)")
      Self.expectInert(emitted.stderr, "plan --emit-map")
      let result = run(["migrate", "--resource-map", "map.json", "apis"], cwd: root)
      #expect(result.status == 2, "\(result.stderr)")
      #expect(result.stderr.contains("no resource yet for 'k-func-key\\n::error"), "\(result.stderr)")
      Self.expectInert(result.stderr, "migrate with the skeleton")
    }
  }

  @Test("an unknown key of .policy-rewrite.json was printed raw in its error line")
  func configurationErrorsPrintedKeysRaw() throws {
    let configuration = #"{"exclude": [], "x\n::error::fake\u001b[31m": 1}"#
    try withTemporaryTree([".policy-rewrite.json": configuration, "apis/a/policy.xml": Policies.injection()]) {
      root in
      let result = run(["check", "apis"], cwd: root)
      #expect(result.status == 2, "\(result.stderr)")
      #expect(result.stderr.contains("unknown key 'x\\n::error::fake\\x1B[31m'"), "\(result.stderr)")
      Self.expectInert(result.stderr, "check with the configuration")
    }
  }
}

/// `effective` names each element's file in an XML comment: a file name's control characters,
/// line breaks and bidirectional overrides were written raw (ESC is not even XML).
@Suite struct EffectiveCommentInjectionTests {
  @Test("a file name in effective's origin comments is written without control characters")
  func originCommentsPrintedFileNamesRaw() throws {
    let folder = "apis/a\u{1B}[31m\u{9B}x\u{202E}--><evil><!--"
    try withTemporaryTree(["\(folder)/policy.xml": Policies.injection()]) { root in
      let api = "a\u{1B}[31m\u{9B}x\u{202E}--><evil><!--"
      let result = run(["effective", "--api", api, "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      let output = text(result.stdout)
      #expect(output.contains("set-header"), "\(output)")
      ErrorLineInjectionTests.expectInert(output, "effective")
      // No comment ends early: the `--` of the name is broken up.
      #expect(output.components(separatedBy: "-->").count == output.components(separatedBy: "<!--").count)
      #expect(output.contains(#"a\x1B[31m\u{009B}x\u{202E}- -><evil><!- -"#), "\(output)")
    }
  }
}
