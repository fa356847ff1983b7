import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// The Authorization header, second round (`rewrite-spec.md` §2a, §2c): readers inside a
/// `send-request` and a `return-response`, copy mode, `cache-lookup`, possible readers,
/// branches, other backends, Terraform directives, and the wording of the notes. Each test
/// names the runtime failure it keeps from happening.
@Suite struct AuthorizationRoundTwoTests {
  static let mi = AuthorizationTests.mi

  /// A policy whose `<inbound>` holds `body` after `<base />`, indented by eight spaces.
  static func policy(_ body: String) -> String {
    let indented = body.split(separator: "\n", omittingEmptySubsequences: false).map { "        " + $0 }
      .joined(separator: "\n")
    return "<policies>\n    <inbound>\n        <base />\n\(indented)\n    </inbound>\n</policies>\n"
  }

  static let key = """
    <set-header name="x-functions-key" exists-action="override">
        <value>{{fn-key}}</value>
    </set-header>
    """

  /// Rewrites `input`, expects it unchanged, and returns the findings.
  @discardableResult
  func expectUnchanged(
    _ input: String, path: String = TestSupport.path, with configuration: RewriteConfiguration? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> [Finding] {
    let result = try rewrite(input, path: path, with: configuration)
    expectBytes(result.output, bytes(input), "left for review", sourceLocation: sourceLocation)
    #expect(!result.changed, sourceLocation: sourceLocation)
    return result.findings
  }

  // MARK: 1-3, 6: readers the first round did not see

  @Test func sendRequestForwardingCallerTokenIsAReaderSoTheSideCallKeepsTheCallersToken() throws {
    let request = """
      <send-request mode="new" response-variable-name="userinfo">
          <set-url>https://login.example/userinfo</set-url>
          <set-header name="Authorization" exists-action="override">
              <value>@(context.Request.Headers.GetValueOrDefault("Authorization",""))</value>
          </set-header>
      </send-request>
      """
    let result = try expectRewrite(Self.policy(Self.key + "\n" + request), Self.policy(request + "\n" + Self.mi))
    #expect(rules(result.findings) == [.authorizationTokenReplaced], "\(result.findings)")
  }

  @Test func sendRequestCopyModeIsAReaderSoTheThirdPartyDoesNotGetAPIMsToken() throws {
    let request = """
      <send-request mode="copy" response-variable-name="audit">
          <set-url>https://audit.example/log</set-url>
      </send-request>
      """
    try expectRewrite(Self.policy(Self.key + "\n" + request), Self.policy(request + "\n" + Self.mi))
  }

  @Test func returnResponseEchoingAuthorizationIsAReaderSoTheCallerSeesItsOwnToken() throws {
    let choose = """
      <choose>
          <when condition="@(context.Request.Url.Query.ContainsKey(&quot;echo&quot;))">
              <return-response>
                  <set-body>@(context.Request.Headers.GetValueOrDefault("Authorization",""))</set-body>
              </return-response>
          </when>
      </choose>
      """
    try expectRewrite(Self.policy(Self.key + "\n" + choose), Self.policy(choose + "\n" + Self.mi))
  }

  @Test func cacheLookupWithoutVaryByHeaderIsAReaderSoCachingIsNotChangedByAPIMsToken() throws {
    let cache = #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" />"#
    try expectRewrite(Self.policy(Self.key + "\n" + cache), Self.policy(cache + "\n" + Self.mi))
  }

  // MARK: 5: possible readers

  @Test(arguments: [
    #"<validate-jwt header-name="{{jwt-header-name}}" failed-validation-httpcode="401" />"#,
    #"<validate-jwt header-name="@((string)context.Variables[&quot;h&quot;])" />"#,
    #"<validate-azure-ad-token tenant-id="t" header-name="{{aad-header}}" />"#,
    #"<check-header name="{{checked-header}}" failed-check-httpcode="401" failed-check-error-message="no" />"#,
  ])
  func namedValueHeaderNameIsAPossibleReaderSoAResolvedAuthorizationIsNotA401(reader: String) throws {
    let policy = MarkedPolicy(Self.policy(Self.key + "\n/*reader*/" + reader))
    let result = try expectRewrite(policy.text, Self.policy(reader + "\n" + Self.mi))
    #expect(rules(result.findings) == [.authorizationPossibleReader], "\(result.findings)")
    #expect(
      result.findings.first?.message.contains("line \(policy["reader"].line)") == true, "\(result.findings)")
  }

  @Test func aPossibleReaderAfterANestedInjectionIsReview() throws {
    let input = Self.policy(
      """
      <choose>
          <when condition="@(true)">
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
          </when>
      </choose>
      <validate-jwt header-name="{{jwt-header-name}}" />
      """)
    #expect(rules(try expectUnchanged(input)) == [.authorizationReaderAfterManagedIdentity])
  }

  // MARK: 4: a branch that reaches another backend

  @Test func aBranchToANonFunctionBackendIsReviewSoTheLegacyAPIKeepsTheCallersToken() throws {
    let policy = MarkedPolicy(
      Self.policy(
        Self.key + "\n"
          + """
          <choose>
              <when condition="@(context.Request.Headers.ContainsKey(&quot;X-Legacy&quot;))">
                  /*legacy*/<set-backend-service base-url="https://legacy-api.contoso.example" />
              </when>
              <otherwise>
                  <set-backend-service backend-id="orders-func" />
              </otherwise>
          </choose>
          """))
    let findings = try expectUnchanged(policy.text)
    #expect(rules(findings) == [.authorizationOtherBackend], "\(findings)")
    #expect(findings.first?.message.contains("line \(policy["legacy"].line)") == true, "\(findings)")
  }

  @Test func branchesThatAllReachFunctionAppsAreNotReview() throws {
    let choose = """
      <choose>
          <when condition="@(true)">
              <set-backend-service base-url="https://orders-func-eu.azurewebsites.net/api" />
          </when>
          <otherwise>
              <set-backend-service backend-id="orders-func" />
          </otherwise>
      </choose>
      """
    try expectRewrite(Self.policy(Self.key + "\n" + choose), Self.policy(Self.mi + "\n" + choose))
  }

  // MARK: 7: a skip injection after an override

  @Test func aNestedSkipAfterAnOverrideIsReviewSoTheSecondAudienceDoesNotOverwriteTheToken() throws {
    let policy = MarkedPolicy(
      Self.policy(
        "/*override*/" + Self.key + "\n"
          + """
          <choose>
              <when condition="@(true)">
                  /*skip*/<set-header name="X-Functions-Key" exists-action="skip"><value>{{other-func-key}}</value></set-header>
              </when>
          </choose>
          """))
    let configuration = try makeConfiguration(byNamedValue: ["other-func-key": TestSupport.otherGUID])
    let findings = try expectUnchanged(policy.text, with: configuration)
    #expect(rules(findings).allSatisfy { $0 == .skippedKeyInjection } && !findings.isEmpty, "\(findings)")
    #expect(
      findings.contains {
        $0.place == policy["skip"] && $0.message.contains("line \(policy["override"].line)")
      }, "\(findings)")
  }

  // MARK: 11, 12: mutually exclusive branches

  @Test func aReaderInTheOtherBranchNeverRunsAfterTheMIElementSoNoReview() throws {
    let input = Self.policy(
      """
      <choose>
          <when condition="@(context.Request.Headers.ContainsKey(&quot;X-Internal&quot;))">
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
          </when>
          <otherwise>
              <validate-jwt header-name="Authorization" />
          </otherwise>
      </choose>
      """)
    let expected = input.replacingOccurrences(
      of: #"<set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>"#, with: Self.mi)
    let result = try expectRewrite(input, expected)
    #expect(result.findings.isEmpty, "\(result.findings)")
  }

  @Test func anMIElementWithTheSameResourceInAnotherBranchWritesTheSameTokenSoItIsNotAWriter() throws {
    let input = Self.policy(
      """
      <choose>
          <when condition="@(true)">
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
          </when>
          <otherwise>
              \(Self.mi)
          </otherwise>
      </choose>
      """)
    let expected = input.replacingOccurrences(
      of: #"<set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>"#, with: Self.mi)
    let result = try expectRewrite(input, expected)
    #expect(result.findings.isEmpty, "\(result.findings)")
  }

  // MARK: 13, 14: words

  @Test func theTokenReplacedNoteAdvisesCopyingTheCallersTokenBeforeTheMIElement() throws {
    let reader = #"<validate-jwt header-name="Authorization" />"#
    let input = Self.policy(reader + "\n" + Self.key)
    let plain = try rewrite(input).findings.first { $0.rule == .authorizationTokenReplaced }
    let message = try #require(plain?.message)
    #expect(message.contains("X-Caller-Authorization") && message.contains("before"), "\(message)")
    #expect(!message.contains("migrate with --output-token-variable-name"), "\(message)")
    let configuration = try makeConfiguration(outputTokenVariableName: "apimToken")
    let withOption = try rewrite(input, with: configuration).findings.first { $0.rule == .authorizationTokenReplaced }
    let optionMessage = try #require(withOption?.message)
    #expect(optionMessage.contains("does not keep the caller's token"), "\(optionMessage)")
    #expect(!optionMessage.contains("migrate with --output-token-variable-name"), "\(optionMessage)")
  }

  @Test(arguments: ["outbound", "on-error"])
  func aKeyInOutboundLeaksTheKeyToCallersAndShouldBeRemoved(section: String) throws {
    let input = """
      <policies>
          <inbound><base /></inbound>
          <\(section)>
              <set-header name="x-functions-key" exists-action="override"><value>{{fn-key}}</value></set-header>
          </\(section)>
      </policies>
      """
    let findings = try expectUnchanged(input)
    #expect(rules(findings) == [.keyOutsideInbound])
    let message = findings.first?.message ?? ""
    #expect(message.contains("leaks the key to callers") && message.contains("remove"), "\(message)")
    #expect(!message.contains("migrate it by hand"), "\(message)")
  }

  // MARK: 16: workspace scope

  @Test func aWorkspaceScopePolicyGetsANoteThatTheReferenceListsNoWorkspaceScope() throws {
    let input = Self.policy(Self.key)
    let result = try rewrite(input, path: "workspaces/team-a/apis/orders/policy.xml")
    #expect(result.changed)
    #expect(rules(result.findings) == [.workspaceScope], "\(result.findings)")
    let terraform = MarkedPolicy(
      """
      resource "azurerm_api_management_workspace_policy" "team" {
        xml_content = <<XML
      \(Self.policy("/*key*/" + Self.key))XML
      }

      """)
    let embedded = try rewrite(terraform.text, path: "infra/workspace.tf")
    #expect(embedded.changed)
    #expect(rules(embedded.findings) == [.workspaceScope], "\(embedded.findings)")
    #expect(embedded.findings.first?.place == terraform["key"], "\(embedded.findings)")
    #expect(try rewrite(input).findings.isEmpty)
  }

  // MARK: 8: Terraform directives

  /// A Terraform policy whose key injection stands in an `%{ if }` directive after a reader.
  static let directivePolicy = MarkedPolicy(
    """
    resource "azurerm_api_management_api_policy" "orders" {
      api_name            = "orders"
      api_management_name = "apim"
      resource_group_name = "rg"
      xml_content         = <<XML
    /*policies*/<policies>
      <inbound>
        <base />
        /*reader*/<validate-jwt header-name="Authorization" failed-validation-httpcode="401">
          <openid-config url="https://login.example/.well-known/openid-configuration" />
        </validate-jwt>
    %{ if var.use_key }
        /*key*/<set-header name="x-functions-key" exists-action="override">
          <value>{{orders-func-key}}</value>
        </set-header>
    %{ endif }
      </inbound>
    </policies>
    XML
    }

    """)

  static var directive: String { directivePolicy.text }

  @Test func anInjectionInsideAnIfDirectiveIsReplacedInPlaceSoTheTokenStaysConditional() throws {
    let expected = Self.directive.replacingOccurrences(
      of: """
            <set-header name="x-functions-key" exists-action="override">
              <value>{{orders-func-key}}</value>
            </set-header>
        """,
      with: "    \(Self.mi)")
    #expect(expected != Self.directive)
    let result = try expectRewrite(Self.directive, expected, path: "infra/orders.tf")
    let note = try #require(result.findings.first { $0.rule == .authorizationTokenReplaced })
    let (reader, key) = (Self.directivePolicy["reader"], Self.directivePolicy["key"])
    #expect(note.place == key, "\(note)")
    #expect(
      note.message.contains("line \(reader.line)") && note.message.contains("line \(key.line)"), "\(note.message)")
    // Not the lines within the policy text.
    let first = Self.directivePolicy["policies"].line
    #expect(
      !note.message.contains("line \(reader.line - first + 1) ")
        && !note.message.contains("line \(key.line - first + 1)"),
      "\(note.message)")
  }

  @Test func aDirectiveInjectionWithAnotherOutsideTheDirectiveIsReview() throws {
    let input = Self.directive.replacingOccurrences(
      of: "    <base />\n",
      with: "    <base />\n    <set-header name=\"x-functions-key\"><value>{{orders-func-key}}</value></set-header>\n")
    let findings = try expectUnchanged(input, path: "infra/orders.tf")
    #expect(rules(findings) == [.templateDirective, .templateDirective], "\(findings)")
  }

  @Test func directiveRegionsTellBranchesApartAndSkipEscapes() {
    let text = "A %{ if x }B%{ else }C%{ endif } D %%{ if y } E %{~ for i in l ~}F%{ endfor }"
    let directives = TemplateDirectives(bytes(text))
    #expect(directives.directives.count == 5)
    func region(_ marker: Character) -> Int {
      directives.region(at: text.utf8.count - text.drop { $0 != marker }.utf8.count)
    }
    #expect(region("A") == 0 && region("D") == 0 && region("E") == 0)
    #expect(region("B") != 0 && region("C") != 0 && region("F") != 0)
    #expect(Set([region("B"), region("C"), region("F")]).count == 3)
  }

  @Test func anInjectionInsideAForDirectiveIsReplacedInPlace() throws {
    let input = Self.policy(
      """
      %{ for h in var.hosts ~}
      <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
      %{ endfor ~}
      """)
    let expected = input.replacingOccurrences(
      of: #"<set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>"#, with: Self.mi)
    try expectRewrite(input, expected, path: "apis/test/policy.xml.tftpl")
  }
}
