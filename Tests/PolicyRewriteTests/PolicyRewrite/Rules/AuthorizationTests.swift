import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// The Authorization header (`rewrite-spec.md` §2a): byte-exact golden rewrites, review items
/// and notes (keys copied into variables, §2b, are in `KeyVariableRuleTests`).
@Suite struct AuthorizationTests {
  static let mi = "<authentication-managed-identity resource=\"11111111-2222-3333-4444-555555555555\" />"

  /// `text` with every LF turned into CRLF.
  static func crlf(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "\r\n") }

  /// Rewrites `input`, expects it unchanged with exactly the findings `expected`, and returns them.
  @discardableResult
  func expectUnchanged(
    _ input: String, _ expected: [Rule], with configuration: RewriteConfiguration? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> RewriteResult {
    let result = try rewrite(input, with: configuration)
    expectBytes(result.output, bytes(input), "left for review", sourceLocation: sourceLocation)
    #expect(!result.changed, sourceLocation: sourceLocation)
    #expect(rules(result.findings) == expected, "\(result.findings)", sourceLocation: sourceLocation)
    return result
  }

  // MARK: Placement after readers and removers

  @Test func validateThenDeleteThenKeyPutsTheMIElementAfterTheDelete() throws {
    // The pattern of the report: validate the caller's JWT, strip it, inject the key.
    let result = try expectRewrite(
      """
      <policies>
          <inbound>
              <base />
              <validate-jwt header-name="Authorization" failed-validation-httpcode="401">
                  <openid-config url="https://login.example/.well-known/openid-configuration" />
              </validate-jwt>
              <set-header name="Authorization" exists-action="delete" />
              <set-header name="x-functions-key" exists-action="override">
                  <value>{{fn-key}}</value>
              </set-header>
          </inbound>
      </policies>
      """,
      """
      <policies>
          <inbound>
              <base />
              <validate-jwt header-name="Authorization" failed-validation-httpcode="401">
                  <openid-config url="https://login.example/.well-known/openid-configuration" />
              </validate-jwt>
              <set-header name="Authorization" exists-action="delete" />
              \(Self.mi)
          </inbound>
      </policies>
      """)
    #expect(result.findings.isEmpty, "a remover follows the reader: no note")
  }

  @Test func aReaderAfterTheKeyMovesTheMIElementAfterItWithANoteInCRLF() throws {
    let policy = MarkedPolicy(
      """
      <policies>
          <inbound>
              <base />
              /*key*/<set-header name="x-functions-key" exists-action="override">
                  <value>{{fn-key}}</value>
              </set-header>
              /*reader*/<validate-jwt header-name="AUTHORIZATION" failed-validation-httpcode="401">
                  <openid-config url="https://login.example/.well-known/openid-configuration" />
              </validate-jwt>
              <set-backend-service backend-id="fn" />
          </inbound>
      </policies>

      """)
    let result = try expectRewrite(
      Self.crlf(policy.text),
      Self.crlf(
        """
        <policies>
            <inbound>
                <base />
                <validate-jwt header-name="AUTHORIZATION" failed-validation-httpcode="401">
                    <openid-config url="https://login.example/.well-known/openid-configuration" />
                </validate-jwt>
                \(Self.mi)
                <set-backend-service backend-id="fn" />
            </inbound>
        </policies>

        """))
    let note = try #require(result.findings.first)
    #expect(rules(result.findings) == [.authorizationTokenReplaced])
    #expect(note.severity == .note)
    #expect(note.place == policy["key"])
    #expect(
      note.message.contains("line \(policy["reader"].line)") && note.message.contains("line \(policy["key"].line)"))
    #expect(note.message.contains("X-Caller-Authorization") && !note.message.contains("--output-token-variable-name"))
  }

  @Test func aChooseHoldingAReaderTakesTheMIElementAfterItTabIndented() throws {
    try expectRewrite(
      """
      <policies>
      \t<inbound>
      \t\t<base/>
      \t\t<set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
      \t\t<choose>
      \t\t\t<when condition="@(context.Request.Method != "OPTIONS")">
      \t\t\t\t<check-header name="authorization" failed-check-httpcode="401" failed-check-error-message="no" />
      \t\t\t</when>
      \t\t</choose>
      \t\t<set-header name="Authorization" exists-action="delete"/>
      \t\t<rate-limit calls="5" renewal-period="1"/>
      \t</inbound>
      </policies>
      """,
      """
      <policies>
      \t<inbound>
      \t\t<base/>
      \t\t<choose>
      \t\t\t<when condition="@(context.Request.Method != "OPTIONS")">
      \t\t\t\t<check-header name="authorization" failed-check-httpcode="401" failed-check-error-message="no" />
      \t\t\t</when>
      \t\t</choose>
      \t\t<set-header name="Authorization" exists-action="delete"/>
      \t\t<authentication-managed-identity resource="11111111-2222-3333-4444-555555555555"/>
      \t\t<rate-limit calls="5" renewal-period="1"/>
      \t</inbound>
      </policies>
      """)
  }

  @Test(arguments: [
    // rawxml: the expression's quotes stand unescaped in the attribute.
    #"<set-variable name="t" value="@(context.Request.Headers["authorization"].First())" />"#,
    // The escaped xml form.
    #"<set-variable name="t" value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;))" />"#,
    // An expression in text.
    #"<set-body>@(context.Request.Headers.GetValueOrDefault("Authorization", ""))</set-body>"#,
    #"<log-to-eventhub logger-id="l">@{ return context.Request.Headers.ContainsKey("Authorization") ? "y" : "n"; }</log-to-eventhub>"#,
    #"<validate-azure-ad-token tenant-id="{{tenant}}" />"#,
    #"<validate-azure-ad-token tenant-id="t" header-name="authorization" />"#,
    #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false"><vary-by-header>Authorization</vary-by-header></cache-lookup>"#,
  ])
  func expressionAndOtherReadersCount(reader: String) throws {
    let result = try expectRewrite(
      """
      <policies>
          <inbound>
              <base />
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
              \(reader)
              <rewrite-uri template="/x" />
          </inbound>
      </policies>
      """,
      """
      <policies>
          <inbound>
              <base />
              \(reader)
              \(Self.mi)
              <rewrite-uri template="/x" />
          </inbound>
      </policies>
      """)
    #expect(rules(result.findings) == [.authorizationTokenReplaced])
  }

  @Test(arguments: [
    #"<cors><allowed-headers><header>Authorization</header></allowed-headers><expose-headers><header>Authorization</header></expose-headers></cors>"#,
    #"<!-- <validate-jwt header-name="Authorization" /> -->"#,
    #"<send-request mode="new" response-variable-name="r"><set-url>https://x.example</set-url><set-header name="Authorization" exists-action="override"><value>Bearer {{partner-token}}</value></set-header><authentication-basic username="u" password="p" /></send-request>"#,
    #"<return-response><set-header name="Authorization" exists-action="override"><value>none</value></set-header></return-response>"#,
    #"<set-header name="x-note"><value>"Authorization"</value></set-header>"#,
    #"<set-variable name="n" value="@(context.Variables.GetValueOrDefault("x") == "Authorization-free")" />"#,
    #"<validate-azure-ad-token tenant-id="t" query-parameter-name="token" />"#,
    #"<validate-jwt header-name="X-Token" />"#,
  ])
  func notTouchesLeaveTheMIElementAfterBase(other: String) throws {
    let result = try expectRewrite(
      """
      <policies>
          <inbound>
              <base />
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
              \(other)
          </inbound>
      </policies>
      """,
      """
      <policies>
          <inbound>
              <base />
              \(Self.mi)
              \(other)
          </inbound>
      </policies>
      """)
    #expect(result.findings.isEmpty, "\(result.findings)")
  }

  @Test func aReaderBeforeBaseDoesNotMoveTheMIElement() throws {
    let result = try expectRewrite(
      """
      <policies>
          <inbound>
              <check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="no" />
              <base />
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
          </inbound>
      </policies>
      """,
      """
      <policies>
          <inbound>
              <check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="no" />
              <base />
              \(Self.mi)
          </inbound>
      </policies>
      """)
    #expect(rules(result.findings) == [.authorizationTokenReplaced])
  }

  // MARK: Review

  @Test func aNestedInjectionWithALaterRemoverIsReview() throws {
    let policy = MarkedPolicy(
      """
      <policies>
          <inbound>
              <base />
              <choose>
                  <when condition="@(true)">
                      /*a*/<set-header name="x-functions-key"><value>{{a-key}}</value></set-header>
                  </when>
                  <otherwise>
                      /*b*/<set-header name="x-functions-key"><value>{{b-key}}</value></set-header>
                  </otherwise>
              </choose>
              /*remover*/<set-header name="Authorization" exists-action="delete" />
          </inbound>
      </policies>
      """)
    let result = try expectUnchanged(
      policy.text, [.authorizationReaderAfterManagedIdentity, .authorizationReaderAfterManagedIdentity])
    #expect(result.findings.map(\.place) == [policy["a"], policy["b"]])
    #expect(
      result.findings[1].message.contains("line \(policy["b"].line)")
        && result.findings[1].message.contains("line \(policy["remover"].line)"))
    #expect(result.findings[1].message.contains("removes"))
  }

  @Test func aNestedInjectionAfterTheReaderIsReplacedInPlaceWithANote() throws {
    let result = try expectRewrite(
      """
      <policies>
          <inbound>
              <base />
              <validate-jwt header-name="Authorization" />
              <choose>
                  <when condition="@(true)">
                      <set-header name="x-functions-key"><value>{{a-key}}</value></set-header>
                  </when>
              </choose>
          </inbound>
      </policies>
      """,
      """
      <policies>
          <inbound>
              <base />
              <validate-jwt header-name="Authorization" />
              <choose>
                  <when condition="@(true)">
                      \(Self.mi)
                  </when>
              </choose>
          </inbound>
      </policies>
      """)
    #expect(rules(result.findings) == [.authorizationTokenReplaced])
  }

  @Test func aFragmentWithAReaderAfterItsInjectionIsReview() throws {
    try expectUnchanged(
      """
      <fragment>
      \t<set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
      \t<validate-jwt header-name="Authorization" />
      </fragment>
      """, [.authorizationReaderAfterManagedIdentity])
  }

  @Test func anMIElementAlreadyInPlaceOnlyLosesTheInjection() throws {
    let result = try expectRewrite(
      """
      <policies>
          <inbound>
              <base />
              \(Self.mi)
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
              <validate-jwt header-name="Authorization" />
          </inbound>
      </policies>
      """,
      """
      <policies>
          <inbound>
              <base />
              \(Self.mi)
              <validate-jwt header-name="Authorization" />
          </inbound>
      </policies>
      """)
    #expect(result.findings.isEmpty)
  }

  // MARK: Fragments among the scanned files

  @Test func anIncludedFragmentCountsAsWhatItDoes() throws {
    let input = """
      <policies>
          <inbound>
              <base />
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
              <include-fragment fragment-id="jwt-check" />
          </inbound>
      </policies>
      """
    var configuration = try makeConfiguration()
    // Not among the scanned files: assumed not to touch the header.
    try expectRewrite(
      input,
      """
      <policies>
          <inbound>
              <base />
              \(Self.mi)
              <include-fragment fragment-id="jwt-check" />
          </inbound>
      </policies>
      """, with: configuration)
    configuration.authorizationFragments = ["jwt-check": [.reads, .removes]]
    try expectRewrite(
      input,
      """
      <policies>
          <inbound>
              <base />
              <include-fragment fragment-id="jwt-check" />
              \(Self.mi)
          </inbound>
      </policies>
      """, with: configuration)
    configuration.authorizationFragments = ["jwt-check": .writes]
    try expectUnchanged(input, [.authorizationWriter], with: configuration)
  }

  @Test func aFragmentsUseIsWhatItsDocumentDoes() throws {
    func use(_ text: String) throws -> AuthorizationUse? {
      PolicyRewriter.authorizationUse(ofFragment: bytes(text))
    }
    #expect(try use("<fragment><validate-jwt header-name=\"Authorization\" /></fragment>") == .reads)
    #expect(
      try use("<fragment><set-header name=\"Authorization\" exists-action=\"delete\" /><base /></fragment>")
        == .removes)
    #expect(try use("<fragment><authentication-basic username=\"u\" password=\"p\" /></fragment>") == .writes)
    #expect(try use("<fragment><rate-limit calls=\"1\" renewal-period=\"1\" /></fragment>") == [])
    #expect(try use("<policies><inbound><validate-jwt header-name=\"Authorization\" /></inbound></policies>") == nil)
  }

}
