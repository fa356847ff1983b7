import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// Expressions that read the request's whole header collection (`rewrite-spec.md` §2a):
/// they read Authorization without naming it. Placed before them, the MI element handed APIM's
/// token to an audit service (`JsonConvert.SerializeObject(context.Request.Headers)` in a
/// `send-request` body) or to a trace, with no note.
@Suite struct HeaderCollectionReaderTests {
  static let mi = AuthorizationTests.mi

  @Test(
    "an expression that reads every request header took APIM's token when it ran after the MI element",
    arguments: [
      #"<send-request mode="new" response-variable-name="r"><set-url>https://audit.example.com/log</set-url><set-method>POST</set-method><set-body>@(JsonConvert.SerializeObject(context.Request.Headers))</set-body></send-request>"#,
      #"<trace source="audit"><message>@(String.Join(";", context.Request.Headers.Select(h => h.Key + "=" + String.Join(",", h.Value))))</message></trace>"#,
      #"<log-to-eventhub logger-id="l">@{ var s = ""; foreach (var h in context.Request.Headers) { s += h.Key; } return s; }</log-to-eventhub>"#,
      #"<set-variable name="all" value="@(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value))" />"#,
      #"<set-variable name="all" value="@(context.Request.Headers.ToString())" />"#,
      // A lookup by a computed name may read Authorization.
      #"<set-variable name="v" value="@(context.Request.Headers.GetValueOrDefault((string)context.Variables["h"], ""))" />"#,
      #"<set-variable name="v" value="@(context.Request.Headers[(string)context.Variables["h"]].First())" />"#,
    ])
  func headerCollectionReadersCount(reader: String) throws {
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
    #expect(rules(result.findings) == [.authorizationTokenReplaced], "\(result.findings)")
  }

  @Test(
    "a lookup of another header by its name, or mode=new without expressions, reads no Authorization",
    arguments: [
      #"<set-variable name="id" value="@(context.Request.Headers.GetValueOrDefault("X-Id", ""))" />"#,
      #"<set-variable name="id" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Id&quot;, &quot;&quot;))" />"#,
      #"<set-variable name="id" value="@(context.Request.Headers["X-Id"].First())" />"#,
      #"<set-variable name="id" value="@(context.Request.Headers?.ContainsKey("X-Id") == true)" />"#,
      #"<set-variable name="id" value="@{ string[] v; return context.Request.Headers.TryGetValue("X-Id", out v) ? v[0] : ""; }" />"#,
      #"<set-variable name="r" value="@(String.Join(";", context.Response.Headers.Select(h => h.Key)))" />"#,
      // A type argument, raw or escaped, and a single-quoted name.
      #"<set-variable name="a" value="@(context.Request.Headers.GetValueOrDefault<string>("Accept", ""))" />"#,
      #"<set-variable name="a" value="@(context.Request.Headers.GetValueOrDefault&lt;string&gt;("Accept", ""))" />"#,
      #"<set-variable name="a" value="@(context.Request.Headers.GetValueOrDefault('x-region', 'eu'))" />"#,
      #"<set-header name="x-note"><value>context.Request.Headers</value></set-header>"#,
    ])
  func namedLookupsOfOtherHeadersAreNoReaders(other: String) throws {
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

  @Test("an outbound trace of every request header got APIM's token: the inbound key is held")
  func outboundHeaderCollectionTraceHoldsTheKey() throws {
    let input = """
      <policies>
          <inbound>
              <base />
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
          </inbound>
          <outbound>
              <base />
              <trace source="audit"><message>@(String.Join(";", context.Request.Headers.Select(h => h.Key)))</message></trace>
          </outbound>
      </policies>
      """
    let result = try rewrite(input)
    #expect(!result.changed)
    #expect(rules(result.findings) == [.authorizationReaderAfterManagedIdentity], "\(result.findings)")
  }

  @Test("a nested key before a serialisation of every request header is held")
  func nestedKeyBeforeHeaderCollectionReaderIsHeld() throws {
    let input = """
      <policies>
          <inbound>
              <base />
              <choose>
                  <when condition="@(true)">
                      <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
                  </when>
              </choose>
              <set-variable name="all" value="@(JsonConvert.SerializeObject(context.Request.Headers))" />
          </inbound>
      </policies>
      """
    let result = try rewrite(input)
    #expect(!result.changed)
    #expect(rules(result.findings) == [.authorizationReaderAfterManagedIdentity], "\(result.findings)")
  }
}
