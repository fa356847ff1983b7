import Foundation
import Testing

/// End-to-end: a child scope's policies before its `<base />` run before every parent's
/// (`rewrite-spec.md` §2c). When such a policy writes `Authorization`, a parent's MI element
/// overwrites that value with APIM's token, so the parent's key injection is held
/// (`authorization-writer`, naming the child's file and line), for APIOps files and inline
/// policies alike.
@Suite struct ChildWriterBeforeBaseCommandTests {
  static let keyed = Policies.keyAfterBase("a-func-key") + "\n"

  /// A child policy whose `<inbound>` starts with `writer`, then `<base />`.
  static func child(_ writer: String) -> String {
    """
    <policies>
        <inbound>
            \(writer)
            <base />
        </inbound>
    </policies>

    """
  }

  static let basic = #"<authentication-basic username="svc" password="{{pw}}" />"#

  static func migrate(_ root: URL) -> (status: Int32, stderr: String, held: [String]) {
    CrossScopeInlinePolicyCommandTests.migrate(root, rule: "authorization-writer")
  }

  @Test(
    "an API's key is held when an operation writes Basic credentials before <base />, which the MI token would replace")
  func apiKeyIsHeldSinceItsMITokenWouldReplaceTheOperationsBasicCredentials() throws {
    let files = ["apis/a/policy.xml": Self.keyed, "apis/a/operations/o/policy.xml": Self.child(Self.basic)]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/a/policy.xml", Self.keyed)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      #expect(result.held.first?.hasPrefix("apis/a/policy.xml:4:") == true, "\(result.held)")
      #expect(
        result.held.first?.contains("<authentication-basic> at apis/a/operations/o/policy.xml:3") == true,
        "\(result.held)")
    }
  }

  @Test("a product's key is held when an API sets Authorization before <base />")
  func productKeyIsHeldSinceItsMITokenWouldReplaceTheAPIsAuthorization() throws {
    let writer = #"<set-header name="Authorization" exists-action="override"><value>Bearer {{t}}</value></set-header>"#
    let files = [
      "products/p/policy.xml": Self.keyed, "products/p/apis.json": #"[{"name": "a"}]"#,
      "apis/a/policy.xml": Self.child(writer),
    ]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root)
      expectFile(root, "products/p/policy.xml", Self.keyed)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      #expect(result.held.first?.contains("<set-header> at apis/a/policy.xml:3") == true, "\(result.held)")
    }
  }

  @Test("a global key is held when an operation's MI element for another resource runs before <base />")
  func globalKeyIsHeldSinceItsMITokenWouldReplaceTheOperationsOtherAudience() throws {
    let writer = #"<authentication-managed-identity resource="api://other" />"#
    let files = ["policy.xml": Self.keyed, "apis/a/operations/o/policy.xml": Self.child(writer)]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root)
      expectFile(root, "policy.xml", Self.keyed)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      #expect(
        result.held.first?.contains("<authentication-managed-identity> at apis/a/operations/o/policy.xml:3") == true,
        "\(result.held)")
    }
  }

  @Test("Terraform heredocs: an inline API's key is held when the inline operation writes Basic credentials first")
  func inlineTerraformKeyIsHeldSinceItsMITokenWouldReplaceTheOperationsBasicCredentials() throws {
    let main = CrossScopeInlinePolicyCommandTests.terraform(api: Self.keyed, operation: Self.child(Self.basic))
    try withTemporaryTree(["main.tf": main]) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "main.tf", main)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      #expect(result.held.first?.hasPrefix("main.tf:7:") == true, "\(result.held)")
      #expect(
        result.held.first?.contains(
          "<authentication-basic> at main.tf:19 (azurerm_api_management_api_operation_policy.op)") == true,
        "\(result.held)")
    }
  }

  @Test("Bicep: an inline API's key is held when the inline operation sets Authorization before <base />")
  func inlineBicepKeyIsHeldSinceItsMITokenWouldReplaceTheOperationsAuthorization() throws {
    let writer = #"<set-header name="Authorization" exists-action="override"><value>Bearer {{t}}</value></set-header>"#
    let main = """
      resource apim 'Microsoft.ApiManagement/service@2022-08-01' existing = {
        name: 'apim'
      }
      resource api 'Microsoft.ApiManagement/service/apis@2022-08-01' existing = {
        parent: apim
        name: 'a'
      }
      resource op 'Microsoft.ApiManagement/service/apis/operations@2022-08-01' existing = {
        parent: api
        name: 'op1'
      }
      resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
        parent: api
        name: 'policy'
        properties: {
          value: '''
      \(Self.keyed)'''
        }
      }
      resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2022-08-01' = {
        parent: op
        name: 'policy'
        properties: {
          value: '''
      \(Self.child(writer))'''
        }
      }

      """
    try withTemporaryTree(["main.bicep": main]) { root in
      let result = Self.migrate(root)
      expectFile(root, "main.bicep", main)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      #expect(result.held.first?.contains("<set-header> at main.bicep:33 (opPolicy)") == true, "\(result.held)")
    }
  }

  @Test("a fragment's key is held when an operation of the including API writes Basic credentials before <base />")
  func fragmentKeyIsHeldSinceItsMITokenWouldReplaceTheOperationsBasicCredentials() throws {
    let api = """
      <policies>
          <inbound>
              <base />
              <include-fragment fragment-id="kf" />
          </inbound>
      </policies>

      """
    let files = [
      "policy fragments/kf/policy.xml": FragmentIncludeReaderCommandTests.keyFragment, "apis/a/policy.xml": api,
      "apis/a/operations/o/policy.xml": Self.child(Self.basic),
    ]
    try withTemporaryTree(files) { root in
      let result = FragmentIncludeReaderCommandTests.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "policy fragments/kf/policy.xml", FragmentIncludeReaderCommandTests.keyFragment)
      let review = FragmentIncludeReaderCommandTests.held(result.stderr)
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(
        review.first?.contains("<authentication-basic> at apis/a/operations/o/policy.xml:3") == true, "\(review)")
    }
  }

  @Test("negative: an operation's MI element with the API's own resource, a side request's header, or no <base />")
  func apiKeyIsRewrittenWhenNoChildValueWouldBeLost() throws {
    let sameToken = Self.child(#"<authentication-managed-identity resource="\#(CLI.resource)" />"#)
    let sideRequest = Self.child(
      #"<send-request mode="new" response-variable-name="r"><set-url>https://x</set-url><authentication-basic username="u" password="p" /></send-request>"#
    )
    let noBase = "<policies><inbound>\(Self.basic)</inbound></policies>\n"
    for operation in [sameToken, sideRequest, noBase] {
      let files = ["apis/a/policy.xml": Self.keyed, "apis/a/operations/o/policy.xml": operation]
      try withTemporaryTree(files) { root in
        let result = Self.migrate(root)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.held.isEmpty, "stderr: \(result.stderr)")
        let written = String(decoding: CLI.read(root, "apis/a/policy.xml") ?? [], as: UTF8.self)
        #expect(written.contains("<authentication-managed-identity"), "\(written)")
      }
    }
  }
}
