import Foundation
import Testing

@testable import PolicyRewrite

/// What a parent scope does decides a child's injections (`rewrite-spec.md` §2a, §2c):
/// readers in the parent's later sections, and a parent's other backend against a child that
/// sets a Function App backend in every branch of a `choose`. Each test names the runtime
/// failure it keeps from happening, or the review it no longer asks for.
@Suite struct AuthorizationParentScopeTests {
  static let key =
    #"<set-header name="x-functions-key" exists-action="override"><value>{{fn-key}}</value></set-header>"#
  static let function = #"<set-backend-service base-url="https://a-func.azurewebsites.net/api" />"#
  static let legacy = #"<set-backend-service base-url="https://legacy.contoso.com" />"#

  /// A child policy whose `<inbound>` holds `body` (lines) after `<base />`.
  static func child(_ body: [String], beforeBase: [String] = []) -> String {
    let lines = beforeBase + ["<base />"] + body
    return "<policies>\n    <inbound>\n" + lines.map { "        " + $0 + "\n" }.joined()
      + "    </inbound>\n</policies>\n"
  }

  /// A configuration whose parent `apis/a/policy.xml` sends some requests to another backend.
  static func routingParent() throws -> RewriteConfiguration {
    var configuration = try makeConfiguration()
    configuration.authorizationParentBackends[TestSupport.path] = ["apis/a/policy.xml"]
    return configuration
  }

  /// The rules of the findings of `input` rewritten below a parent that routes elsewhere.
  static func rules(_ input: String) throws -> (changed: Bool, rules: [Rule?]) {
    let result = try rewrite(input, with: routingParent())
    return (result.changed, result.findings.map(\.rule))
  }

  @Test("a choose that sets the Function App in its when and its otherwise covers every request: rewritten")
  func choiceWithFunctionAppInEveryBranchIsRewritten() throws {
    let input = Self.child([
      Self.key, "<choose>", #"<when condition="@(true)">\#(Self.function)</when>"#,
      "<otherwise>\(Self.function)</otherwise>", "</choose>",
    ])
    let result = try rewrite(input, with: Self.routingParent())
    #expect(result.changed, "\(result.findings)")
    #expect(!result.findings.contains { $0.rule == .authorizationOtherBackend }, "\(result.findings)")
  }

  @Test("a nested choose that covers its branch counts for that branch: rewritten")
  func nestedChoiceInTheOtherwiseIsRewritten() throws {
    let input = Self.child([
      Self.key, "<choose>", #"<when condition="@(true)">\#(Self.function)</when>"#,
      #"<otherwise><choose><when condition="@(false)">\#(Self.function)</when><otherwise>\#(Self.function)</otherwise></choose></otherwise>"#,
      "</choose>",
    ])
    #expect(try Self.rules(input).changed)
  }

  @Test(
    "requests that no branch routes would take APIM's token to the parent's other backend: held",
    arguments: [
      // No otherwise: the requests no when takes keep the parent's backend.
      [#"<choose><when condition="@(true)">\#(AuthorizationParentScopeTests.function)</when></choose>"#],
      // The otherwise routes elsewhere.
      [
        #"<choose><when condition="@(true)">\#(AuthorizationParentScopeTests.function)</when><otherwise>\#(AuthorizationParentScopeTests.legacy)</otherwise></choose>"#
      ],
      // A branch sets nothing.
      [
        #"<choose><when condition="@(true)">\#(AuthorizationParentScopeTests.function)</when><otherwise><rate-limit calls="1" renewal-period="1" /></otherwise></choose>"#
      ],
      // A later branch to another host: this policy's own other backend.
      [
        #"<choose><when condition="@(true)">\#(AuthorizationParentScopeTests.function)</when><otherwise>\#(AuthorizationParentScopeTests.function)</otherwise></choose>"#,
        #"<choose><when condition="@(false)">\#(AuthorizationParentScopeTests.legacy)</when></choose>"#,
      ],
      // A later top-level backend to another host wins over the choice.
      [
        #"<choose><when condition="@(true)">\#(AuthorizationParentScopeTests.function)</when><otherwise>\#(AuthorizationParentScopeTests.function)</otherwise></choose>"#,
        AuthorizationParentScopeTests.legacy,
      ],
    ])
  func choiceThatMissesSomeRequestsIsHeld(body: [String]) throws {
    let (changed, rules) = try Self.rules(Self.child([Self.key] + body))
    #expect(!changed)
    #expect(rules.contains(.authorizationOtherBackend), "\(rules)")
  }

  @Test("a covering choose before <base /> is undone by the parent's backend set at <base />: held")
  func choiceBeforeBaseIsHeld() throws {
    let input = Self.child(
      [Self.key],
      beforeBase: [
        #"<choose><when condition="@(true)">\#(Self.function)</when><otherwise>\#(Self.function)</otherwise></choose>"#
      ])
    let (changed, rules) = try Self.rules(input)
    #expect(!changed)
    #expect(rules.contains(.authorizationOtherBackend), "\(rules)")
  }

  @Test("a parent's <outbound> that logs Authorization would log APIM's token: the child's key after <base /> is held")
  func parentLaterSectionReaderHoldsTheKeyAfterBase() throws {
    var configuration = try makeConfiguration()
    configuration.authorizationParentLaterReaders[TestSupport.path] = ["policy.xml"]
    let input = Self.child([Self.key])
    let result = try rewrite(input, with: configuration)
    #expect(!result.changed)
    let finding = try #require(result.findings.first { $0.rule == .authorizationParentScope })
    #expect(
      finding.message.contains("policy.xml, a parent scope, reads the request's Authorization header in <backend>"))
  }

  @Test("a parent's later-section reader holds the child's nested key before <base /> too")
  func parentLaterSectionReaderHoldsANestedKeyBeforeBase() throws {
    var configuration = try makeConfiguration()
    configuration.authorizationParentLaterReaders[TestSupport.path] = ["policy.xml"]
    let input = Self.child(
      [], beforeBase: [#"<choose><when condition="@(true)">\#(Self.key)</when></choose>"#])
    let result = try rewrite(input, with: configuration)
    #expect(!result.changed)
    #expect(result.findings.contains { $0.rule == .authorizationParentScope }, "\(result.findings)")
  }

  @Test("a key in a send-request is not the request's header: a parent's later-section reader does not hold it")
  func parentLaterSectionReaderLeavesASendRequestKey() throws {
    var configuration = try makeConfiguration()
    configuration.authorizationParentLaterReaders[TestSupport.path] = ["policy.xml"]
    let input = Self.child([
      #"<send-request mode="new" response-variable-name="r"><set-url>https://a-func.azurewebsites.net/api/x</set-url>\#(Self.key)</send-request>"#
    ])
    let result = try rewrite(input, with: configuration)
    #expect(result.changed, "\(result.findings)")
  }
}
