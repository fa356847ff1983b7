import Testing

@testable import PolicyRewrite

/// literal-key: a key written in the policy itself.
@Suite struct LiteralKeyRuleTests {
  @Test func literalKeyIsAWarningInMigrateAndAnErrorInCheck() throws {
    let policy = MarkedPolicy(
      """
      <policies>
          <inbound>
              <base />
              /*key*/<set-header name="x-functions-key" exists-action="override">
                  <value>q9Zx0vLr7TqW3nB5yK2mA8pC4dF6gH1jS0uE==</value>
              </set-header>
          </inbound>
      </policies>
      """)
    let input = policy.text
    let result = try expectRewrite(
      input,
      """
      <policies>
          <inbound>
              <base />
              <authentication-managed-identity resource="11111111-2222-3333-4444-555555555555" />
          </inbound>
      </policies>
      """)
    #expect(rules(result.findings) == [.literalKey])
    #expect(result.findings.first?.severity == .warning)
    expectFinding(.literalKey, at: policy["key"], in: result.findings)
    // The secret itself never appears in a message.
    #expect(!result.findings.contains { $0.message.contains("q9Zx0vLr7TqW") })

    let checked = try check(bytes(input))
    #expect(Set(rules(checked)) == [.literalKey, .keyInjection])
    #expect(checked.allSatisfy { $0.severity == .error })
    #expect(!checked.contains { $0.message.contains("q9Zx0vLr7TqW") })
  }
}
