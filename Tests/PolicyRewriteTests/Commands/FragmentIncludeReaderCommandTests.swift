import Foundation
import Testing

/// End-to-end: a key injection whose MI element would hand APIM's token to a reader of
/// `Authorization` elsewhere (the including policy, its child scopes, later sections, other
/// fragments) is held for review (`rewrite-spec.md` §2a, §2c).
@Suite struct FragmentIncludeReaderCommandTests {
  /// A fragment that injects a key.
  static let keyFragment = """
    <fragment>
        <set-header name="x-functions-key" exists-action="override">
            <value>{{shared-func-key}}</value>
        </set-header>
    </fragment>

    """

  /// A fragment that validates and then deletes the caller's token.
  static let readingFragment = """
    <fragment>
        <validate-jwt header-name="Authorization" failed-validation-httpcode="401" />
        <set-header name="Authorization" exists-action="delete" />
    </fragment>

    """

  static func migrate(_ root: URL, _ path: String = ".") -> (status: Int32, stdout: Data, stderr: String) {
    run(["migrate", "--write", "--resource", CLI.resource, path], cwd: root)
  }

  static func held(_ stderr: String) -> [String] {
    findingLines(stderr).filter { $0.hasSuffix("[authorization-reader-after-managed-identity]") }
  }

  @Test("a fragment's key is held when the including API validates Authorization after the include")
  func fragmentKeyIsHeldSinceTheIncludersValidateJwtWouldSeeAPIMsToken() throws {
    let api = """
      <policies>
          <inbound>
              <base />
              <include-fragment fragment-id="keyfrag" />
              <validate-jwt header-name="Authorization" failed-validation-httpcode="401" />
          </inbound>
      </policies>

      """
    let files = ["policy fragments/keyfrag/policy.xml": Self.keyFragment, "apis/a/policy.xml": api]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "policy fragments/keyfrag/policy.xml", Self.keyFragment)
      let review = Self.held(result.stderr)
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("apis/a/policy.xml:4") == true, "\(review)")
    }
  }

  @Test("Terraform: a fragment's key is held when the including heredoc deletes Authorization")
  func terraformFragmentKeyIsHeldSinceTheIncludingHeredocDeletesAPIMsToken() throws {
    let main = """
      resource "azurerm_api_management_policy_fragment" "kf" {
        api_management_id = "x"
        name              = "kf"
        format            = "rawxml"
        value             = file("${path.module}/frag.xml")
      }
      resource "azurerm_api_management_api_policy" "a" {
        api_name    = "a"
        xml_content = <<XML
      <policies>
          <inbound>
              <base />
              <include-fragment fragment-id="kf" />
              <set-header name="Authorization" exists-action="delete" />
          </inbound>
      </policies>
      XML
      }

      """
    try withTemporaryTree(["main.tf": main, "frag.xml": Self.keyFragment]) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "frag.xml", Self.keyFragment)
      let review = Self.held(result.stderr)
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("main.tf:13") == true, "\(review)")
    }
  }

  @Test("a fragment's key is held when an operation of the including API validates after <base />")
  func fragmentKeyIsHeldSinceAChildScopeOfTheIncluderReadsAPIMsToken() throws {
    let api = """
      <policies>
          <inbound>
              <base />
              <include-fragment fragment-id="kf" />
          </inbound>
      </policies>

      """
    let operation = """
      <policies>
          <inbound>
              <base />
              <validate-jwt header-name="Authorization" failed-validation-httpcode="401" />
          </inbound>
      </policies>

      """
    let files = [
      "policy fragments/kf/policy.xml": Self.keyFragment, "apis/a/policy.xml": api,
      "apis/a/operations/o/policy.xml": operation,
    ]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "policy fragments/kf/policy.xml", Self.keyFragment)
      let review = Self.held(result.stderr)
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("apis/a/operations/o/policy.xml") == true, "\(review)")
    }
  }

  @Test("a fragment included from an API that does not read Authorization is still rewritten")
  func fragmentKeyIsRewrittenWhenNoIncluderReadsTheToken() throws {
    let api = """
      <policies>
          <inbound>
              <base />
              <include-fragment fragment-id="kf" />
          </inbound>
      </policies>

      """
    let files = ["policy fragments/kf/policy.xml": Self.keyFragment, "apis/a/policy.xml": api]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(Self.held(result.stderr).isEmpty, "stderr: \(result.stderr)")
      let text = try String(contentsOf: root.appendingPathComponent("policy fragments/kf/policy.xml"), encoding: .utf8)
      #expect(text.contains("authentication-managed-identity"), "\(text)")
    }
  }

  /// An API whose `<inbound>` injects a key, with `later` after it.
  static func injectingAPI(_ later: String) -> String {
    """
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key" exists-action="override">
                <value>{{i-func-key}}</value>
            </set-header>
        </inbound>
    \(later)
    </policies>

    """
  }

  @Test("an <outbound> expression that reads the request's Authorization holds the <inbound> key")
  func outboundExpressionWouldReadAPIMsTokenSetByTheManagedIdentityElement() throws {
    let policy = Self.injectingAPI(
      """
          <outbound>
              <base />
              <set-header name="X-User" exists-action="override">
                  <value>@(context.Request.Headers.GetValueOrDefault("Authorization","").AsJwt()?.Subject)</value>
              </set-header>
          </outbound>
      """)
    try withTemporaryTree(["apis/a/policy.xml": policy]) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/a/policy.xml", policy)
      let review = Self.held(result.stderr)
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("in <outbound>") == true, "\(review)")
    }
  }

  @Test("a send-request in copy mode in <backend> holds the <inbound> key: it copies APIM's token out")
  func backendSendRequestCopyWouldSendAPIMsTokenToAThirdParty() throws {
    let policy = Self.injectingAPI(
      """
          <backend>
              <send-request mode="copy" response-variable-name="r">
                  <set-url>https://other.example.com/</set-url>
              </send-request>
              <forward-request />
          </backend>
      """)
    try withTemporaryTree(["apis/a/policy.xml": policy]) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/a/policy.xml", policy)
      let review = Self.held(result.stderr)
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("<send-request> at line") == true, "\(review)")
    }
  }

  @Test("a send-one-way-request in copy mode in <on-error> holds a nested <inbound> key")
  func onErrorOneWayCopyWouldSendAPIMsTokenToAThirdParty() throws {
    let policy = """
      <policies>
          <inbound>
              <base />
              <choose>
                  <when condition="@(true)">
                      <set-header name="x-functions-key" exists-action="override">
                          <value>{{i-func-key}}</value>
                      </set-header>
                  </when>
              </choose>
          </inbound>
          <on-error>
              <send-one-way-request mode="copy">
                  <set-url>https://audit.example.com/log</set-url>
              </send-one-way-request>
          </on-error>
      </policies>

      """
    try withTemporaryTree(["apis/a/policy.xml": policy]) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/a/policy.xml", policy)
      #expect(Self.held(result.stderr).count == 1, "stderr: \(result.stderr)")
    }
  }

  @Test("an <outbound> that does not read the request's Authorization leaves the key rewritten")
  func outboundWithoutReaderDoesNotHoldTheKey() throws {
    let policy = Self.injectingAPI(
      """
          <outbound>
              <base />
              <set-header name="X-Served-By" exists-action="override"><value>apim</value></set-header>
          </outbound>
      """)
    try withTemporaryTree(["apis/a/policy.xml": policy]) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(Self.held(result.stderr).isEmpty, "stderr: \(result.stderr)")
      let text = try String(contentsOf: root.appendingPathComponent("apis/a/policy.xml"), encoding: .utf8)
      #expect(text.contains("authentication-managed-identity"), "\(text)")
    }
  }

  /// A child scope that only includes `jwt` after its `<base />`.
  static let includingJWT = """
    <policies>
        <inbound>
            <base />
            <include-fragment fragment-id="jwt" />
        </inbound>
    </policies>

    """

  @Test("APIOps: an operation that includes a validating fragment after <base /> holds the API's key")
  func childScopeIncludeOfValidatingFragmentWouldSeeTheParentsAPIMToken() throws {
    let files = [
      "policy fragments/jwt/policy.xml": Self.readingFragment,
      "apis/a/policy.xml": Self.injectingAPI(""),
      "apis/a/operations/o/policy.xml": Self.includingJWT,
    ]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/a/policy.xml", Self.injectingAPI(""))
      let review = findingLines(result.stderr).filter { $0.hasSuffix("[authorization-child-scope]") }
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("apis/a/operations/o/policy.xml") == true, "\(review)")
    }
  }

  @Test("APIOps from the tree's folder: an apiPolicy.xml including a validating fragment holds the global key")
  func apiPolicyIncludeOfValidatingFragmentWouldSeeTheGlobalAPIMToken() throws {
    let global = """
      <policies>
          <inbound>
              <set-header name="x-functions-key" exists-action="override">
                  <value>{{g-func-key}}</value>
              </set-header>
          </inbound>
      </policies>

      """
    let files = [
      "policy.xml": global, "policy fragments/jwt/policy.xml": Self.readingFragment,
      "apis/a/apiPolicy.xml": Self.includingJWT,
    ]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "policy.xml", global)
      let review = findingLines(result.stderr).filter { $0.hasSuffix("[authorization-child-scope]") }
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("apis/a/apiPolicy.xml") == true, "\(review)")
    }
  }

  /// An API with a nested key injection before an include of `outer`.
  static let nestedKeyBeforeOuter = """
    <policies>
        <inbound>
            <base />
            <choose><when condition="@(true)">
            <set-header name="x-functions-key" exists-action="override">
                <value>{{a-func-key}}</value>
            </set-header>
            </when></choose>
            <include-fragment fragment-id="outer" />
        </inbound>
    </policies>

    """

  @Test("a key before an include of a fragment that includes a validating fragment is held")
  func fragmentIncludingAValidatingFragmentReadsTheTokenTheKeyWouldBecome() throws {
    let outer = """
      <fragment>
          <include-fragment fragment-id="jwt" />
      </fragment>

      """
    let files = [
      "policy fragments/outer/policy.xml": outer, "policy fragments/jwt/policy.xml": Self.readingFragment,
      "apis/a/policy.xml": Self.nestedKeyBeforeOuter,
    ]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/a/policy.xml", Self.nestedKeyBeforeOuter)
      let review = Self.held(result.stderr)
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("<include-fragment> at line 9") == true, "\(review)")
    }
  }

  @Test("three levels of fragments: the validating fragment at the bottom still holds the key")
  func fragmentChainOfThreeReadsTheTokenTheKeyWouldBecome() throws {
    let files = [
      "policy fragments/outer/policy.xml": "<fragment>\n    <include-fragment fragment-id=\"mid\" />\n</fragment>\n",
      "policy fragments/mid/policy.xml": "<fragment>\n    <include-fragment fragment-id=\"jwt\" />\n</fragment>\n",
      "policy fragments/jwt/policy.xml": Self.readingFragment,
      "apis/a/policy.xml": Self.nestedKeyBeforeOuter,
    ]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/a/policy.xml", Self.nestedKeyBeforeOuter)
      #expect(Self.held(result.stderr).count == 1, "stderr: \(result.stderr)")
    }
  }

  @Test("a fragment's key is held when the including API's <outbound> copies the request out")
  func fragmentKeyIsHeldSinceTheIncludersOutboundCopiesAPIMsTokenOut() throws {
    let api = """
      <policies>
          <inbound>
              <base />
              <include-fragment fragment-id="keyfrag" />
          </inbound>
          <outbound>
              <base />
              <send-one-way-request mode="copy">
                  <set-url>https://audit.example.com/log</set-url>
              </send-one-way-request>
          </outbound>
      </policies>

      """
    let files = ["policy fragments/keyfrag/policy.xml": Self.keyFragment, "apis/a/policy.xml": api]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "policy fragments/keyfrag/policy.xml", Self.keyFragment)
      let review = Self.held(result.stderr)
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("apis/a/policy.xml:4") == true, "\(review)")
    }
  }

  /// An API that includes the key fragment before (or after) its `<base />`, below a global
  /// policy `global`: `migrate`'s stderr and whether the fragment was rewritten.
  static func includedAround(base before: Bool, global: String) throws -> (stderr: String, rewritten: Bool) {
    let include = "        <include-fragment fragment-id=\"keyfrag\" />\n"
    let api =
      "<policies>\n    <inbound>\n\(before ? include : "")        <base />\n\(before ? "" : include)    </inbound>\n</policies>\n"
    let files = [
      "policy fragments/keyfrag/policy.xml": Self.keyFragment, "apis/a/policy.xml": api, "policy.xml": global,
    ]
    return try withTemporaryTree(files) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let written = String(decoding: CLI.read(root, "policy fragments/keyfrag/policy.xml") ?? [], as: UTF8.self)
      return (result.stderr, written != Self.keyFragment)
    }
  }

  @Test("a fragment included before the includer's <base /> is held when a parent validates Authorization there")
  func fragmentKeyIncludedBeforeBaseIsHeldSinceTheParentsValidatorWouldSeeAPIMsToken() throws {
    let held = try Self.includedAround(base: true, global: Policies.tokenValidator)
    #expect(!held.rewritten, "\(held.stderr)")
    #expect(
      Self.held(held.stderr).first?.contains(
        "apis/a/policy.xml:3 (<inbound>), before the <base /> where its parent scope policy.xml reads or removes Authorization"
      ) == true, "\(held.stderr)")
    // Included after `<base />`, the parent's validator has run before the MI element.
    let after = try Self.includedAround(base: false, global: Policies.tokenValidator)
    #expect(after.rewritten, "\(after.stderr)")
  }

  @Test(
    "a fragment's key is held wherever it is included when a parent writes Authorization", arguments: [true, false])
  func fragmentKeyIsHeldSinceAParentWritesAuthorization(before: Bool) throws {
    let writer = """
      <policies>
          <inbound>
              <set-header name="Authorization" exists-action="override">
                  <value>Basic {{legacy-credentials}}</value>
              </set-header>
          </inbound>
      </policies>

      """
    let held = try Self.includedAround(base: before, global: writer)
    #expect(!held.rewritten, "\(held.stderr)")
    #expect(
      Self.held(held.stderr).first?.contains("whose parent scope policy.xml writes Authorization in <inbound>") == true,
      "\(held.stderr)")
  }
}
