import Foundation
import Testing

/// End-to-end: the built binary on policies that touch `Authorization` or copy a key into a
/// variable (`rewrite-spec.md` §2a, §2b).
@Suite struct AuthorizationCommandTests {
  static let writer = """
    <policies>
        <inbound>
            <base />
            <set-header name="Authorization" exists-action="override">
                <value>Bearer {{partner-token}}</value>
            </set-header>
            <set-header name="x-functions-key" exists-action="override">
                <value>{{billing-func-key}}</value>
            </set-header>
        </inbound>
    </policies>

    """

  static let keyVariable = """
    <policies>
        <inbound>
            <base />
            <set-variable name="fnKey" value="{{invoices-func-key}}" />
            <set-header name="x-functions-key" exists-action="override">
                <value>@((string)context.Variables["fnKey"])</value>
            </set-header>
        </inbound>
    </policies>

    """

  @Test("a writer of Authorization: unchanged, exit 0, a review item naming both lines; --check exits 1")
  func writerIsLeftForReview() throws {
    try withTemporaryTree(["apis/billing/policy.xml": Self.writer]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/billing/policy.xml", Self.writer)
      let review = findingLines(result.stderr).filter { $0.hasSuffix("[authorization-writer]") }
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.hasPrefix("apis/billing/policy.xml:7:9: warning: ") == true, "\(review)")
      #expect(review.first?.contains("line 7") == true && review.first?.contains("line 4") == true, "\(review)")
      #expect(result.stderr.contains("1 needing review"), "stderr: \(result.stderr)")

      let check = run(["migrate", "--check", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(check.status == 1, "stderr: \(check.stderr)")
      expectFile(root, "apis/billing/policy.xml", Self.writer)
    }
  }

  @Test("a key copied into a variable: no {{…}} key remains after migrate; check reports the variable")
  func keyVariableGoesWithItsInjection() throws {
    try withTemporaryTree(["apis/invoices/policy.xml": Self.keyVariable]) { root in
      let check = run(["check", "apis"], cwd: root)
      #expect(check.status == 1)
      #expect(
        findingLines(check.stderr).contains {
          $0.hasPrefix("apis/invoices/policy.xml:4:9: error: ") && $0.hasSuffix("[key-variable]")
        }, "stderr: \(check.stderr)")

      let result = run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let migrated = text(Data(try #require(CLI.read(root, "apis/invoices/policy.xml"))))
      #expect(!migrated.contains("{{"), "\(migrated)")
      #expect(!migrated.contains("fnKey"), "\(migrated)")
      #expect(migrated.contains("<authentication-managed-identity resource=\"\(CLI.resource)\" />"))
      #expect(result.stderr.contains("invoices-func-key"), "the named value is listed for clean-up")
      #expect(run(["check", "apis"], cwd: root).status == 0)
    }
  }

  @Test("an included fragment among the scanned files counts as what it does")
  func includedFragmentAmongTheFiles() throws {
    let api = """
      <policies>
          <inbound>
              <base />
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
              <include-fragment fragment-id="jwt-check" />
          </inbound>
      </policies>

      """
    let fragment = """
      <fragment>
          <validate-jwt header-name="Authorization" failed-validation-httpcode="401" />
          <set-header name="Authorization" exists-action="delete" />
      </fragment>

      """
    let mi = "<authentication-managed-identity resource=\"\(CLI.resource)\" />"
    let files = ["apis/a/policy.xml": api, "policy fragments/jwt-check/policy.xml": fragment]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(
        root, "apis/a/policy.xml",
        api.replacingOccurrences(
          of: "        <set-header name=\"x-functions-key\"><value>{{fn-key}}</value></set-header>\n", with: ""
        ).replacingOccurrences(
          of: "<include-fragment fragment-id=\"jwt-check\" />\n",
          with: "<include-fragment fragment-id=\"jwt-check\" />\n        \(mi)\n"))
      expectFile(root, "policy fragments/jwt-check/policy.xml", fragment)
    }
    // Without the fragment in the run, what it does is not known: it runs after the key, so
    // the key is held for review.
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(result.stderr.contains("needs review: apis/a/policy.xml"), "stderr: \(result.stderr)")
      expectFile(root, "apis/a/policy.xml", api)
    }
  }

  @Test("APIOps: a global injection whose MI element would run before an API's reader is left for review")
  func parentScopeBeforeAChildsReader() throws {
    let global = """
      <policies>
          <inbound>
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
              <base />
          </inbound>
      </policies>

      """
    let reader = """
      <policies>
          <inbound>
              <base />
              <validate-jwt header-name="Authorization" failed-validation-httpcode="401" />
          </inbound>
      </policies>

      """
    let files = ["policy.xml": global, "apis/orders/policy.xml": reader, "apis/status/policy.xml": Policies.clean]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "policy.xml", global)
      let review = findingLines(result.stderr).filter { $0.hasSuffix("[authorization-child-scope]") }
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("apis/orders/policy.xml") == true, "\(review)")
      #expect(run(["migrate", "--check", "--resource", CLI.resource, "."], cwd: root).status == 1)
      // check sees the same scopes as migrate (they are known by absolute path).
      let checked = run(["check", "."], cwd: root)
      #expect(checked.status == 1)
      #expect(
        findingLines(checked.stderr).filter { $0.hasPrefix("policy.xml:") }.map {
          $0.hasSuffix("[authorization-child-scope]")
        }
          == [true], "\(checked.stderr)")
    }
    // Without the reader, the global scope is migrated.
    try withTemporaryTree(["policy.xml": global, "apis/status/policy.xml": Policies.clean]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(CLI.read(root, "policy.xml") != Array(global.utf8))
    }
  }
}
