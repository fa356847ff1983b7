import Testing

@testable import PolicyRewrite

/// unresolved-resource: an injection whose resource the map cannot give stops the whole file.
@Suite struct UnresolvedResourceTests {
  @Test func unresolvedResourceIsAnErrorAndTheFileIsUnchanged() throws {
    let configuration = try makeConfiguration(default: nil, byNamedValue: ["orders-func-key": CLI.resource])
    let policy = MarkedPolicy(
      """
      <policies>
          <inbound>
              <base />
              /*key*/<set-header name="x-functions-key" exists-action="override">
                  <value>{{billing-func-key}}</value>
              </set-header>
          </inbound>
      </policies>
      """)
    let input = policy.text
    let result = try rewrite(input, with: configuration)
    expectBytes(result.output, bytes(input))
    #expect(result.changed == false, "the output differs from the input")
    #expect(result.hasErrors)
    #expect(ids(result.findings) == [.operational(.unresolvedResource)])
    #expect(result.findings.first?.severity == .error)
    #expect(result.findings.first?.place == policy["key"])
  }

  @Test func oneUnresolvedResourceLeavesTheWholeFileUnchanged() throws {
    let configuration = try makeConfiguration(default: nil, byNamedValue: ["fn-us-key": CLI.resource])
    let input = """
      <policies>
          <inbound>
              <choose>
                  <when condition="@(true)">
                      <set-header name="x-functions-key"><value>{{fn-us-key}}</value></set-header>
                  </when>
                  <otherwise>
                      <set-header name="x-functions-key"><value>{{fn-eu-key}}</value></set-header>
                  </otherwise>
              </choose>
          </inbound>
      </policies>
      """
    let result = try rewrite(input, with: configuration)
    expectBytes(result.output, bytes(input))
    #expect(ids(result.findings) == [.operational(.unresolvedResource)])
  }
}
