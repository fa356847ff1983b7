import Foundation
import Testing

/// End-to-end: a parent scope that reads the caller's `Authorization` runs before a child's
/// MI element after the child's `<base />` (`rewrite-spec.md` §2a, "a reader before the MI
/// element ... rewritten, with a note", read along the pipeline, §2c). The key is rewritten,
/// and the note says that the backend now receives APIM's token, as it does within one file.
@Suite struct ParentReaderNoteCommandTests {
  /// An API policy `api` above an operation whose key stands after its `<base />`: `migrate`'s
  /// `authorization-token-replaced` findings, and whether the operation was rewritten.
  static func migrate(api: String) throws -> (found: [String], rewritten: Bool, stderr: String) {
    let operation = Policies.keyAfterBase("orders-func-key")
    let files = ["apis/orders/policy.xml": api, "apis/orders/operations/get/policy.xml": operation]
    return try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-token-replaced")
      #expect(result.status == 0, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "apis/orders/operations/get/policy.xml") ?? [], as: UTF8.self)
      return (result.found, written != operation, result.stderr)
    }
  }

  @Test("a parent that validates the caller's token before the child's MI element: rewritten, with a note naming it")
  func parentReaderBeforeTheChildsManagedIdentityGetsANote() throws {
    let result = try Self.migrate(api: Policies.tokenValidator)
    #expect(result.rewritten, "\(result.stderr)")
    #expect(result.found.count == 1, "\(result.stderr)")
    #expect(
      result.found.first?.contains(
        "apis/orders/policy.xml, a parent scope that runs at this scope's <base />, reads the caller's Authorization header"
      ) == true, "\(result.found)")
  }

  @Test("a parent that does not read the header: rewritten, with no note")
  func parentWithoutReaderGivesNoNote() throws {
    let result = try Self.migrate(api: Policies.rateLimited)
    #expect(result.rewritten, "\(result.stderr)")
    #expect(result.found.isEmpty, "\(result.found)")
  }
}
