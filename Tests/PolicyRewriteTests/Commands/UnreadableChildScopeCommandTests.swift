import Foundation
import Testing

/// End-to-end: a parent scope's key is held (`child-scope-unreadable`) when one of its child
/// scopes' policies cannot be read (`rewrite-spec.md` §2c: what is unknown is said, never
/// assumed away). Such a child may validate, strip or overwrite `Authorization` after its
/// `<base />`, where the parent's Managed Identity element would have put APIM's token: the
/// call would answer 401. `--strict` makes it an error.
@Suite struct UnreadableChildScopeCommandTests {
  static let keyedPolicy = Policies.keyAfterBase("p-func-key")

  static let validatingPolicy = """
    <policies>
        <inbound>
            <base />
            <validate-jwt header-name="Authorization"><openid-config url="https://login.example/x" /></validate-jwt>
        </inbound>
    </policies>

    """

  static let plainPolicy = Policies.rateLimited + "\n"

  /// A product policy with a key, and its member API `a` whose policy is `apiPolicy` (HCL).
  static func product(apiPolicy: String, extra: String = "") -> String {
    """
    resource "azurerm_api_management_product_policy" "p" {
      product_id  = "p"
      xml_content = <<XML
    \(keyedPolicy)
    XML
    }
    resource "azurerm_api_management_product_api" "pa" {
      product_id = "p"
      api_name   = "a"
    }
    resource "azurerm_api_management_api_policy" "a" {
      api_name = "a"
      \(apiPolicy)
    }
    \(extra)
    """
  }

  static func migrate(_ root: URL, _ extra: [String] = [], path: String = ".") -> (
    status: Int32, stderr: String, held: [String]
  ) {
    let result = CLI.migrate(root, rule: "child-scope-unreadable", extra, path: path)
    return (result.status, result.stderr, result.found)
  }

  @Test("a child API policy fetched by xml_link or given by a variable holds the product's key, naming both")
  func productKeyIsHeldSinceItsAPIsPolicyIsAURLOrAVariableThatMayValidateTheToken() throws {
    let main = Self.product(
      apiPolicy: #"xml_link = "https://example.com/a.xml""#,
      extra: """
        resource "azurerm_api_management_api_policy" "b" {
          api_name    = "b"
          xml_content = var.b_policy
        }
        resource "azurerm_api_management_product_api" "pb" {
          product_id = "p"
          api_name   = "b"
        }
        """)
    try withTemporaryTree(["main.tf": main]) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "\(result.stderr)")
      expectFile(root, "main.tf", main)
      #expect(result.held.count == 1, "\(result.stderr)")
      let held = result.held.first ?? ""
      #expect(held.hasPrefix("main.tf:7:9: warning:"), "\(held)")
      #expect(held.contains("main.tf:16 (azurerm_api_management_api_policy.a)") && held.contains("xml_link"), "\(held)")
      #expect(held.contains("(azurerm_api_management_api_policy.b)") && held.contains("`var.b_policy`"), "\(held)")
    }
  }

  @Test("with --strict an unreadable child scope is an error: exit 2 and nothing written")
  func strictUnreadableChildScopeFailsTheRun() throws {
    let main = Self.product(apiPolicy: "xml_content = var.a_policy")
    try withTemporaryTree(["main.tf": main]) { root in
      let result = Self.migrate(root, ["--strict"])
      #expect(result.status == 2, "\(result.stderr)")
      #expect(result.held.count == 1 && result.held.first?.contains(": error: ") == true, "\(result.stderr)")
      expectFile(root, "main.tf", main)
    }
  }

  static let filePolicy = #"xml_content = file("${path.module}/policies/${var.env}/a.xml")"#

  @Test("a child policy file() that names no file of the run holds the product's key")
  func productKeyIsHeldSinceItsAPIsPolicyFileIsNotInTheRun() throws {
    let main = Self.product(apiPolicy: Self.filePolicy)
    try withTemporaryTree(["main.tf": main, "other/a.xml": Self.validatingPolicy]) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "\(result.stderr)")
      expectFile(root, "main.tf", main)
      #expect(result.held.count == 1, "\(result.stderr)")
      #expect(result.held.first?.contains("`policies/*/a.xml`") == true, "\(result.held)")
    }
  }

  @Test("with the child's file in the run it is decided on what it does: held for a reader, rewritten without")
  func childFileInTheRunIsDecidedNormally() throws {
    let main = Self.product(apiPolicy: Self.filePolicy)
    try withTemporaryTree(["main.tf": main, "policies/dev/a.xml": Self.validatingPolicy]) { root in
      let result = Self.migrate(root)
      #expect(result.held.isEmpty, "\(result.stderr)")
      #expect(result.stderr.contains("[authorization-child-scope]"), "\(result.stderr)")
      expectFile(root, "main.tf", main)
    }
    try withTemporaryTree(["main.tf": main, "policies/dev/a.xml": Self.plainPolicy]) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0 && result.held.isEmpty, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "main.tf") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(result.stderr)")
    }
  }

  static let apiopsAPI = keyedPolicy + "\n"
  static let brokenOperation = """
    <policies>
      <inbound>
        <base />
        <validate-jwt header-name="Authorization"><openid-config url="https://x" />
      </inbound>
    </policies>

    """

  @Test("an operation that does not parse holds its API's key, and --write does not write the API")
  func apiKeyIsNotWrittenSinceItsOperationDoesNotParse() throws {
    let tree = ["apis/a/policy.xml": Self.apiopsAPI, "apis/a/operations/o/policy.xml": Self.brokenOperation]
    try withTemporaryTree(tree) { root in
      let result = Self.migrate(root)
      #expect(result.status == 2, "\(result.stderr)")
      expectFile(root, "apis/a/policy.xml", Self.apiopsAPI)
      #expect(result.held.count == 1, "\(result.stderr)")
      #expect(
        result.held.first?.contains("apis/a/operations/o/policy.xml: it does not parse") == true, "\(result.held)")
    }
  }

  static let includingOperation = """
    <policies>
        <inbound>
            <base />
            <include-fragment fragment-id="jwt" />
        </inbound>
    </policies>

    """

  @Test("an operation that includes a fragment no scanned file defines holds its API's key")
  func apiKeyIsHeldSinceItsOperationIncludesAnUnscannedFragment() throws {
    let tree = [
      "apis/a/policy.xml": Self.apiopsAPI, "apis/a/operations/o/policy.xml": Self.includingOperation,
      "policy fragments/jwt/policy.xml": "<fragment>\n    <validate-azure-ad-token tenant-id=\"t\" />\n</fragment>\n",
    ]
    try withTemporaryTree(tree) { root in
      let result = Self.migrate(root, path: "apis")
      #expect(result.status == 0, "\(result.stderr)")
      expectFile(root, "apis/a/policy.xml", Self.apiopsAPI)
      #expect(result.held.count == 1, "\(result.stderr)")
      #expect(result.held.first?.contains("'jwt' at apis/a/operations/o/policy.xml:4") == true, "\(result.held)")
      let strict = Self.migrate(root, ["--strict"], path: "apis")
      #expect(strict.status == 2, "\(strict.stderr)")
    }
  }

  @Test("the same operation with its fragment scanned, and the fragment harmless: the API's key is rewritten")
  func apiKeyIsRewrittenWhenTheIncludedFragmentIsScannedAndHarmless() throws {
    let tree = [
      "apis/a/policy.xml": Self.apiopsAPI, "apis/a/operations/o/policy.xml": Self.includingOperation,
      "policy fragments/jwt/policy.xml":
        "<fragment>\n    <rate-limit calls=\"1\" renewal-period=\"1\" />\n</fragment>\n",
    ]
    try withTemporaryTree(tree) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0 && result.held.isEmpty, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "apis/a/policy.xml") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(result.stderr)")
    }
  }
}

extension UnreadableChildScopeCommandTests {
  /// An APIOps tree in `svc/` whose operation does not parse, with a keyed policy named `name`
  /// beside its `apis` folder.
  static func treeWithKeyedFile(named name: String) -> [String: String] {
    [
      "svc/\(name)": keyedPolicy + "\n", "svc/apis/a/policy.xml": plainPolicy,
      "svc/apis/a/operations/o/policy.xml": brokenOperation,
    ]
  }

  @Test("a policy.xml beside a tree's apis folder is its global policy: its key is held for the broken operation")
  func treeGlobalPolicyKeyIsHeldSinceAnOperationOfTheTreeDoesNotParse() throws {
    try withTemporaryTree(Self.treeWithKeyedFile(named: "policy.xml")) { root in
      let result = Self.migrate(root, path: "svc")
      #expect(result.held.count == 1, "\(result.stderr)")
      #expect(result.held.first?.hasPrefix("svc/policy.xml:") == true, "\(result.held)")
      #expect(
        result.held.first?.contains("svc/apis/a/operations/o/policy.xml: it does not parse") == true,
        "\(result.held)")
    }
  }

  @Test("mypolicy.xml beside a tree's apis folder is not its global policy: no key held for the tree's children")
  func fileOnlyEndingInPolicyXMLIsNotTakenForTheTreeGlobalPolicySinceTheNameMustBeExact() throws {
    try withTemporaryTree(Self.treeWithKeyedFile(named: "mypolicy.xml")) { root in
      let result = Self.migrate(root, path: "svc")
      #expect(result.held.isEmpty, "\(result.stderr)")
    }
  }
}
