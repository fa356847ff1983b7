import Foundation
import Testing

/// A policy read from standard input is placed by nothing but `--stdin-filename`: without it,
/// its scope is unknown (`scope-unknown`, an error with `--strict`); with it, the policy is
/// placed by that path and its parents and children on disk are looked for as for a named file.
@Suite struct StandardInputScopeCommandTests {
  static let api = Policies.keyAfterBase("orders-func-key") + "\n"
  /// An operation that validates the caller's JWT after its `<base />`: it would reject APIM's
  /// token once the API's key is migrated.
  static let operationJWT = """
    <policies>
        <inbound>
            <base />
            <validate-jwt header-name="Authorization" failed-validation-httpcode="401">
                <openid-config url="https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration" />
            </validate-jwt>
        </inbound>
    </policies>

    """
  static let files = ["apis/orders/policy.xml": api, "apis/orders/operations/get/policy.xml": operationJWT]

  @Test("standard input alone has an unknown scope: --strict refuses it")
  func standardInputCannotSeeTheOperationThatValidatesTheJWT() throws {
    try withTemporaryTree(Self.files) { root in
      let stdin = Data(Self.api.utf8)
      let result = run(["migrate", "--strict", "--resource", CLI.resource, "-"], cwd: root, stdin: stdin)
      #expect(result.status == 2, "\(result.stderr)")
      #expect(result.stderr.contains("<stdin>:1:1: error: the scope of this policy is not known"), "\(result.stderr)")
      #expect(result.stderr.contains("[scope-unknown]"), "\(result.stderr)")
      let plan = run(["plan", "--strict", "--resource", CLI.resource, "-"], cwd: root, stdin: stdin)
      #expect(plan.status == 2, "\(plan.stderr)")
    }
  }

  @Test("with --stdin-filename, the children on disk are looked for: the unseen operation stops --strict")
  func stdinFilenameLooksForTheChildScopesOnDisk() throws {
    try withTemporaryTree(Self.files) { root in
      let result = run(
        ["migrate", "--strict", "--resource", CLI.resource, "--stdin-filename", "apis/orders/policy.xml", "-"],
        cwd: root, stdin: Data(Self.api.utf8))
      #expect(result.status == 2, "\(result.stderr)")
      #expect(
        result.stderr.contains(
          "apis/orders/policy.xml:1:1: error: child scopes of this policy are on disk but not in this run (apis/orders/operations/get/policy.xml)"
        ), "\(result.stderr)")
      #expect(!result.stderr.contains("[scope-unknown]"), "\(result.stderr)")
    }
  }

  @Test("with --stdin-filename of a file with no parents or children, standard input is migrated")
  func stdinFilenameWithNothingAroundIsMigrated() throws {
    try withTemporaryTree(["apis/orders/policy.xml": Self.api]) { root in
      let result = run(
        ["migrate", "--strict", "--resource", CLI.resource, "--stdin-filename", "apis/orders/policy.xml", "-"],
        cwd: root, stdin: Data(Self.api.utf8))
      #expect(result.status == 0, "\(result.stderr)")
      #expect(String(decoding: result.stdout, as: UTF8.self).contains("<authentication-managed-identity"))
    }
  }
}
