import Foundation
import Testing

/// A run that rewrites a key while no global policy is among its files says, in one closing
/// line, that the global scope was not checked: every pipeline runs it, and a `validate-jwt` on
/// `Authorization` there would reject APIM's token.
@Suite struct NoGlobalPolicyCommandTests {
  static let api = Policies.keyAfterBase("orders-func-key") + "\n"
  static let line = "no global policy among the scanned files: whether the global scope reads, removes or writes"

  @Test("migrate and plan of an API key with no global policy in the run say the global scope was not checked")
  func rewriteWithoutGlobalPolicyCannotSeeItsJWTCheck() throws {
    try withTemporaryTree(["apis/orders/policy.xml": Self.api]) { root in
      let migrate = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      #expect(migrate.status == 0, "\(migrate.stderr)")
      #expect(migrate.stderr.split(separator: "\n").filter { $0.hasPrefix(Self.line) }.count == 1, "\(migrate.stderr)")
      let plan = run(["plan", "--resource", CLI.resource, "."], cwd: root)
      let stdout = String(decoding: plan.stdout, as: UTF8.self)
      #expect(stdout.split(separator: "\n").filter { $0.hasPrefix(Self.line) }.count == 1, "\(stdout)")
    }
  }

  @Test("with the tree's global policy in the run, no such line")
  func globalPolicyInTheRunIsChecked() throws {
    let files = ["policy.xml": "<policies><inbound /></policies>\n", "apis/orders/policy.xml": Self.api]
    try withTemporaryTree(files) { root in
      let migrate = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      #expect(migrate.status == 0, "\(migrate.stderr)")
      #expect(!migrate.stderr.contains(Self.line), "\(migrate.stderr)")
    }
  }

  @Test("nothing rewritten, no line")
  func nothingRewrittenNeedsNoGlobalPolicy() throws {
    try withTemporaryTree(["apis/orders/policy.xml": "<policies><inbound><base /></inbound></policies>\n"]) { root in
      let migrate = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      #expect(!migrate.stderr.contains(Self.line), "\(migrate.stderr)")
    }
  }
}
