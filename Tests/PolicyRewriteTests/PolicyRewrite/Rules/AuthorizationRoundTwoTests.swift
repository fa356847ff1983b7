import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// The Authorization header, second round (`rewrite-spec.md` §2a, §2c): readers inside a
/// `send-request` and a `return-response`, copy mode, `cache-lookup`, branches, and the wording
/// of the notes. Each test names the runtime failure it keeps from happening. The items of §2c
/// that are one rule each have their rule's file (`AuthorizationPossibleReaderTests`,
/// `AuthorizationOtherBackendTests`, `SkippedKeyInjectionTests`, `WorkspaceScopeTests`,
/// `TemplateDirectiveRuleTests`), which use this suite's fixtures.
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

}
