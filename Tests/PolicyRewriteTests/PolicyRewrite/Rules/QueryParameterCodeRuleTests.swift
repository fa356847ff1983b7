import Testing

@testable import PolicyRewrite

/// key-in-query-parameter: a key passed in the `code` query parameter.
@Suite struct QueryParameterCodeRuleTests {
  @Test func codeQueryParameterIsReported() throws {
    let policy = MarkedPolicy(
      """
      <policies>
          <inbound>
              <base />
              /*code*/<set-query-parameter name="code" exists-action="override">
                  <value>{{orders-func-key}}</value>
              </set-query-parameter>
              <set-query-parameter name="code" exists-action="delete" />
          </inbound>
      </policies>
      """)
    let input = policy.text
    let result = try rewrite(input)
    expectBytes(result.output, bytes(input))
    #expect(result.changed == false, "the output differs from the input")
    #expect(rules(result.findings) == [.keyInQueryParameter])
    expectFinding(.keyInQueryParameter, at: policy["code"], in: result.findings)
    let checked = try check(bytes(input))
    #expect(rules(checked) == [.keyInQueryParameter])
  }
}
