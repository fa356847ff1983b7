import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// authorization-writer: a key injection in a pipeline that also writes `Authorization` is
/// left for review (`rewrite-spec.md` §2a).
@Suite struct AuthorizationWriterTests {
  @Test func aWriterInTheSameInboundIsReviewNamingBothLines() throws {
    let policy = MarkedPolicy(
      """
      <policies>
          <inbound>
              <base />
              /*key*/<set-header name="x-functions-key" exists-action="override">
                  <value>{{fn-key}}</value>
              </set-header>
              <choose>
                  <when condition="@(true)">
                      /*writer*/<set-header name="authorization" exists-action="skip">
                          <value>Basic dXNlcjpwYXNz</value>
                      </set-header>
                  </when>
              </choose>
          </inbound>
      </policies>
      """)
    let result = try AuthorizationTests().expectUnchanged(policy.text, [.authorizationWriter])
    let finding = try #require(result.findings.first)
    #expect(finding.severity == .warning)
    #expect(finding.place == policy["key"])
    #expect(
      finding.message.contains("line \(policy["key"].line)")
        && finding.message.contains("line \(policy["writer"].line)"),
      "\(finding.message)")
    #expect(result.reviewCount == 1)
    // check reports the review item, not a rewritable injection.
    #expect(rules(try check(bytes(string(result.output)))) == [.authorizationWriter])
  }

  @Test func basicAuthenticationIsAWriter() throws {
    try AuthorizationTests().expectUnchanged(
      """
      <policies>
          <inbound>
              <authentication-basic username="u" password="{{p}}" />
              <base />
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
          </inbound>
      </policies>
      """, [.authorizationWriter])
  }

  @Test func aNestedMIElementElsewhereIsAWriter() throws {
    try AuthorizationTests().expectUnchanged(
      """
      <policies>
          <inbound>
              <base />
              <choose>
                  <when condition="@(true)">
                      <authentication-managed-identity resource="api://other" />
                  </when>
              </choose>
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
          </inbound>
      </policies>
      """, [.authorizationWriter])
  }

  @Test func aWriterInTheSameSendRequestIsReviewButOneInInboundIsNot() throws {
    try AuthorizationTests().expectUnchanged(
      """
      <policies>
          <inbound>
              <send-request mode="new" response-variable-name="r">
                  <set-url>https://fn.example/api</set-url>
                  <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
                  <set-header name="Authorization" exists-action="override"><value>Bearer t</value></set-header>
              </send-request>
          </inbound>
      </policies>
      """, [.authorizationWriter])
    try expectRewrite(
      """
      <policies>
          <inbound>
              <set-header name="Authorization" exists-action="override"><value>Bearer t</value></set-header>
              <send-request mode="new" response-variable-name="r">
                  <set-url>https://fn.example/api</set-url>
                  <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
              </send-request>
          </inbound>
      </policies>
      """,
      """
      <policies>
          <inbound>
              <set-header name="Authorization" exists-action="override"><value>Bearer t</value></set-header>
              <send-request mode="new" response-variable-name="r">
                  <set-url>https://fn.example/api</set-url>
                  \(AuthorizationTests.mi)
              </send-request>
          </inbound>
      </policies>
      """)
  }
}
