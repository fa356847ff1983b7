import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// key-variable: a key copied into a variable (`rewrite-spec.md` §2b) goes with its injection,
/// or stays and is reported where something else reads it.
@Suite struct KeyVariableRuleTests {
  @Test func aVariableReadOnlyByTheRemovedInjectionGoesWithIt() throws {
    let result = try expectRewrite(
      AuthorizationTests.crlf(
        """
        <policies>
        \t<inbound>
        \t\t<base />
        \t\t<set-variable name="fnKey" value="{{orders-func-key}}" />
        \t\t<set-header name="x-functions-key" exists-action="override">
        \t\t\t<value>@((string)context.Variables["fnKey"])</value>
        \t\t</set-header>
        \t</inbound>
        </policies>
        """),
      AuthorizationTests.crlf(
        """
        <policies>
        \t<inbound>
        \t\t<base />
        \t\t\(AuthorizationTests.mi)
        \t</inbound>
        </policies>
        """))
    #expect(result.removedKeyNamedValues == ["orders-func-key"])
    #expect(!string(result.output).contains("{{"))
  }

  @Test func aVariableReadElsewhereStaysAndIsReview() throws {
    let policy = MarkedPolicy(
      """
      <policies>
          <inbound>
              <base />
              /*variable*/<set-variable name="fnKey" value="{{orders-func-key}}" />
              <set-header name="x-functions-key"><value>@((string)context.Variables["fnKey"])</value></set-header>
              <send-one-way-request mode="new">
                  /*reader*/<set-url>https://audit.example/?k=@((string)context.Variables["fnKey"])</set-url>
              </send-one-way-request>
          </inbound>
      </policies>
      """)
    let result = try expectRewrite(
      policy.text,
      """
      <policies>
          <inbound>
              <base />
              \(AuthorizationTests.mi)
              <set-variable name="fnKey" value="{{orders-func-key}}" />
              <send-one-way-request mode="new">
                  <set-url>https://audit.example/?k=@((string)context.Variables["fnKey"])</set-url>
              </send-one-way-request>
          </inbound>
      </policies>
      """)
    let kept = try #require(result.findings.first { $0.rule == .keyVariable })
    #expect(kept.severity == .warning)
    #expect(kept.place == policy["variable"] && kept.message.contains("line \(policy["reader"].line)"))
    #expect(result.reviewCount == 1)
    // After the migration, check still reports the key in the variable.
    #expect(rules(try check(result.output)) == [.keyVariable])
  }

  @Test func aVariableOutsideTheSendRequestGoesWithItsInjection() throws {
    try expectRewrite(
      """
      <policies>
          <inbound>
              <set-variable name="auditKey" value="${audit_func_key}" />
              <base />
              <send-request mode="new" response-variable-name="r">
                  <set-url>https://audit.example/api/log</set-url>
                  <set-header name="x-functions-key"><value>@(context.Variables.GetValueOrDefault<string>("auditKey"))</value></set-header>
              </send-request>
          </inbound>
      </policies>
      """,
      """
      <policies>
          <inbound>
              <base />
              <send-request mode="new" response-variable-name="r">
                  <set-url>https://audit.example/api/log</set-url>
                  \(AuthorizationTests.mi)
              </send-request>
          </inbound>
      </policies>
      """)
  }

  @Test func aVariableFeedingAnInjectionLeftForReviewStays() throws {
    try AuthorizationTests().expectUnchanged(
      """
      <policies>
          <inbound>
              <base />
              <authentication-basic username="u" password="{{p}}" />
              <set-variable name="fnKey" value="{{orders-func-key}}" />
              <set-header name="x-functions-key"><value>@((string)context.Variables["fnKey"])</value></set-header>
          </inbound>
      </policies>
      """, [.authorizationWriter])
  }

  @Test func checkReportsAKeyVariableByItsNamedValue() throws {
    // Used by a key injection of the file.
    #expect(
      rules(
        try check(
          bytes(
            """
            <policies><inbound>
            <set-variable name="k" value="{{orders-secret}}" />
            <set-header name="x-functions-key"><value>@((string)context.Variables["k"])</value></set-header>
            </inbound></policies>
            """))) == [.keyVariable, .keyInjection])
    // Named like a function key, ignoring case and separators.
    for name in ["fn-key", "Orders_Func_Key", "FUNCTIONKEY", "my.fnKey"] {
      #expect(
        rules(
          try check(bytes("<policies><inbound><set-variable name=\"v\" value=\"{{\(name)}}\" /></inbound></policies>")))
          == [.keyVariable], "\(name)")
    }
    for name in ["EncryptionKey", "function-url", "fn-host"] {
      #expect(
        try check(bytes("<policies><inbound><set-variable name=\"v\" value=\"{{\(name)}}\" /></inbound></policies>"))
          .isEmpty, "\(name)")
    }
  }
}
