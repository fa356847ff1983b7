import Foundation
import Testing

/// End-to-end: expressions that read the request's whole header collection read Authorization
/// (`rewrite-spec.md` §2a). A `send-request` whose body serialised `context.Request.Headers`
/// after the MI element sent APIM's token to an audit service; an outbound `trace` of
/// `context.Request.Headers.Select(…)` logged it. Neither was noted or held.
@Suite struct HeaderCollectionReaderCommandTests {
  static let key =
    #"<set-header name="x-functions-key" exists-action="override"><value>{{orders-func-key}}</value></set-header>"#

  @Test("migrate puts the MI element after a send-request that serialises every header (token no longer sent to audit)")
  func serialisedHeaderCollectionKeepsTheCallersToken() throws {
    let policy = """
      <policies>
          <inbound>
              <base />
              \(Self.key)
              <send-request mode="new" response-variable-name="r" timeout="5" ignore-error="true">
                  <set-url>https://audit.example.com/log</set-url>
                  <set-method>POST</set-method>
                  <set-body>@(JsonConvert.SerializeObject(context.Request.Headers))</set-body>
              </send-request>
          </inbound>
      </policies>

      """
    try withTemporaryTree(["apis/dump/policy.xml": policy]) { root in
      let result = CLI.migrate(root, rule: "authorization-token-replaced")
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(result.found.count == 1, "stderr: \(result.stderr)")
      let written = String(decoding: CLI.read(root, "apis/dump/policy.xml") ?? [], as: UTF8.self)
      let mi = written.range(of: "<authentication-managed-identity")
      let reader = written.range(of: "</send-request>")
      #expect(mi != nil && reader != nil && mi!.lowerBound > reader!.lowerBound, "\(written)")
    }
  }

  @Test("migrate holds a key whose policy traces every request header in <outbound> (token logged)")
  func outboundHeaderCollectionTraceHoldsTheKey() throws {
    let policy = """
      <policies>
          <inbound>
              <base />
              \(Self.key)
          </inbound>
          <outbound>
              <base />
              <trace source="audit" severity="information">
                  <message>@(String.Join(";", context.Request.Headers.Select(h => h.Key + "=" + String.Join(",", h.Value))))</message>
              </trace>
          </outbound>
      </policies>

      """
    try withTemporaryTree(["apis/trace/policy.xml": policy]) { root in
      let result = CLI.migrate(root, rule: "authorization-reader-after-managed-identity")
      #expect(result.found.count == 1, "stderr: \(result.stderr)")
      #expect(CLI.read(root, "apis/trace/policy.xml") == Array(policy.utf8))
    }
  }
}
