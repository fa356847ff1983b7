import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// authorization-child-scope: a parent scope's injection is left for review when a child scope
/// reads `Authorization` after its `<base />` (`rewrite-spec.md` §2a).
@Suite struct AuthorizationChildScopeTests {
  @Test func aParentScopeWithAChildReadingAfterBaseIsReview() throws {
    let policy = MarkedPolicy(
      """
      <policies>
          <inbound>
              <base />
              /*key*/<set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
          </inbound>
      </policies>
      """)
    let input = policy.text
    var configuration = try makeConfiguration()
    configuration.authorizationChildScopes = [TestSupport.path: ["apis/test/operations/get/policy.xml"]]
    let result = try AuthorizationTests().expectUnchanged(input, [.authorizationChildScope], with: configuration)
    #expect(result.findings[0].message.contains("apis/test/operations/get/policy.xml"))
    #expect(result.findings[0].message.contains("line \(policy["key"].line)"))
    // Another file's children do not matter.
    configuration.authorizationChildScopes = ["apis/other/policy.xml": ["apis/other/operations/get/policy.xml"]]
    try expectRewrite(
      input,
      """
      <policies>
          <inbound>
              <base />
              \(AuthorizationTests.mi)
          </inbound>
      </policies>
      """, with: configuration)
  }

  @Test func aChildScopeReadsAfterBaseOnlyWithoutAnMIElementBeforeTheReader() {
    func reads(_ inbound: String) -> Bool {
      PolicyRewriter.childScopeEffects(bytes("<policies><inbound>\(inbound)</inbound></policies>")).touchesAfterBase
    }
    #expect(reads("<base /><validate-jwt header-name=\"Authorization\" />"))
    #expect(reads("<base /><set-header name=\"authorization\" exists-action=\"delete\" />"))
    #expect(
      reads(
        "<base /><set-header name=\"x-functions-key\"><value>{{k}}</value></set-header><check-header name=\"Authorization\" failed-check-httpcode=\"401\" failed-check-error-message=\"no\" />"
      ))
    #expect(!reads("<validate-jwt header-name=\"Authorization\" /><base />"))
    #expect(!reads("<validate-jwt header-name=\"Authorization\" />"))
    #expect(
      !reads("<base /><authentication-managed-identity resource=\"r\" /><validate-jwt header-name=\"Authorization\" />")
    )
    #expect(!reads("<base /><rate-limit calls=\"1\" renewal-period=\"1\" />"))
  }
}
