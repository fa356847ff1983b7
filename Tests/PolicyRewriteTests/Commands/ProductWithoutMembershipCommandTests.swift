import Foundation
import Testing

/// An APIOps product without `apis.json` may hold any API of its tree: its writers of
/// `Authorization` and its backends that are not a Function App count for each API, as its
/// readers do. Otherwise the API's Managed Identity token overwrites the product's credential,
/// or is sent to the product's other backend.
@Suite struct ProductWithoutMembershipCommandTests {
  static let api = Policies.keyAfterBase("a-func-key") + "\n"
  static let writer = """
    <policies>
        <inbound>
            <base />
            <set-header name="Authorization" exists-action="override"><value>Basic {{basic}}</value></set-header>
        </inbound>
    </policies>

    """
  static let router = """
    <policies>
        <inbound>
            <base />
            <choose><when condition="@(context.Request.Url.Path.Contains(&quot;legacy&quot;))"><set-backend-service base-url="https://legacy.contoso.com" /></when></choose>
        </inbound>
    </policies>

    """

  @Test("a product without apis.json that writes Authorization holds the API's key (overwritten credential)")
  func productWriterWithoutMembershipHoldsTheAPIKey() throws {
    try withTemporaryTree(["apis/a/policy.xml": Self.api, "products/p/policy.xml": Self.writer]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.stderr.contains("apis/a/policy.xml:4:9: warning:"), "\(result.stderr)")
      #expect(result.stderr.contains("[authorization-writer]"), "\(result.stderr)")
      #expect(CLI.read(root, "apis/a/policy.xml") == Array(Self.api.utf8))
    }
  }

  @Test("a product without apis.json that routes to another backend holds the API's key (token leak)")
  func productOtherBackendWithoutMembershipHoldsTheAPIKey() throws {
    try withTemporaryTree(["apis/a/policy.xml": Self.api, "products/p/policy.xml": Self.router]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.stderr.contains("[authorization-other-backend]"), "\(result.stderr)")
      #expect(CLI.read(root, "apis/a/policy.xml") == Array(Self.api.utf8))
    }
  }

  @Test("a product whose apis.json leaves the API out does not hold its key")
  func productWithMembershipThatLeavesTheAPIOutDoesNotHold() throws {
    let tree = [
      "apis/a/policy.xml": Self.api, "products/p/policy.xml": Self.writer,
      "products/p/apis.json": "[{\"name\":\"b\"}]\n",
    ]
    try withTemporaryTree(tree) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(!result.stderr.contains("[authorization-writer]"), "\(result.stderr)")
      #expect(CLI.read(root, "apis/a/policy.xml") != Array(Self.api.utf8))
    }
  }

  @Test("a product without apis.json in another tree does not hold the API's key")
  func productOfAnotherTreeDoesNotHold() throws {
    try withTemporaryTree(["one/apis/a/policy.xml": Self.api, "two/products/p/policy.xml": Self.writer]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(!result.stderr.contains("[authorization-writer]"), "\(result.stderr)")
      #expect(CLI.read(root, "one/apis/a/policy.xml") != Array(Self.api.utf8))
    }
  }
}
