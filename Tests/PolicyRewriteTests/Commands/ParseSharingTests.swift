import Foundation
import Testing

@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// The cross-scope Authorization pass and the run's own pass share one parse of each policy
/// file: a work counter, not a timing.
@Suite struct ParseSharingTests {
  /// An APIOps tree where the cross-scope pass parses policies: a global policy that validates
  /// the token, a product and an API with keys, operations that read after `<base />`, and a
  /// fragment with a key.
  static let tree: [String: String] = [
    "policy.xml": """
    <policies><inbound><validate-jwt header-name="Authorization" /><base /></inbound></policies>
    """,
    "products/p/policy.xml": """
    <policies><inbound><base /><set-header name="x-functions-key" exists-action="override"><value>{{p-func-key}}</value></set-header></inbound></policies>
    """,
    "apis/a/policy.xml": """
    <policies><inbound><base /><set-header name="x-functions-key" exists-action="override"><value>{{a-func-key}}</value></set-header></inbound></policies>
    """,
    "apis/a/operations/o/policy.xml": """
    <policies><inbound><choose><when condition="@(true)"><set-header name="x-functions-key" exists-action="override"><value>{{o-func-key}}</value></set-header></when></choose><base /><check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="no" /></inbound></policies>
    """,
    "apis/a/operations/q/policy.xml": """
    <policies><inbound><base /><set-header name="Authorization" exists-action="delete" /></inbound></policies>
    """,
    "policy fragments/f/policy.xml": """
    <fragment><set-header name="x-functions-key" exists-action="override"><value>{{f-func-key}}</value></set-header></fragment>
    """,
  ]

  final class Collecting: Reporter, @unchecked Sendable {
    var reports: [String] = []
    func report(_ file: FileReport) {
      reports.append("\(file.path) \(file.changed) \(file.findings.map { "\($0.line):\($0.column) \($0.message)" })")
    }
    func finish(_ summary: RunSummary) {}
  }

  @Test(arguments: [Frontend.Command.plan, .migrate, .check])
  func eachPolicyTheCrossScopePassParsesIsNotParsedAgainByTheRun(command: Frontend.Command) throws {
    try withTemporaryTree(Self.tree) { root in
      var options = Frontend.Options(command: command, configuration: try makeConfiguration())
      options.showsProgress = false
      let frontend = Frontend(options: options)
      let shared = Collecting()
      _ = frontend.run(paths: [root.path], reporter: shared)
      // Every document the pass parsed was kept and taken by the run, none parsed a second
      // time.
      #expect(frontend.documents.parses >= 3, "\(command)")
      #expect(frontend.documents.kept == frontend.documents.parses, "\(command)")
      #expect(frontend.documents.takes == frontend.documents.kept, "\(command)")
      // The graph's search for unreadable child scopes and the child-scope pass read the same
      // operations: the second is answered by the first's document.
      if command != .check { #expect(frontend.documents.keptAnswers >= 1, "\(command)") }
      // The same reports as a run that keeps no document.
      let unshared = Collecting()
      _ = Frontend(
        options: options, readAhead: ReadAhead(capacity: Frontend.readAheadCapacity),
        documents: ParsedDocuments(capacity: 0)
      ).run(paths: [root.path], reporter: unshared)
      #expect(shared.reports == unshared.reports)
      #expect(!shared.reports.isEmpty)
    }
  }

  /// A run that keeps no document (a tree larger than its budget) keeps their verdicts: `check`
  /// does not mask and scan again a policy the pass parsed, with the same reports.
  @Test func checkTakesTheVerdictOfAParseThatWasNotKept() throws {
    try withTemporaryTree(Self.tree) { root in
      var options = Frontend.Options(command: .check, configuration: try makeConfiguration())
      options.showsProgress = false
      let readAhead = ReadAhead(capacity: Frontend.checkReadAheadCapacity)
      let documents = ParsedDocuments(
        capacity: 0, release: { readAhead.release($0) }, reserveVerdict: { readAhead.reserveRecord($1, for: $0) })
      let withVerdicts = Collecting()
      _ = Frontend(options: options, readAhead: readAhead, documents: documents).run(
        paths: [root.path], reporter: withVerdicts)
      #expect(documents.kept == 0)
      #expect(documents.verdicts >= 1)
      #expect(documents.verdictsTaken >= 1)
      let without = Collecting()
      _ = Frontend(
        options: options, readAhead: ReadAhead(capacity: Frontend.checkReadAheadCapacity),
        documents: ParsedDocuments(capacity: 0)
      ).run(paths: [root.path], reporter: without)
      #expect(withVerdicts.reports == without.reports)
    }
  }

}
