import PolicyRewrite
import Testing

/// The README's "Use as a library" example, through the library's public API only (no
/// `@testable`): it compiles, rewrites a key injection and reports nothing else.
@Suite struct LibraryUseTests {
  @Test func theReadmeExampleRewritesAKeyInjection() throws {
    let policyText = """
      <policies>
          <inbound>
              <base />
              <set-header name="x-functions-key" exists-action="override">
                  <value>{{orders-func-key}}</value>
              </set-header>
          </inbound>
      </policies>
      """
    let resource = try Resource(validating: "api://orders-func")
    let rewriter = PolicyRewriter(
      configuration: RewriteConfiguration(resources: ResourceMap(defaultResource: resource)))
    let result = rewriter.rewrite(Array(policyText.utf8), path: "apis/orders/policy.xml")
    #expect(result.changed)
    #expect(String(decoding: result.output, as: UTF8.self).contains(#"resource="api://orders-func""#))
    #expect(result.findings.allSatisfy { $0.rule == .keyInjection && $0.diagnostic == nil }, "\(result.findings)")
  }
}
