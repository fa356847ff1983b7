import Testing

@testable import PolicyRewrite

/// unresolvable-header-name: a header name that cannot be read is reported and left as it is.
@Suite struct UnresolvableHeaderNameTests {
  @Test(arguments: ["{{func-key-header}}", "@(\"x-functions-\" + \"key\")", "@(&quot;x-functions-key&quot;)"])
  func unresolvableHeaderNameIsReportedAndUnchanged(name: String) throws {
    let policy = MarkedPolicy(
      """
      <policies>
          <inbound>
              <base />
              /*header*/<set-header name="\(name)" exists-action="override">
                  <value>{{orders-func-key}}</value>
              </set-header>
          </inbound>
      </policies>
      """)
    let input = policy.text
    let result = try rewrite(input)
    expectBytes(result.output, bytes(input))
    #expect(result.changed == false, "the output differs from the input")
    #expect(!result.hasErrors)
    #expect(rules(result.findings) == [.unresolvableHeaderName])
    expectFinding(.unresolvableHeaderName, at: policy["header"], in: result.findings)
    let checked = try check(bytes(input))
    #expect(rules(checked) == [.unresolvableHeaderName])
  }

  @Test func unresolvableNameDoesNotStopTheRewriteOfARealInjection() throws {
    let result = try expectRewrite(
      """
      <policies>
          <inbound>
              <base />
              <set-header name="{{func-key-header}}" exists-action="override">
                  <value>{{orders-func-key}}</value>
              </set-header>
              <set-header name="x-functions-key" exists-action="override">
                  <value>{{orders-func-key}}</value>
              </set-header>
          </inbound>
      </policies>
      """,
      """
      <policies>
          <inbound>
              <base />
              <authentication-managed-identity resource="11111111-2222-3333-4444-555555555555" />
              <set-header name="{{func-key-header}}" exists-action="override">
                  <value>{{orders-func-key}}</value>
              </set-header>
          </inbound>
      </policies>
      """)
    #expect(rules(result.findings) == [.unresolvableHeaderName])
  }
}
