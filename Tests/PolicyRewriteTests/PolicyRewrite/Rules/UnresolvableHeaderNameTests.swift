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

  @Test(
    "a {{named value}} header name beside a rewritten key may be Authorization: the message did not say it overwrites the token"
  )
  func unresolvableNameMessageWarnsOfAnOverwrittenToken() throws {
    let result = try rewrite(
      """
      <policies>
          <inbound>
              <base />
              <set-header name="x-functions-key" exists-action="override"><value>{{orders-func-key}}</value></set-header>
              <set-header name="{{os-header-name}}" exists-action="override"><value>{{os-header-value}}</value></set-header>
          </inbound>
      </policies>
      """)
    let message = result.findings.first { $0.rule == .unresolvableHeaderName }?.message ?? ""
    #expect(message.contains("Authorization") && message.contains("overwrite APIM's token"), "\(message)")
  }
}
