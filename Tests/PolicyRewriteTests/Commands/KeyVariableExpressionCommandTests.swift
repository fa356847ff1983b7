import Foundation
import Testing

/// End-to-end: a `set-variable` whose value is an expression that only returns a key's named
/// value (`@("{{fn-key}}")`) goes with the injection that is its only reader, as
/// `value="{{fn-key}}"` does, and `check` reports it as a remaining key (`rewrite-spec.md` §2b:
/// "an expression that returns one of them").
@Suite struct KeyVariableExpressionCommandTests {
  /// An API policy that copies the key into `fk` with `value`, then the injection that reads
  /// it, then `more`.
  static func api(_ value: String, more: String = "") -> String {
    """
    <policies>
        <inbound>
            <base />
            <set-variable name="fk" value="\(value)" />
            <set-header name="x-functions-key" exists-action="override">
                <value>@((string)context.Variables["fk"])</value>
            </set-header>\(more)
        </inbound>
    </policies>

    """
  }

  static let migrated = """
    <policies>
        <inbound>
            <base />
            <authentication-managed-identity resource="\(CLI.resource)" />
        </inbound>
    </policies>

    """

  static let global = "<policies>\n    <inbound />\n</policies>\n"

  /// `migrate --write` on a tree of the global policy and `api`: stderr and the written API.
  static func migrate(_ api: String) throws -> (stderr: String, written: String) {
    try withTemporaryTree(["policy.xml": Self.global, "apis/a/policy.xml": api]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      return (result.stderr, String(decoding: CLI.read(root, "apis/a/policy.xml") ?? [], as: UTF8.self))
    }
  }

  static let expressions = [
    "@(&quot;{{fn-key}}&quot;)", #"@("{{fn-key}}")"#, "@((string)&quot;{{fn-key}}&quot;)", "{{fn-key}}",
  ]

  @Test(
    "a set-variable that only returns the key, read only by the removed injection, would keep the key: removed",
    arguments: expressions)
  func expressionCopyReadOnlyByTheInjectionIsRemoved(value: String) throws {
    let (stderr, written) = try Self.migrate(Self.api(value))
    #expect(written == Self.migrated, "\(written)\nstderr: \(stderr)")
  }

  @Test(
    "a set-variable that only returns the key and that something else reads stays, with review", arguments: expressions)
  func expressionCopyReadElsewhereStaysWithReview(value: String) throws {
    let more =
      "\n        <set-header name=\"x-copy\" exists-action=\"override\"><value>@((string)context.Variables[\"fk\"])</value></set-header>"
    let (stderr, written) = try Self.migrate(Self.api(value, more: more))
    #expect(stderr.contains("[key-variable]"), "stderr: \(stderr)")
    #expect(written.contains(#"<set-variable name="fk" value="\#(value)" />"#), "\(written)")
    #expect(!written.contains("x-functions-key"), "\(written)")
  }

  @Test("an expression that does more than return the key is not a copy of it: it stays, as before")
  func expressionThatTransformsTheKeyStays() throws {
    let value = "@(&quot;{{fn-key}}&quot;.ToUpper())"
    let (_, written) = try Self.migrate(Self.api(value))
    #expect(written.contains(#"<set-variable name="fk" value="\#(value)" />"#), "\(written)")
  }

  @Test("check reports a set-variable that only returns a key's named value as a remaining key", arguments: expressions)
  func checkReportsTheExpressionCopy(value: String) throws {
    let policy =
      "<policies>\n    <inbound>\n        <base />\n        <set-variable name=\"fk\" value=\"\(value)\" />\n    </inbound>\n</policies>\n"
    try withTemporaryTree(["policy.xml": policy]) { root in
      let result = run(["check", "policy.xml"], cwd: root)
      #expect(result.status == 1, "stderr: \(result.stderr)")
      #expect(
        result.stderr.contains("named value 'fn-key'") && result.stderr.contains("[key-variable]"), "\(result.stderr)")
    }
  }
}
