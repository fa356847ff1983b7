import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// authorization-possible-reader: a header name that a named value or an expression gives may be
/// `Authorization` (`rewrite-spec.md` §2c, item 5).
@Suite struct AuthorizationPossibleReaderTests {
  @Test(arguments: [
    #"<validate-jwt header-name="{{jwt-header-name}}" failed-validation-httpcode="401" />"#,
    #"<validate-jwt header-name="@((string)context.Variables[&quot;h&quot;])" />"#,
    #"<validate-azure-ad-token tenant-id="t" header-name="{{aad-header}}" />"#,
    #"<check-header name="{{checked-header}}" failed-check-httpcode="401" failed-check-error-message="no" />"#,
  ])
  func namedValueHeaderNameIsAPossibleReaderSoAResolvedAuthorizationIsNotA401(reader: String) throws {
    let policy = MarkedPolicy(
      AuthorizationRoundTwoTests.policy(AuthorizationRoundTwoTests.key + "\n/*reader*/" + reader))
    let result = try expectRewrite(
      policy.text, AuthorizationRoundTwoTests.policy(reader + "\n" + AuthorizationRoundTwoTests.mi))
    #expect(rules(result.findings) == [.authorizationPossibleReader], "\(result.findings)")
    #expect(
      result.findings.first?.message.contains("line \(policy["reader"].line)") == true, "\(result.findings)")
  }

  @Test func aPossibleReaderAfterANestedInjectionIsReview() throws {
    let input = AuthorizationRoundTwoTests.policy(
      """
      <choose>
          <when condition="@(true)">
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
          </when>
      </choose>
      <validate-jwt header-name="{{jwt-header-name}}" />
      """)
    #expect(
      rules(try AuthorizationRoundTwoTests().expectUnchanged(input)) == [.authorizationReaderAfterManagedIdentity])
  }
}
