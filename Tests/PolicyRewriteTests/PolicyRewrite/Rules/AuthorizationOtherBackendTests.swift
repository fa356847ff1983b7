import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// authorization-other-backend: a branch that sends the request to a backend that is not a
/// Function App keeps the caller's token (`rewrite-spec.md` §2c, item 4).
@Suite struct AuthorizationOtherBackendTests {
  @Test func aBranchToANonFunctionBackendIsReviewSoTheLegacyAPIKeepsTheCallersToken() throws {
    let policy = MarkedPolicy(
      AuthorizationRoundTwoTests.policy(
        AuthorizationRoundTwoTests.key + "\n"
          + """
          <choose>
              <when condition="@(context.Request.Headers.ContainsKey(&quot;X-Legacy&quot;))">
                  /*legacy*/<set-backend-service base-url="https://legacy-api.contoso.example" />
              </when>
              <otherwise>
                  <set-backend-service backend-id="orders-func" />
              </otherwise>
          </choose>
          """))
    let findings = try AuthorizationRoundTwoTests().expectUnchanged(policy.text)
    #expect(rules(findings) == [.authorizationOtherBackend], "\(findings)")
    #expect(findings.first?.message.contains("line \(policy["legacy"].line)") == true, "\(findings)")
  }

  @Test func branchesThatAllReachFunctionAppsAreNotReview() throws {
    let choose = """
      <choose>
          <when condition="@(true)">
              <set-backend-service base-url="https://orders-func-eu.azurewebsites.net/api" />
          </when>
          <otherwise>
              <set-backend-service backend-id="orders-func" />
          </otherwise>
      </choose>
      """
    try expectRewrite(
      AuthorizationRoundTwoTests.policy(AuthorizationRoundTwoTests.key + "\n" + choose),
      AuthorizationRoundTwoTests.policy(AuthorizationRoundTwoTests.mi + "\n" + choose))
  }
}
