import Foundation
import Testing

/// A scanned policy that nothing places (no APIOps folder, declaration or file name) may run
/// below the global policy: a global key is held when such a policy reads, removes or writes
/// `Authorization` after its `<base />`, as it is for a declared child whose name the run does not
/// resolve.
@Suite struct UnplacedChildOfGlobalCommandTests {
  static let global = """
    <policies>
        <inbound>
            <set-header name="x-functions-key" exists-action="override">
                <value>{{shared-func-key}}</value>
            </set-header>
        </inbound>
        <backend>
            <forward-request />
        </backend>
    </policies>

    """
  static let validatesJWTAfterBase = """
    <policies>
        <inbound>
            <base />
            <validate-jwt header-name="Authorization" failed-validation-httpcode="401">
                <openid-config url="https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration" />
            </validate-jwt>
        </inbound>
    </policies>

    """

  @Test("a global key is held when an unplaced policy validates the JWT after its <base />")
  func unplacedPolicyWouldRejectTheGlobalToken() throws {
    let files = ["apim/policy.xml": Self.global, "misc/op_policy.xml": Self.validatesJWTAfterBase]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--strict", "--write", "--resource", CLI.resource, "."], cwd: root)
      let held = result.stderr.split(separator: "\n").filter { $0.hasSuffix("[authorization-child-scope]") }
      #expect(held.count == 1, "\(result.stderr)")
      #expect(
        held.first?.contains(
          "misc/op_policy.xml:4, which reads the Authorization header after its <base /> (<validate-jwt>), whose scope the run does not know"
        ) == true, "\(held)")
      #expect(CLI.read(root, "apim/policy.xml") == Array(Self.global.utf8))
    }
  }

  @Test("an unplaced policy that does not touch Authorization does not hold the global key")
  func unplacedPolicyWithoutReaderLetsTheGlobalKeyGo() throws {
    let files = [
      "apim/policy.xml": Self.global, "misc/op_policy.xml": "<policies><inbound><base /></inbound></policies>\n",
    ]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--strict", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(!result.stderr.contains("[authorization-child-scope]"), "\(result.stderr)")
      #expect(CLI.read(root, "apim/policy.xml") != Array(Self.global.utf8))
    }
  }
}
