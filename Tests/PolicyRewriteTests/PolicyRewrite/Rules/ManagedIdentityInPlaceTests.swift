import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// An MI element with the key's resource already in place stands for the key only when its
/// token reaches the backend (`rewrite-spec.md` §2a, §2b): a remover or another writer of
/// `Authorization` after it, or a child scope that touches the header after its `<base />`,
/// holds the key for review. Removing the key there would leave the Function App with
/// neither key nor token (401).
@Suite struct ManagedIdentityInPlaceTests {
  static let mi = AuthorizationTests.mi

  @Test func aRemoverAfterTheMIElementInPlaceHoldsTheKeyNotA401WithNoCredential() throws {
    let policy = MarkedPolicy(
      """
      <policies>
          <inbound>
              <base />
              \(Self.mi)
              /*remover*/<set-header name="Authorization" exists-action="delete" />
              /*key*/<set-header name="x-functions-key" exists-action="override">
                  <value>{{fn-key}}</value>
              </set-header>
          </inbound>
      </policies>
      """)
    let result = try AuthorizationTests().expectUnchanged(policy.text, [.authorizationReaderAfterManagedIdentity])
    let finding = try #require(result.findings.first)
    #expect(finding.place == policy["key"])
    #expect(
      finding.message.contains("already here") && finding.message.contains("line \(policy["remover"].line)")
        && finding.message.contains("neither key nor token"), "\(finding.message)")
  }

  @Test func aRemoverAfterTheKeyAndTheMIElementInPlaceHoldsTheKeyToo() throws {
    try AuthorizationTests().expectUnchanged(
      """
      <policies>
          <inbound>
              <base />
              \(Self.mi)
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
              <set-header name="authorization" exists-action="delete" />
          </inbound>
      </policies>
      """, [.authorizationReaderAfterManagedIdentity])
  }

  @Test func anotherWriterAfterTheMIElementInPlaceHoldsTheKeyNotA401WithABasicCredential() throws {
    let policy = MarkedPolicy(
      """
      <policies>
          <inbound>
              <base />
              \(Self.mi)
              /*key*/<set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
              /*writer*/<authentication-basic username="u" password="{{p}}" />
          </inbound>
      </policies>
      """)
    let result = try AuthorizationTests().expectUnchanged(policy.text, [.authorizationWriter])
    #expect(result.findings.first?.message.contains("line \(policy["writer"].line)") == true)
  }

  @Test func aRemoverInPlaceOfANestedMIElementHoldsTheNestedKey() throws {
    try AuthorizationTests().expectUnchanged(
      """
      <policies>
          <inbound>
              <base />
              <choose>
                  <when condition="@(true)">
                      \(Self.mi)
                      <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
                  </when>
              </choose>
              <set-header name="Authorization" exists-action="delete" />
          </inbound>
      </policies>
      """, [.authorizationReaderAfterManagedIdentity])
  }

  @Test func aChildScopeAfterBaseHoldsTheKeyBesideAnMIElementInPlace() throws {
    var configuration = try makeConfiguration()
    configuration.authorizationChildScopes = [TestSupport.path: ["apis/test/operations/get/policy.xml"]]
    let result = try AuthorizationTests().expectUnchanged(
      """
      <policies>
          <inbound>
              <base />
              \(Self.mi)
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
          </inbound>
      </policies>
      """, [.authorizationChildScope], with: configuration)
    #expect(result.findings.first?.message.contains("apis/test/operations/get/policy.xml") == true)
  }

  /// Rewrites an `<inbound>` of `<base />`, `elements` (one a line) and a key: the key goes
  /// and `elements` stay as they are (the MI element in place stands for the key).
  func expectKeyRemovedAfter(_ elements: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let lines = elements.joined(separator: "\n        ")
    try expectRewrite(
      """
      <policies>
          <inbound>
              <base />
              \(lines)
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
          </inbound>
      </policies>
      """,
      """
      <policies>
          <inbound>
              <base />
              \(lines)
          </inbound>
      </policies>
      """, sourceLocation: sourceLocation)
  }

  @Test func theSameTokenSetAgainAfterTheRemoverStillStandsForTheKey() throws {
    try expectKeyRemovedAfter([Self.mi, #"<set-header name="Authorization" exists-action="delete" />"#, Self.mi])
  }

  /// A policy template (`.tftpl`) whose `<inbound>` holds `body` after `<base />`.
  static func template(_ body: String) -> String {
    "<policies>\n    <inbound>\n        <base />\n\(body)    </inbound>\n</policies>\n"
  }

  @Test(
    "an MI element in place inside a %{ if } or %{ for } the key is not in was taken for the key's: 401 when not rendered",
    arguments: ["if var.use_mi", "for b in var.backends"])
  func anMIElementInPlaceInADirectiveBranchTheKeyIsNotInHoldsTheKey(directive: String) throws {
    let end = directive.hasPrefix("if") ? "endif" : "endfor"
    let policy = MarkedPolicy(
      Self.template(
        """
        %{ \(directive) }
                /*mi*/\(Self.mi)
        %{ \(end) }
                /*key*/<set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>

        """))
    let result = try rewrite(policy.text, path: "policy.xml.tftpl")
    #expect(!result.changed, "\(String(decoding: result.output, as: UTF8.self))")
    #expect(rules(result.findings) == [.templateDirective], "\(result.findings)")
    #expect(result.findings.first?.place == policy["key"])
    #expect(result.findings.first?.message.contains("at line \(policy["mi"].line) already here") == true)
  }

  @Test func anMIElementInPlaceInTheKeysOwnBranchOrOutsideEveryDirectiveStandsForIt() throws {
    let key = "        <set-header name=\"x-functions-key\"><value>{{fn-key}}</value></set-header>\n"
    let inBranch = Self.template("%{ if var.x }\n        \(Self.mi)\n\(key)%{ endif }\n")
    try expectRewrite(
      inBranch, inBranch.replacingOccurrences(of: key, with: ""), path: "policy.xml.tftpl")
    let outside = Self.template("        \(Self.mi)\n%{ if var.x }\n\(key)%{ endif }\n")
    try expectRewrite(outside, outside.replacingOccurrences(of: key, with: ""), path: "policy.xml.tftpl")
  }

  @Test func theSameTokenSetAgainOnlyInsideADirectiveAfterARemoverHoldsTheKey() throws {
    try AuthorizationTests().expectUnchanged(
      Self.template(
        """
                \(Self.mi)
                <set-header name="Authorization" exists-action="delete" />
        %{ if var.x }
                \(Self.mi)
        %{ endif }
                <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>

        """), [.authorizationReaderAfterManagedIdentity])
  }

  @Test(
    "a send-request's MI element in place was taken for the key though another child writes or removes its header",
    arguments: [
      (
        #"<set-header name="Authorization" exists-action="override"><value>Basic abc</value></set-header>"#,
        Rule.authorizationWriter
      ),
      (#"<authentication-basic username="u" password="{{p}}" />"#, .authorizationWriter),
      (#"<authentication-managed-identity resource="api://other" />"#, .authorizationWriter),
      (#"<set-header name="Authorization" exists-action="delete" />"#, .authorizationReaderAfterManagedIdentity),
    ])
  func aSendRequestsOtherWriterOrRemoverBesideItsMIElementInPlaceHoldsTheKey(other: String, rule: Rule) throws {
    try AuthorizationTests().expectUnchanged(
      """
      <policies>
          <inbound>
              <base />
              <send-request mode="new" response-variable-name="r">
                  <set-url>https://f.azurewebsites.net/api/x</set-url>
                  <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
                  \(Self.mi)
                  \(other)
              </send-request>
          </inbound>
      </policies>
      """, [rule])
  }

  @Test func aSendRequestsMIElementInPlaceAloneStandsForItsKey() throws {
    let request = """
      <policies>
          <inbound>
              <base />
              <send-request mode="new" response-variable-name="r">
                  <set-url>https://f.azurewebsites.net/api/x</set-url>
                  <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
                  \(Self.mi)
              </send-request>
          </inbound>
      </policies>
      """
    try expectRewrite(
      request,
      request.replacingOccurrences(
        of: "            <set-header name=\"x-functions-key\"><value>{{fn-key}}</value></set-header>\n", with: ""))
  }

  @Test func aRemoverBeforeTheMIElementInPlaceDoesNotHold() throws {
    try expectKeyRemovedAfter([#"<set-header name="Authorization" exists-action="delete" />"#, Self.mi])
  }
}
