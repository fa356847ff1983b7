import Foundation
import Testing

/// End-to-end: a `set-backend-service` in a branch of the same `<inbound>` that names another
/// backend by `backend-id` holds the direct-child key (`authorization-other-backend`), as the
/// same element in a parent scope does (`rewrite-spec.md` §2a; `docs/rewrite-rules.md`: not
/// `*.azurewebsites.net`, no `func`/`fn` in its name or host). A `base-url` beside it decides
/// by its host.
@Suite struct BranchBackendIDCommandTests {
  /// An API policy with the key after `<base />`, then `backend` in a `when`, after `top`.
  static func api(_ backend: String, top: String = "") -> String {
    """
    <policies>
        <inbound>
            <base />\(top.isEmpty ? "" : "\n        " + top)
            <set-header name="x-functions-key" exists-action="override">
                <value>{{fn-key}}</value>
            </set-header>
            <choose>
                <when condition="@(true)">
                    \(backend)
                </when>
            </choose>
        </inbound>
        <backend>
            <base />
        </backend>
    </policies>
    """
  }

  static let global = "<policies>\n    <inbound />\n</policies>\n"

  /// Runs `migrate --write` on a tree of the global policy and `api`.
  static func migrate(_ api: String, extra: [String: String] = [:]) throws -> (stderr: String, written: String) {
    try withTemporaryTree(["policy.xml": Self.global, "apis/a/policy.xml": api].merging(extra) { $1 }) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      return (result.stderr, String(decoding: CLI.read(root, "apis/a/policy.xml") ?? [], as: UTF8.self))
    }
  }

  @Test(
    "a branch's backend-id that names no Function App would receive APIM's token: held, as in a parent scope",
    arguments: [
      #"<set-backend-service backend-id="legacy-backend" />"#,
      #"<set-backend-service backend-id="{{legacy-backend}}" />"#,
    ])
  func branchBackendIDOfAnotherBackendIsHeld(backend: String) throws {
    let api = Self.api(backend)
    let (stderr, written) = try Self.migrate(api)
    #expect(stderr.contains("[authorization-other-backend]"), "stderr: \(stderr)")
    #expect(written == api, "\(written)")
  }

  @Test("a base-url beside a Function App's backend-id sends the request to its host: that host decides, held")
  func baseURLToAnotherHostDecidesOverAFunctionBackendID() throws {
    let api = Self.api(#"<set-backend-service backend-id="orders-func" base-url="https://legacy.example.com" />"#)
    let (stderr, written) = try Self.migrate(api)
    #expect(stderr.contains("[authorization-other-backend]"), "stderr: \(stderr)")
    #expect(written == api, "\(written)")
  }

  @Test(
    "a branch's backend-id that names a Function App, or the backend every request already gets, is still migrated",
    arguments: [
      (#"<set-backend-service backend-id="orders-func" />"#, ""),
      (
        #"<set-backend-service backend-id="orders-api" />"#,
        #"<set-backend-service backend-id="orders-api" />"#
      ),
      (#"<set-backend-service backend-id="legacy" base-url="https://orders-func.azurewebsites.net/api" />"#, ""),
    ])
  func branchBackendOfTheFunctionAppIsMigrated(backend: String, top: String) throws {
    let (stderr, written) = try Self.migrate(Self.api(backend, top: top))
    #expect(!stderr.contains("[authorization-other-backend]"), "stderr: \(stderr)")
    #expect(written.contains(#"<authentication-managed-identity resource="\#(CLI.resource)" />"#), "\(written)")
    #expect(!written.contains("x-functions-key"), "\(written)")
  }

  /// An APIOps `backends/<id>/backendInformation.json` that gives backend `id` the URL `url`.
  static func backend(_ id: String, url: String) -> [String: String] {
    ["backends/\(id)/backendInformation.json": #"{"properties": {"url": "\#(url)", "protocol": "http"}}"#]
  }

  @Test(
    "a branch's backend-id that the run's backendInformation.json resolves to another host: held, whatever its name")
  func backendIDResolvedToAnotherHostIsHeld() throws {
    let api = Self.api(#"<set-backend-service backend-id="orders-func" />"#)
    let (stderr, written) = try Self.migrate(
      api, extra: Self.backend("orders-func", url: "https://legacy.example.com/api"))
    #expect(stderr.contains("[authorization-other-backend]"), "stderr: \(stderr)")
    #expect(written == api, "\(written)")
  }

  @Test(
    "a branch's backend-id that the run resolves to a Function App's host is migrated: the host decides over the name",
    arguments: [
      ("orders-func", "https://orders-func.azurewebsites.net/api"),
      ("legacy-backend", "https://orders.azurewebsites.net"),
    ])
  func backendIDResolvedToAFunctionAppIsMigrated(id: String, url: String) throws {
    let api = Self.api(#"<set-backend-service backend-id="\#(id)" />"#)
    let (stderr, written) = try Self.migrate(api, extra: Self.backend(id, url: url))
    #expect(!stderr.contains("[authorization-other-backend]"), "stderr: \(stderr)")
    #expect(written.contains(#"<authentication-managed-identity resource="\#(CLI.resource)" />"#), "\(written)")
  }

  @Test(
    "a parent's branch backend-id is judged by the URL the APIOps tree gives it, as the child's own",
    arguments: [("https://legacy.example.com", true), ("https://orders.azurewebsites.net", false)])
  func parentBranchBackendIDIsJudgedByItsURL(url: String, held: Bool) throws {
    let global = """
      <policies>
          <inbound>
              <choose>
                  <when condition="@(true)">
                      <set-backend-service backend-id="orders-func" />
                  </when>
              </choose>
          </inbound>
      </policies>

      """
    let api = Policies.keyAfterBase("fn-key")
    let files = [
      "policy.xml": global, "apis/a/policy.xml": api,
      "backends/orders-func/backendInformation.json":
        "{\"properties\": {\"url\": \"\(url)\", \"protocol\": \"http\"}}\n",
    ]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(result.stderr.contains("[authorization-other-backend]") == held, "stderr: \(result.stderr)")
      let written = String(decoding: CLI.read(root, "apis/a/policy.xml") ?? [], as: UTF8.self)
      #expect((written == api) == held, "\(written)")
    }
  }
}
