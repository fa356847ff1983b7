import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// `<send-one-way-request>` is handled exactly like `<send-request>`: the MI element goes
/// among its children in the documented order, in any section.
@Suite struct SendOneWayRequestTests {
  @Test func inInboundTheMIElementGoesAfterSetBodyAndBeforeProxy() throws {
    try expectRewrite(
      """
      <policies>
          <inbound>
              <base />
              <send-one-way-request mode="new">
                  <set-url>https://audit-func.example/api/log</set-url>
                  <set-method>POST</set-method>
                  <set-header name="x-functions-key" exists-action="override">
                      <value>{{audit-func-key}}</value>
                  </set-header>
                  <set-body>@(context.Request.Url.Path)</set-body>
                  <proxy url="http://proxy.example:3128" />
              </send-one-way-request>
          </inbound>
      </policies>
      """,
      """
      <policies>
          <inbound>
              <base />
              <send-one-way-request mode="new">
                  <set-url>https://audit-func.example/api/log</set-url>
                  <set-method>POST</set-method>
                  <set-body>@(context.Request.Url.Path)</set-body>
                  <authentication-managed-identity resource="11111111-2222-3333-4444-555555555555" />
                  <proxy url="http://proxy.example:3128" />
              </send-one-way-request>
          </inbound>
      </policies>
      """)
  }

  @Test func inOutboundItIsRewrittenLikeASendRequest() throws {
    let result = try expectRewrite(
      """
      <policies>
      \t<outbound>
      \t\t<base />
      \t\t<send-one-way-request mode="new">
      \t\t\t<set-url>https://audit-func.example/api/log</set-url>
      \t\t\t<set-header name="x-functions-key"><value>{{audit-func-key}}</value></set-header>
      \t\t</send-one-way-request>
      \t</outbound>
      </policies>
      """,
      """
      <policies>
      \t<outbound>
      \t\t<base />
      \t\t<send-one-way-request mode="new">
      \t\t\t<set-url>https://audit-func.example/api/log</set-url>
      \t\t\t<authentication-managed-identity resource="11111111-2222-3333-4444-555555555555" />
      \t\t</send-one-way-request>
      \t</outbound>
      </policies>
      """)
    #expect(!rules(result.findings).contains(.keyOutsideInbound))
  }

  @Test func aWriterAmongItsChildrenIsLeftForReview() throws {
    let input = bytes(
      """
      <policies>
          <outbound>
              <send-one-way-request mode="new">
                  <set-header name="x-functions-key"><value>{{audit-func-key}}</value></set-header>
                  <authentication-basic username="u" password="{{p}}" />
              </send-one-way-request>
          </outbound>
      </policies>
      """)
    let result = try rewrite(input)
    expectBytes(result.output, input)
    #expect(rules(result.findings) == [.authorizationWriter])
    #expect(result.reviewCount == 1)
  }
}
