import Testing

@testable import PolicyRewrite

/// managed-identity-token-variable: an MI element written with --output-token-variable-name
/// puts its token into a variable, which the policy must send as Authorization.
@Suite struct ManagedIdentityTokenVariableTests {
  static let keyed = MarkedPolicy(
    """
    <policies>
        <inbound>
            <base />
            /*key*/<set-header name="x-functions-key" exists-action="override">
                <value>{{orders-func-key}}</value>
            </set-header>
        </inbound>
    </policies>
    """)

  @Test func theElementIsWrittenAsAskedWithAWarningSinceTheFunctionAppMayGetNoToken() throws {
    let result = try expectRewrite(
      Self.keyed.text,
      """
      <policies>
          <inbound>
              <base />
              <authentication-managed-identity resource="11111111-2222-3333-4444-555555555555" output-token-variable-name="fn-token" />
          </inbound>
      </policies>
      """, with: try makeConfiguration(outputTokenVariableName: "fn-token"))
    let warning = try #require(result.findings.first { $0.rule == .managedIdentityTokenVariable })
    #expect(warning.severity == .warning)
    #expect(warning.place == Self.keyed["key"])
    #expect(warning.message.contains(#"context.Variables["fn-token"]"#), "\(warning.message)")
  }

  @Test func withoutTheOptionThereIsNoWarning() throws {
    let result = try expectRewrite(
      Self.keyed.text,
      """
      <policies>
          <inbound>
              <base />
              <authentication-managed-identity resource="11111111-2222-3333-4444-555555555555" />
          </inbound>
      </policies>
      """)
    #expect(!result.findings.contains { $0.rule == .managedIdentityTokenVariable })
  }
}
