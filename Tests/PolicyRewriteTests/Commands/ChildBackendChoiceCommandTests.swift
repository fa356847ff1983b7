import Foundation
import Testing

/// End-to-end: a parent that sends some requests to another backend holds a child's key unless
/// the child sends every request to a Function App after its `<base />` (`rewrite-spec.md` §2a,
/// §2c); a `choose` with an `otherwise` that sets the Function App in every branch does.
@Suite struct ChildBackendChoiceCommandTests {
  static let api = """
    <policies>
        <inbound>
            <base />
            <choose>
                <when condition="@(context.Request.Headers.ContainsKey(&quot;X-Legacy&quot;))">
                    <set-backend-service backend-id="legacy-erp" />
                </when>
            </choose>
        </inbound>
    </policies>
    """

  /// An operation with the key after `<base />` and a `choose` of `branches`.
  static func operation(_ branches: String) -> String {
    """
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key" exists-action="override"><value>{{a-func-key}}</value></set-header>
            <choose>
                \(branches)
            </choose>
        </inbound>
    </policies>
    """
  }

  static let function = #"<set-backend-service base-url="https://a-func.azurewebsites.net/api" />"#

  @Test("an operation that sets the Function App in its when and its otherwise is migrated: no request reaches legacy")
  func choiceCoveringEveryRequestIsMigrated() throws {
    let operation = Self.operation(
      #"<when condition="@(true)">\#(Self.function)</when><otherwise>\#(Self.function)</otherwise>"#)
    try withTemporaryTree(["apis/a/policy.xml": Self.api, "apis/a/operations/o/policy.xml": operation]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(!result.stderr.contains("[authorization-other-backend]"), "stderr: \(result.stderr)")
      let written = String(decoding: CLI.read(root, "apis/a/operations/o/policy.xml") ?? [], as: UTF8.self)
      #expect(written.contains(#"<authentication-managed-identity resource="\#(CLI.resource)" />"#), "\(written)")
    }
  }

  @Test("an operation whose choose has no otherwise would let legacy receive APIM's token: held")
  func choiceWithoutOtherwiseIsHeld() throws {
    let operation = Self.operation(#"<when condition="@(true)">\#(Self.function)</when>"#)
    try withTemporaryTree(["apis/a/policy.xml": Self.api, "apis/a/operations/o/policy.xml": operation]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(result.stderr.contains("[authorization-other-backend]"), "stderr: \(result.stderr)")
      expectFile(root, "apis/a/operations/o/policy.xml", operation)
    }
  }
}
