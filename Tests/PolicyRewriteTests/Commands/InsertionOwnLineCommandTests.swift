import Foundation
import Testing

/// End-to-end: when the MI element's reference sibling shares its line with `</inbound>`, the
/// MI element still gets a line of its own, indented like the sibling, with the file's line
/// terminator (`rewrite-spec.md` §3); a policy written on one line stays on one line.
@Suite struct InsertionOwnLineCommandTests {
  static let mi = #"<authentication-managed-identity resource="\#(CLI.resource)" />"#
  static let key =
    #"<set-header name="x-functions-key" exists-action="override"><value>{{fn-key}}</value></set-header>"#

  /// `migrate --write` on `policy` as an API policy: the written bytes.
  static func migrated(_ policy: String) throws -> [UInt8] {
    try withTemporaryTree(["policy.xml": "<policies>\n    <inbound />\n</policies>\n", "apis/a/policy.xml": policy]) {
      root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      return CLI.read(root, "apis/a/policy.xml") ?? []
    }
  }

  @Test("<base /></inbound> on one line: the MI element was appended on that line; it gets its own")
  func baseSharingItsLineWithTheEndTag() throws {
    let written = try Self.migrated(
      "<policies>\r\n    <inbound>\r\n        \(Self.key)\r\n        <base /></inbound>\r\n</policies>\r\n")
    #expect(
      shown(written)
        == shown(
          Array(
            "<policies>\r\n    <inbound>\r\n        <base />\r\n        \(Self.mi)\r\n    </inbound>\r\n</policies>\r\n"
              .utf8)))
  }

  @Test("the last reader then </inbound> on one line: the MI element after it, on a line of its own")
  func lastReaderSharingItsLineWithTheEndTag() throws {
    let reader = #"<check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="no" />"#
    let written = try Self.migrated(
      "<policies>\n\t<inbound>\n\t\t\(Self.key)\n\t\t\(reader)</inbound>\n</policies>")
    #expect(
      shown(written)
        == shown(Array("<policies>\n\t<inbound>\n\t\t\(reader)\n\t\t\(Self.mi)\n\t</inbound>\n</policies>".utf8)))
  }

  @Test("an <inbound> written on one line stays on one line, as before")
  func oneLineInboundStays() throws {
    let written = try Self.migrated("<policies>\n  <inbound><base />\(Self.key)</inbound>\n</policies>\n")
    #expect(shown(written) == shown(Array("<policies>\n  <inbound><base />\(Self.mi)</inbound>\n</policies>\n".utf8)))
  }
}
