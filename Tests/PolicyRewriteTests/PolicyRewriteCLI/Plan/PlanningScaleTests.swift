import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// Planning is linear in the number of injections: thousands of key injections, each in its
/// own `<choose>`, do not make the planner read the `<inbound>`'s children once per injection.
/// Work is counted (children read while looking for an MI element already in place), never
/// timed.
@Suite(.slow, .tags(.slow)) struct PlanningScaleTests {
  /// A policy with `count` key injections, each in its own `<choose>` of one `<inbound>`.
  static func policy(chooses count: Int) -> [UInt8] {
    var text = "<policies>\n  <inbound>\n    <base />\n"
    let block =
      "    <choose>\n      <when condition=\"@(true)\">\n"
      + "        <set-header name=\"x-functions-key\"><value>{{k}}</value></set-header>\n      </when>\n    </choose>\n"
    for _ in 0..<count { text += block }
    text += "  </inbound>\n</policies>\n"
    return bytes(text)
  }

  /// The children read while analysing and planning `source`, and the number of edits.
  static func work(_ source: [UInt8]) throws -> (children: Int, edits: Int) {
    let configuration = try makeConfiguration()
    let analysis = PolicyAnalysis(try PolicyDocument.parse(source), configuration: configuration)
    var planner = EditPlanner(
      document: analysis.document, configuration: configuration, path: TestSupport.path,
      anchors: analysis.managedIdentityAnchors)
    for group in PolicyRewriter.groups(of: analysis.injections.filter(\.isRewritable)) {
      planner.plan(group)
    }
    return (
      analysis.managedIdentities.examinedChildren + planner.managedIdentities.examinedChildren, planner.edits.count
    )
  }

  @Test func tenTimesTheInjectionsIsAtMostAboutTenTimesTheWork() throws {
    let small = try Self.work(Self.policy(chooses: 300))
    let large = try Self.work(Self.policy(chooses: 3_000))
    #expect(small.edits == 300)
    #expect(large.edits == 3_000)
    // Linear work grows 10 times; reading the <inbound>'s children per injection grew 100 times.
    #expect(
      large.children <= 12 * small.children, "\(small.children) children read for 300, \(large.children) for 3,000")
  }

  @Test func theLargeInputIsRewrittenCompletely() throws {
    let result = try rewrite(Self.policy(chooses: 3_000))
    #expect(!result.hasErrors)
    let output = string(result.output)
    #expect(output.components(separatedBy: "<authentication-managed-identity").count - 1 == 3_000)
    #expect(!output.contains("x-functions-key"))
  }
}
