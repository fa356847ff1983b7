import Foundation
import Testing

/// End-to-end: the messages about what runs after (or before) the MI element say what that
/// element does: a remover strips APIM's token, a possible reader may read it, and a note names
/// every possible reader the MI element is placed after. The decisions do not change.
@Suite struct AuthorizationWordingCommandTests {
  static let key = """
    <set-header name="x-functions-key" exists-action="override">
                        <value>{{fn-key}}</value>
                    </set-header>
    """

  /// An API policy with the key nested in a `when`, then `after` at the top of the `<inbound>`.
  static func nested(_ after: String) -> String {
    """
    <policies>
        <inbound>
            <base />
            <choose>
                <when condition="@(true)">
                    \(Self.key)
                </when>
            </choose>
            \(after)
        </inbound>
    </policies>
    """
  }

  /// `migrate --write` on `api`: stderr, and whether the file was left as it was.
  static func migrate(_ api: String) throws -> (stderr: String, unchanged: Bool) {
    try withTemporaryTree(["policy.xml": "<policies>\n    <inbound />\n</policies>\n", "apis/a/policy.xml": api]) {
      root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      return (result.stderr, CLI.read(root, "apis/a/policy.xml") == Array(api.utf8))
    }
  }

  @Test("a remover after a nested key strips APIM's token: it was said to get it; still held")
  func removerAfterANestedKeyStripsTheToken() throws {
    let (stderr, unchanged) = try Self.migrate(
      Self.nested(#"<set-header name="Authorization" exists-action="delete" />"#))
    #expect(stderr.contains("which removes the Authorization header: it would strip APIM's token"), "\(stderr)")
    #expect(stderr.contains("[authorization-reader-after-managed-identity]") && unchanged, "\(stderr)")
  }

  @Test("a possible reader after a nested key may read the header: it was said to read the caller's; still held")
  func possibleReaderAfterANestedKeyMayReadIt() throws {
    let (stderr, unchanged) = try Self.migrate(
      Self.nested(#"<check-header name="{{auth-hdr}}" failed-check-httpcode="401" failed-check-error-message="no" />"#))
    #expect(stderr.contains("which reads a header named by a named value"), "\(stderr)")
    #expect(!stderr.contains("reads the caller's Authorization header"), "\(stderr)")
    #expect(stderr.contains("[authorization-reader-after-managed-identity]") && unchanged, "\(stderr)")
  }

  @Test("a reader after a nested key reads the caller's Authorization header, as before")
  func readerAfterANestedKeyKeepsItsWording() throws {
    let (stderr, unchanged) = try Self.migrate(
      Self.nested(#"<check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="no" />"#)
    )
    #expect(stderr.contains("which reads the caller's Authorization header and would get APIM's token instead"))
    #expect(unchanged, "\(stderr)")
  }

  @Test("two possible readers before the MI element: the note named only the last; it names both")
  func noteNamesEveryPossibleReader() throws {
    let api = """
      <policies>
          <inbound>
              <base />
              <set-header name="x-functions-key" exists-action="override"><value>{{fn-key}}</value></set-header>
              <validate-jwt header-name="{{auth-hdr}}" failed-validation-httpcode="401" />
              <check-header name="{{other-hdr}}" failed-check-httpcode="401" failed-check-error-message="no" />
          </inbound>
      </policies>
      """
    let (stderr, unchanged) = try Self.migrate(api)
    #expect(stderr.contains("<validate-jwt> at line 5 and <check-header> at line 6 read headers named by"), "\(stderr)")
    #expect(stderr.contains("[authorization-possible-reader]") && !unchanged, "\(stderr)")
  }
}
