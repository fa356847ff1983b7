import Foundation
import Testing

/// End-to-end: the injection's `<value>` names its named value also inside a CDATA section or
/// as the string an expression only returns, so the map entry for that named value gives the
/// resource, and `check` names it (`rewrite-spec.md` §2b, "Which resource").
@Suite struct WrappedNamedValueCommandTests {
  static func api(_ value: String) -> String {
    """
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key" exists-action="override"><value>\(value)</value></set-header>
        </inbound>
    </policies>

    """
  }

  static let map = #"{"default": "api://d", "byNamedValue": {"fn-key": "api://fn"}}"#

  /// `migrate --write` with the map, then `check` on the original: both runs' stderr and the
  /// written API.
  static func run(_ value: String) throws -> (migrate: String, check: String, written: String) {
    let files = ["map.json": Self.map, "policy.xml": "<policies>\n    <inbound />\n</policies>\n"]
    let check = try withTemporaryTree(files.merging(["apis/a/policy.xml": Self.api(value)]) { $1 }) { root in
      PolicyRewriteTests.run(["check", "."], cwd: root).stderr
    }
    return try withTemporaryTree(files.merging(["apis/a/policy.xml": Self.api(value)]) { $1 }) { root in
      let result = PolicyRewriteTests.run(["migrate", "--write", "--resource-map", "map.json", "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      return (result.stderr, check, String(decoding: CLI.read(root, "apis/a/policy.xml") ?? [], as: UTF8.self))
    }
  }

  @Test(
    "a named value in CDATA or returned by an expression is the injection's: its map entry applies, not the default",
    arguments: ["<![CDATA[{{fn-key}}]]>", #"@("{{fn-key}}")"#, "@((string)&quot;{{fn-key}}&quot;)", "{{fn-key}}"])
  func wrappedNamedValueGetsItsMapEntry(value: String) throws {
    let (migrate, check, written) = try Self.run(value)
    #expect(written.contains(#"<authentication-managed-identity resource="api://fn" />"#), "\(written)\n\(migrate)")
    #expect(!migrate.contains("[unused-map-entry]"), "\(migrate)")
    #expect(check.contains("from named value 'fn-key'"), "\(check)")
  }

  @Test("an expression that builds the value from more than one named value names none: the default applies")
  func expressionOfSeveralNamedValuesGetsTheDefault() throws {
    let (migrate, _, written) = try Self.run(#"@("{{fn-key}}" + "{{other}}")"#)
    #expect(written.contains(#"<authentication-managed-identity resource="api://d" />"#), "\(written)\n\(migrate)")
  }
}
