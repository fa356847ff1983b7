import Foundation
import Testing

/// End-to-end: an `exists-action="skip"` injection after a child scope's `<base />`, below a
/// parent that sets the same key header (`rewrite-spec.md` §2a, "a nested skip after an
/// earlier injection of the same header", read along the pipeline, §2c). The parent runs at
/// `<base />`, so the skip never took effect and the backend got the parent's key; rewritten,
/// the child's MI element ran last and sent a token of its own audience instead.
@Suite struct ParentKeySkipCommandTests {
  /// An API whose key (`action`) stands in a `when` after (or before) its `<base />`.
  static func api(action: String, afterBase: Bool) -> String {
    let key = """
              <choose>
                  <when condition="@(true)">
                      <set-header name="x-functions-key" exists-action="\(action)">
                          <value>{{orders-func-key}}</value>
                      </set-header>
                  </when>
              </choose>

      """
    let base = "        <base />\n"
    return "<policies>\n    <inbound>\n" + (afterBase ? base + key : key + base) + "    </inbound>\n</policies>\n"
  }

  /// `migrate` below a global policy that sets the key header: the `skipped-key-injection`
  /// findings, and whether the API's key was rewritten.
  static func migrate(_ api: String) throws -> (found: [String], rewritten: Bool, stderr: String) {
    let global = Policies.keyAfterBase("global-func-key").replacingOccurrences(of: "<base />\n", with: "")
    return try withTemporaryTree(["policy.xml": global, "apis/orders/policy.xml": api]) { root in
      let result = CLI.migrate(root, rule: "skipped-key-injection")
      #expect(result.status == 0, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "apis/orders/policy.xml") ?? [], as: UTF8.self)
      return (result.found, written != api, result.stderr)
    }
  }

  @Test("a skip key after <base /> below a parent that sets the header is held, naming the parent")
  func skipAfterBaseBelowAParentKeyIsHeld() throws {
    let result = try Self.migrate(Self.api(action: "skip", afterBase: true))
    #expect(result.found.count == 1, "\(result.stderr)")
    #expect(
      result.found.first?.contains(
        "after the <base /> at line 3, where policy.xml, a parent scope, sets the key header")
        == true, "\(result.found)")
    #expect(!result.rewritten)
  }

  @Test(
    "a skip key before <base />, or an override after it, is rewritten below a parent key",
    arguments: [("skip", false), ("override", true)])
  func skipBeforeBaseOrOverrideIsRewritten(action: String, afterBase: Bool) throws {
    let result = try Self.migrate(Self.api(action: action, afterBase: afterBase))
    #expect(result.found.isEmpty, "\(result.found)")
    #expect(result.rewritten, "\(result.stderr)")
  }
}
