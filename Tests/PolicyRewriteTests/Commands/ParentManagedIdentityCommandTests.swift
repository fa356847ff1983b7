import Foundation
import Testing

/// End-to-end: a parent scope's `<authentication-managed-identity>` writes `Authorization` in
/// every pipeline of its children (`rewrite-spec.md` §2a: an MI element is a writer; §2c: in
/// the pipeline). A child's key was rewritten below a parent's MI element of another resource:
/// the two tokens then overwrite each other, and the backend gets whichever runs last. An MI
/// element with the key's own resource writes the same token, and one that only fills a
/// variable leaves the header alone.
@Suite struct ParentManagedIdentityCommandTests {
  static func parent(_ attributes: String) -> String {
    """
    <policies>
        <inbound>
            <base />
            <authentication-managed-identity \(attributes) />
        </inbound>
    </policies>

    """
  }

  static let key = Policies.keyAfterBase("orders-func-key")

  /// A product `gold` holding API `orders`, whose policy has a key, below a product (or, with
  /// `global`, a global) policy ``parent(_:)`` with `attributes`; `migrate` with
  /// `CLI.resource`: the `authorization-writer` findings, and whether the key was rewritten.
  static func migrate(parent attributes: String, global: Bool = false) throws -> (
    found: [String], rewritten: Bool, stderr: String
  ) {
    var files = ["apis/orders/policy.xml": key]
    if global {
      files["policy.xml"] = parent(attributes)
    } else {
      files["products/gold/policy.xml"] = parent(attributes)
      files["products/gold/apis.json"] = "[\"orders\"]\n"
    }
    return try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-writer")
      #expect(result.status == 0, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "apis/orders/policy.xml") ?? [], as: UTF8.self)
      return (result.found, written != key, result.stderr)
    }
  }

  @Test("a parent's MI element of another resource holds the child's key, naming the parent", arguments: [false, true])
  func parentManagedIdentityOfAnotherResourceHoldsTheKey(global: Bool) throws {
    let result = try Self.migrate(parent: "resource=\"api://other\"", global: global)
    #expect(result.found.count == 1, "\(result.stderr)")
    let parent = global ? "policy.xml" : "products/gold/policy.xml"
    #expect(
      result.found.first?.contains("\(parent) (<authentication-managed-identity> for resource 'api://other')") == true,
      "\(result.found)")
    #expect(!result.rewritten)
  }

  @Test(
    "a parent's MI element with the key's own resource, or one that only fills a variable, lets the key be rewritten",
    arguments: [
      "resource=\"\(CLI.resource)\"",
      "resource=\"api://other\" output-token-variable-name=\"token\"",
    ])
  func parentManagedIdentityThatKeepsTheTokenLetsTheKeyBeRewritten(attributes: String) throws {
    let result = try Self.migrate(parent: attributes)
    #expect(result.found.isEmpty, "\(result.found)")
    #expect(result.rewritten, "\(result.stderr)")
  }

  @Test("Terraform: a product policy's MI element of another resource holds its API's key")
  func terraformParentManagedIdentityHoldsTheAPIsKey() throws {
    let files = Policies.terraformProductAndAPI(product: Self.parent("resource=\"api://other\""), api: Self.key)
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-writer")
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.contains("gold.xml") == true, "\(result.found)")
      expectFile(root, "orders.xml", Self.key)
    }
  }
}
