import Foundation
import Testing

/// End-to-end: a child scope's `<backend>`, `<outbound>` and `<on-error>` run after every
/// `<inbound>` of the pipeline (`rewrite-spec.md` §2a, §2c), so a reader of the request's
/// `Authorization` there sees the token a parent's MI element would write: the parent's key is
/// held, as it is when the reader is in the same file. So is it when a child sends its requests
/// to a backend that is not a Function App: that backend would receive APIM's token.
@Suite struct LaterSectionReaderAcrossScopesCommandTests {
  static let keyedAPI = Policies.keyBeforeLaterSections("a-func-key")

  /// An operation whose section `section` holds `element` after its `<base />`.
  static func operation(_ section: String, _ element: String) -> String {
    Policies.laterSection(section, element, inbound: "<inbound>\n        <base />\n    </inbound>")
  }

  /// `migrate --write .` on an APIOps tree of the keyed API and one operation.
  static func migrate(operation: String) throws -> (stderr: String, api: String) {
    var outcome = ("", "")
    try withTemporaryTree([
      "apis/a/policy.xml": keyedAPI, "apis/a/operations/o/policy.xml": operation,
    ]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      outcome = (result.stderr, String(decoding: CLI.read(root, "apis/a/policy.xml") ?? [], as: UTF8.self))
    }
    return outcome
  }

  @Test(
    "a child's <outbound> that copies Authorization into a response header would return APIM's token to the caller",
    arguments: [
      (
        "outbound",
        #"<set-header name="X-Caller" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("Authorization",""))</value></set-header>"#
      ),
      (
        "on-error",
        #"<return-response><set-body>@(context.Request.Headers["Authorization"])</set-body></return-response>"#
      ),
      (
        "backend",
        #"<send-request mode="copy" response-variable-name="mirror"><set-url>https://mirror.partner.example/</set-url></send-request>"#
      ),
    ])
  func childLaterSectionReaderHoldsTheParentsKey(section: String, element: String) throws {
    let (stderr, api) = try Self.migrate(operation: Self.operation(section, element))
    #expect(stderr.contains("[authorization-child-scope]"), "stderr: \(stderr)")
    #expect(api == Self.keyedAPI, "the API policy was written: \(api)")
  }

  @Test("a child whose later sections do not read Authorization lets the parent's key be rewritten")
  func childWithoutLaterReaderLetsTheParentsKeyBeRewritten() throws {
    let element =
      #"<set-header name="X-Trace" exists-action="override"><value>@(context.RequestId.ToString())</value></set-header>"#
    let (stderr, api) = try Self.migrate(operation: Self.operation("outbound", element))
    #expect(!stderr.contains("[authorization-child-scope]"), "stderr: \(stderr)")
    #expect(api.contains("<authentication-managed-identity"), "\(api)")
    #expect(!api.contains("x-functions-key"), "\(api)")
  }

  /// An API below a keyed global policy, sending its requests to `url` after its `<base />`.
  static func routingAPI(_ url: String) -> String {
    """
    <policies>
        <inbound>
            <base />
            <set-backend-service base-url="\(url)" />
        </inbound>
    </policies>
    """
  }

  static let keyedGlobal = """
    <policies>
        <inbound>
            <set-header name="x-functions-key" exists-action="override"><value>{{global-func-key}}</value></set-header>
        </inbound>
    </policies>
    """

  @Test("a child that sends its requests to a partner's host would hand the partner APIM's token")
  func childRoutingToAnotherBackendHoldsTheGlobalKey() throws {
    try withTemporaryTree([
      "policy.xml": Self.keyedGlobal, "apis/b/policy.xml": Self.routingAPI("https://partner.example.com/api"),
    ]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(result.stderr.contains("policy.xml:3:9: warning:"), "stderr: \(result.stderr)")
      #expect(result.stderr.contains("[authorization-child-scope]"), "stderr: \(result.stderr)")
      expectFile(root, "policy.xml", Self.keyedGlobal)
    }
  }

  @Test("a child that sends its requests to a Function App lets the global key be rewritten")
  func childRoutingToAFunctionAppLetsTheGlobalKeyBeRewritten() throws {
    try withTemporaryTree([
      "policy.xml": Self.keyedGlobal, "apis/b/policy.xml": Self.routingAPI("https://orders-func.azurewebsites.net/api"),
    ]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(!result.stderr.contains("[authorization-child-scope]"), "stderr: \(result.stderr)")
      let written = String(decoding: CLI.read(root, "policy.xml") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(written)")
    }
  }
}
