import Foundation
import Testing

/// End-to-end: a child scope's `<authentication-managed-identity>` after its `<base />` runs
/// after every parent and writes `Authorization` (`rewrite-spec.md` §2a, Scopes: a child that
/// writes the header after its `<base />` overwrites the parent's token). A parent's key was
/// rewritten under such a child: the child's backend then got neither the key nor a token of
/// the key's resource. An MI element with the key's own resource writes the same token, and
/// one that only fills a variable leaves the header alone.
@Suite struct ChildManagedIdentityCommandTests {
  static func child(_ attributes: String) -> String {
    """
    <policies>
        <inbound>
            <base />
            <authentication-managed-identity \(attributes) />
        </inbound>
    </policies>

    """
  }

  /// A global key above an API whose policy is ``child(_:)`` with `attributes`; `migrate` with
  /// `CLI.resource`: the `authorization-child-scope` findings, and whether the key was rewritten.
  static func migrate(child attributes: String) throws -> (found: [String], rewritten: Bool, stderr: String) {
    let files = [
      "policy.xml": Policies.keyAfterBase("global-func-key").replacingOccurrences(of: "<base />\n", with: ""),
      "apis/orders/policy.xml": child(attributes),
    ]
    return try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "policy.xml") ?? [], as: UTF8.self)
      return (result.found, written.contains("<authentication-managed-identity"), result.stderr)
    }
  }

  @Test("a child's MI element of another resource after its <base /> holds the parent's key, naming it")
  func childManagedIdentityOfAnotherResourceAfterBaseHoldsTheParentsKey() throws {
    let result = try Self.migrate(child: "resource=\"api://other\"")
    #expect(result.found.count == 1, "\(result.stderr)")
    #expect(
      result.found.first?.contains(
        "apis/orders/policy.xml:4, which writes the Authorization header after its <base /> (<authentication-managed-identity> for resource 'api://other', not this key's)"
      ) == true, "\(result.found)")
    #expect(!result.rewritten)
  }

  @Test(
    "a child's MI element with the key's own resource, or one that only fills a variable, lets the key be rewritten",
    arguments: [
      "resource=\"\(CLI.resource)\"",
      "resource=\"api://other\" output-token-variable-name=\"token\"",
    ])
  func childManagedIdentityThatKeepsTheTokenLetsTheKeyBeRewritten(attributes: String) throws {
    let result = try Self.migrate(child: attributes)
    #expect(result.found.isEmpty, "\(result.found)")
    #expect(result.rewritten, "\(result.stderr)")
  }

  @Test("Terraform: an API policy's MI element of another resource after <base /> holds its product's key")
  func terraformChildManagedIdentityHoldsTheProductsKey() throws {
    let files = Policies.terraformProductAndAPI(
      product: Policies.keyAfterBase("gold-func-key"), api: Self.child("resource=\"api://other\""))
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.contains("orders.xml:4, which writes the Authorization header") == true)
      expectFile(root, "gold.xml", files["gold.xml"] ?? "")
    }
  }
}
