import Testing

@testable import PolicyRewrite

/// key-outside-inbound: a key set outside `<inbound>` is reported and left as it is.
@Suite struct KeyOutsideInboundTests {
  @Test(arguments: ["backend", "outbound", "on-error"])
  func injectionOutsideInboundIsReportedAndUnchanged(section: String) throws {
    let policy = MarkedPolicy(
      """
      <policies>
          <inbound>
              <base />
          </inbound>
          <\(section)>
              <base />
              /*key*/<set-header name="x-functions-key" exists-action="override">
                  <value>{{orders-func-key}}</value>
              </set-header>
          </\(section)>
      </policies>

      """)
    let input = policy.text
    let result = try rewrite(input)
    expectBytes(result.output, bytes(input))
    #expect(result.changed == false, "the output differs from the input")
    #expect(!result.hasErrors)
    #expect(result.reviewCount == 1)
    #expect(rules(result.findings) == [.keyOutsideInbound])
    let finding = try #require(result.findings.first)
    #expect(finding.severity == .warning)
    #expect(finding.place == policy["key"])
    #expect(finding.section == section)
  }

  @Test func injectionNestedInOutboundChooseIsReportedAndUnchanged() throws {
    let input = """
      <policies>
          <outbound>
              <choose>
                  <when condition="@(context.Response.StatusCode == 302)">
                      <set-header name="x-functions-key" exists-action="override">
                          <value>{{orders-func-key}}</value>
                      </set-header>
                  </when>
              </choose>
          </outbound>
      </policies>
      """
    let result = try rewrite(input)
    expectBytes(result.output, bytes(input))
    #expect(rules(result.findings) == [.keyOutsideInbound])
  }
}
