import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// What the policy graph does not know about a file (`scope-unknown`, `unresolved-fragment`)
/// stood at 1:1 whatever the configuration knew of its place: annotations pointed at the top
/// of the file instead of the include or declaration.
struct PolicyGraphGapLocationTests {
  static let input = """
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
            <include-fragment fragment-id="missing" />
        </inbound>
    </policies>
    """

  @Test("a graph gap with a known place stood at 1:1: now at that line and column")
  func gapsStandWhereTheConfigurationPlacesThem() throws {
    var configuration = try makeConfiguration()
    configuration.policyGraphGaps[TestSupport.path] = [.unresolvedFragment: "includes…", .scopeUnknown: "unknown…"]
    configuration.policyGraphGapLocations[TestSupport.path] = [
      .unresolvedFragment: RewriteConfiguration.Position(line: 5, column: 9)
    ]
    let result = try rewrite(Self.input, with: configuration)
    let placed = result.findings.filter { $0.rule == .unresolvedFragment || $0.rule == .scopeUnknown }
      .map { "\($0.rule!.rawValue) \($0.line):\($0.column)" }
    // Without a place, a gap stays at 1:1.
    #expect(placed == ["scope-unknown 1:1", "unresolved-fragment 5:9"], "\(result.findings)")
  }
}
