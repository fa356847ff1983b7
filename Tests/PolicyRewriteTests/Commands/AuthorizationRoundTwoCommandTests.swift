import Foundation
import Testing

/// End-to-end, second round of the Authorization rules: scopes of an APIOps tree (§2a
/// "Scopes", §2c), accepted findings in `migrate`, and one default resource for several keys.
@Suite struct AuthorizationRoundTwoCommandTests {
  static func policy(_ inbound: String) -> String {
    "<policies>\n    <inbound>\n\(inbound)    </inbound>\n    <backend><base /></backend>\n</policies>\n"
  }

  static let apiKey = policy(
    """
            <base />
            <set-header name="x-functions-key" exists-action="override">
                <value>{{orders-func-key}}</value>
            </set-header>

    """)

  @Test("a child scope that writes Authorization after its <base /> holds the parent's injection for review")
  func childWritingAuthorizationAfterBaseWouldOverwriteTheParentsToken() throws {
    let child = Self.policy(
      """
              <base />
              <authentication-basic username="legacy" password="{{legacy-password}}" />

      """)
    let files = ["apis/orders/policy.xml": Self.apiKey, "apis/orders/operations/get/policy.xml": child]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/orders/policy.xml", Self.apiKey)
      let review = findingLines(result.stderr).filter { $0.hasSuffix("[authorization-child-scope]") }
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("apis/orders/operations/get/policy.xml") == true, "\(review)")
      #expect(review.first?.contains("writes") == true, "\(review)")
    }
  }

  @Test("a child's nested injection before its <base /> is review when a parent reads Authorization")
  func childInjectionBeforeBaseWouldHandAPIMsTokenToTheParentsValidateJwt() throws {
    let parent = Self.policy(
      """
              <base />
              <validate-jwt header-name="Authorization" failed-validation-httpcode="401" />

      """)
    let child = Self.policy(
      """
              <choose>
                  <when condition="@(true)">
                      <set-header name="x-functions-key"><value>{{orders-func-key}}</value></set-header>
                  </when>
              </choose>
              <base />

      """)
    let files = ["apis/orders/policy.xml": parent, "apis/orders/operations/get/policy.xml": child]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/orders/operations/get/policy.xml", child)
      let review = findingLines(result.stderr).filter { $0.hasSuffix("[authorization-parent-scope]") }
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("apis/orders/policy.xml") == true, "\(review)")
    }
  }

  @Test("a fragment included from <outbound> keeps its key for review: MI is not valid there")
  func fragmentIncludedFromOutboundIsNotRewrittenSinceMIIsInvalidThere() throws {
    let fragment = """
      <fragment>
          <set-header name="x-functions-key" exists-action="override">
              <value>{{shared-func-key}}</value>
          </set-header>
      </fragment>

      """
    let api = """
      <policies>
          <inbound><base /></inbound>
          <outbound>
              <base />
              <include-fragment fragment-id="shared-key" />
          </outbound>
      </policies>

      """
    let files = ["policy fragments/shared-key/policy.xml": fragment, "apis/orders/policy.xml": api]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "policy fragments/shared-key/policy.xml", fragment)
      let review = findingLines(result.stderr).filter { $0.hasSuffix("[fragment-included-outside-inbound]") }
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("apis/orders/policy.xml") == true, "\(review)")
    }
  }

  @Test("migrate leaves an injection that a suppression comment accepts, and says how many it left")
  func suppressedInjectionIsLeftSoCheckStaysGreenAfterMigrate() throws {
    let accepted = Self.policy(
      """
              <base />
              <!-- policy-rewrite: ignore key-injection (the legacy Function App has no Entra ID app) -->
              <set-header name="x-functions-key" exists-action="override">
                  <value>{{legacy-func-key}}</value>
              </set-header>

      """)
    try withTemporaryTree(["apis/legacy/policy.xml": accepted, "apis/orders/policy.xml": Self.apiKey]) { root in
      #expect(run(["check", "apis/legacy"], cwd: root).status == 0)
      let result = run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/legacy/policy.xml", accepted)
      #expect(CLI.read(root, "apis/orders/policy.xml") != Array(Self.apiKey.utf8))
      #expect(result.stderr.contains("1 injection left as accepted"), "stderr: \(result.stderr)")
      let check = run(["check", "apis"], cwd: root)
      #expect(check.status == 0, "stderr: \(check.stderr)")
    }
  }

  @Test("migrate leaves an injection that a suppression without spaces accepts, as check does")
  func compactSuppressionIsHonouredByMigrateSoCheckStaysGreen() throws {
    let accepted = Self.policy(
      """
              <base />
              <!--policy-rewrite:ignore key-injection(the legacy Function App has no Entra ID app)-->
              <set-header name="x-functions-key" exists-action="override">
                  <value>{{legacy-func-key}}</value>
              </set-header>

      """)
    try withTemporaryTree(["apis/legacy/policy.xml": accepted]) { root in
      #expect(run(["check", "apis"], cwd: root).status == 0)
      let result = run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/legacy/policy.xml", accepted)
      #expect(run(["check", "apis"], cwd: root).status == 0)
    }
  }

  @Test("migrate reads the baseline named by the configuration file")
  func configurationBaselineIsHonouredByMigrate() throws {
    try withTemporaryTree(["apis/orders/policy.xml": Self.apiKey]) { root in
      #expect(run(["check", "--write-baseline", "accepted.json", "apis"], cwd: root).status == 0)
      try Data(#"{"baseline": "accepted.json"}"#.utf8).write(to: root.appendingPathComponent(".policy-rewrite.json"))
      let result = run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/orders/policy.xml", Self.apiKey)
      #expect(result.stderr.contains("1 injection left as accepted"), "stderr: \(result.stderr)")
    }
  }

  @Test("migrate leaves an injection that the baseline accepts")
  func baselineAcceptedInjectionIsLeftSoCheckWithTheBaselineStaysGreen() throws {
    try withTemporaryTree(["apis/orders/policy.xml": Self.apiKey]) { root in
      let write = run(["check", "--write-baseline", "accepted.json", "apis"], cwd: root)
      #expect(write.status == 0, "stderr: \(write.stderr)")
      let result = run(
        ["migrate", "--write", "--baseline", "accepted.json", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/orders/policy.xml", Self.apiKey)
      #expect(result.stderr.contains("1 injection left as accepted"), "stderr: \(result.stderr)")
    }
  }

  @Test("one --resource default for two Function Apps' keys: shared-default-resource warning")
  func oneDefaultForTwoKeysWarnsSinceOneAppWillRejectTheToken() throws {
    let billing = Self.apiKey.replacingOccurrences(of: "orders-func-key", with: "billing-func-key")
    try withTemporaryTree(["apis/orders/policy.xml": Self.apiKey, "apis/billing/policy.xml": billing]) { root in
      let result = run(["migrate", "--resource", CLI.resource, "apis"], cwd: root)
      let warnings = findingLines(result.stderr).filter { $0.hasSuffix("[shared-default-resource]") }
      #expect(warnings.count == 1, "stderr: \(result.stderr)")
      #expect(
        warnings.first?.contains("billing-func-key") == true && warnings.first?.contains("orders-func-key") == true,
        "\(warnings)")
      let single = run(["migrate", "--resource", CLI.resource, "apis/orders"], cwd: root)
      #expect(!single.stderr.contains("shared-default-resource"), "stderr: \(single.stderr)")
    }
  }
}
