import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// skipped-key-injection: a `skip` injection after an `override` one (`rewrite-spec.md` §2c,
/// item 7).
@Suite struct SkippedKeyInjectionTests {
  @Test func aNestedSkipAfterAnOverrideIsReviewSoTheSecondAudienceDoesNotOverwriteTheToken() throws {
    let policy = MarkedPolicy(
      AuthorizationRoundTwoTests.policy(
        "/*override*/" + AuthorizationRoundTwoTests.key + "\n"
          + """
          <choose>
              <when condition="@(true)">
                  /*skip*/<set-header name="X-Functions-Key" exists-action="skip"><value>{{other-func-key}}</value></set-header>
              </when>
          </choose>
          """))
    let configuration = try makeConfiguration(byNamedValue: ["other-func-key": TestSupport.otherGUID])
    let findings = try AuthorizationRoundTwoTests().expectUnchanged(policy.text, with: configuration)
    #expect(rules(findings).allSatisfy { $0 == .skippedKeyInjection } && !findings.isEmpty, "\(findings)")
    #expect(
      findings.contains {
        $0.place == policy["skip"] && $0.message.contains("line \(policy["override"].line)")
      }, "\(findings)")
  }
}
