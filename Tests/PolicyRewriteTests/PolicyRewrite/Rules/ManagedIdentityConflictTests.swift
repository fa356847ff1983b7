import Testing

@testable import PolicyRewrite

/// managed-identity-conflict: an MI element already there with another resource stops the file.
@Suite struct ManagedIdentityConflictTests {
  @Test func existingMIWithAnotherResourceIsAConflictAndTheFileIsUnchanged() throws {
    let policy = MarkedPolicy(
      """
      <policies>
          <inbound>
              <base />
              /*mi*/<authentication-managed-identity resource="99999999-8888-7777-6666-555555555555" />
              <set-header name="x-functions-key" exists-action="override">
                  <value>{{orders-func-key}}</value>
              </set-header>
          </inbound>
      </policies>
      """)
    let input = policy.text
    let result = try rewrite(input)
    expectBytes(result.output, bytes(input))
    #expect(result.changed == false, "the output differs from the input")
    #expect(result.hasErrors)
    #expect(result.removedKeyNamedValues.isEmpty)
    let conflict = try #require(result.findings.first { $0.rule == .managedIdentityConflict })
    #expect(conflict.severity == .error)
    #expect(conflict.place == policy["mi"])
  }

  @Test func existingMIInSendRequestWithAnotherResourceIsAConflict() throws {
    let policy = MarkedPolicy(
      """
      <policies>
          <inbound>
              <send-request mode="new" response-variable-name="r">
                  <set-url>https://f.example/api</set-url>
                  /*mi*/<authentication-managed-identity resource="99999999-8888-7777-6666-555555555555" />
                  <set-header name="x-functions-key">
                      <value>{{k}}</value>
                  </set-header>
              </send-request>
          </inbound>
      </policies>
      """)
    let input = policy.text
    let result = try rewrite(input)
    expectBytes(result.output, bytes(input))
    #expect(rules(result.findings) == [.managedIdentityConflict])
    expectFinding(.managedIdentityConflict, at: policy["mi"], in: result.findings)
  }

  @Test func existingMIInTheSameInboundWithAnotherResourceIsAConflictForABranch() throws {
    let input = """
      <policies>
          <inbound>
              <base />
              <authentication-managed-identity resource="99999999-8888-7777-6666-555555555555" />
              <choose>
                  <when condition="@(context.Request.Method == &quot;POST&quot;)">
                      <set-header name="x-functions-key" exists-action="override">
                          <value>{{orders-func-key}}</value>
                      </set-header>
                  </when>
              </choose>
          </inbound>
      </policies>
      """
    let result = try rewrite(input)
    expectBytes(result.output, bytes(input))
    #expect(result.changed == false, "the output differs from the input")
    #expect(result.findings.contains { $0.rule == .managedIdentityConflict && $0.severity == .error })
  }
}
