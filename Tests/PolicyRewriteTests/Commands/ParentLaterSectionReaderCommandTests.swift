import Foundation
import Testing

/// End-to-end: a parent scope's `<backend>`, `<outbound>` and `<on-error>` run after the child's
/// whole `<inbound>` (`rewrite-spec.md` §2a, §2c). A reader of the request's `Authorization`
/// there (an expression, a `send-request` in copy mode) would see the token of any MI element
/// in the child's `<inbound>`, before or after the child's `<base />`: the child's key is held
/// (`authorization-parent-scope`), whatever the layout.
@Suite struct ParentLaterSectionReaderCommandTests {
  /// The API policy of the trial: the key after `<base />`.
  static let keyedAPI = Policies.keyBeforeLaterSections("a-func-key")

  /// A parent whose section `section` holds `element` after its `<base />`.
  static func parent(_ section: String, _ element: String) -> String {
    Policies.laterSection(section, element, inbound: "<inbound><base /></inbound>")
  }

  static let eventHubLogger =
    #"<log-to-eventhub logger-id="l">@(context.Request.Headers.GetValueOrDefault("Authorization",""))</log-to-eventhub>"#

  static let readers: [(String, String)] = [
    ("outbound", eventHubLogger),
    (
      "on-error",
      #"<return-response><set-body>@(context.Request.Headers["Authorization"])</set-body></return-response>"#
    ),
    (
      "backend",
      #"<send-request mode="copy" response-variable-name="mirror"><set-url>https://mirror.partner.example/</set-url></send-request>"#
    ),
  ]

  /// `migrate --write .` on `files`: the status, stderr and the `authorization-parent-scope` lines.
  static func migrate(_ files: [String: String], check path: String, unchanged: String?) throws -> (
    status: Int32, stderr: String, held: [String]
  ) {
    var outcome: (Int32, String, [String]) = (0, "", [])
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-parent-scope")
      outcome = (result.status, result.stderr, result.found)
      if let unchanged { expectFile(root, path, unchanged) }
    }
    return outcome
  }

  @Test(
    "a global <outbound> that logs Authorization to Event Hub would log APIM's token of the API's MI element",
    arguments: readers)
  func globalLaterSectionReaderHoldsTheAPIsKeyAfterBase(section: String, element: String) throws {
    let result = try Self.migrate(
      ["policy.xml": Self.parent(section, element), "apis/a/policy.xml": Self.keyedAPI],
      check: "apis/a/policy.xml", unchanged: Self.keyedAPI)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.held.count == 1, "stderr: \(result.stderr)")
    #expect(result.held.first?.hasPrefix("apis/a/policy.xml:4:9:") == true, "\(result.held)")
    #expect(result.held.first?.contains("policy.xml, a parent scope, reads") == true, "\(result.held)")
  }

  @Test("a product's <outbound> reader (through apis.json) would get APIM's token of the API's key before <base />")
  func productLaterSectionReaderHoldsTheAPIsKeyBeforeBase() throws {
    let api = """
      <policies>
          <inbound>
              <set-header name="x-functions-key" exists-action="override"><value>{{a-func-key}}</value></set-header>
              <base />
          </inbound>
      </policies>
      """
    let result = try Self.migrate(
      [
        "products/p/policy.xml": Self.parent("outbound", Self.eventHubLogger),
        "products/p/apis.json": #"[{"name":"a"}]"#, "apis/a/policy.xml": api,
      ], check: "apis/a/policy.xml", unchanged: api)
    #expect(result.held.count == 1, "stderr: \(result.stderr)")
    #expect(result.held.first?.contains("products/p/policy.xml, a parent scope") == true, "\(result.held)")
  }

  @Test("an API's <outbound> reader would log APIM's token of its operation's key")
  func apiLaterSectionReaderHoldsTheOperationsKey() throws {
    let result = try Self.migrate(
      [
        "apis/a/policy.xml": Self.parent("outbound", Self.eventHubLogger),
        "apis/a/operations/o/policy.xml": Self.keyedAPI,
      ], check: "apis/a/operations/o/policy.xml", unchanged: Self.keyedAPI)
    #expect(result.held.count == 1, "stderr: \(result.stderr)")
  }

  @Test("a parent whose later sections do not read Authorization lets the child's key be rewritten")
  func parentWithoutLaterReaderLetsTheKeyBeRewritten() throws {
    let element = #"<log-to-eventhub logger-id="l">@(context.RequestId.ToString())</log-to-eventhub>"#
    try withTemporaryTree(["policy.xml": Self.parent("outbound", element), "apis/a/policy.xml": Self.keyedAPI]) {
      root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(!result.stderr.contains("[authorization-parent-scope]"), "stderr: \(result.stderr)")
      let written = String(decoding: CLI.read(root, "apis/a/policy.xml") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(written)")
    }
  }

  @Test("Terraform: a global policy's <outbound> reader holds an API policy's key written in a heredoc")
  func terraformGlobalLaterSectionReaderHoldsTheAPIsKey() throws {
    let main = """
      resource "azurerm_api_management_policy" "global" {
        api_management_id = "x"
        xml_content       = <<XML
      \(Self.parent("outbound", Self.eventHubLogger))
      XML
      }
      resource "azurerm_api_management_api_policy" "a" {
        api_name    = "a"
        xml_content = <<XML
      \(Self.keyedAPI)
      XML
      }

      """
    let result = try Self.migrate(["main.tf": main], check: "main.tf", unchanged: main)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.held.count == 1, "stderr: \(result.stderr)")
  }

  @Test("Bicep: a global policy's <on-error> reader holds an operation policy's key")
  func bicepGlobalLaterSectionReaderHoldsTheOperationsKey() throws {
    let reader = #"<return-response><set-body>@(context.Request.Headers["Authorization"])</set-body></return-response>"#
    let main = """
      resource global 'Microsoft.ApiManagement/service/policies@2023-05-01-preview' = {
        name: 'apim/policy'
        properties: {
          format: 'rawxml'
          value: '''
      \(Self.parent("on-error", reader))
      '''
        }
      }
      resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2023-05-01-preview' = {
        name: 'apim/a/o/policy'
        properties: {
          format: 'rawxml'
          value: '''
      \(Self.keyedAPI)
      '''
        }
      }

      """
    let result = try Self.migrate(["main.bicep": main], check: "main.bicep", unchanged: main)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.held.count == 1, "stderr: \(result.stderr)")
  }

  @Test("a key in a fragment the API includes would hand the global <outbound> reader APIM's token")
  func globalLaterSectionReaderHoldsAFragmentsKeyIncludedByTheAPI() throws {
    let api = """
      <policies>
          <inbound>
              <base />
              <include-fragment fragment-id="k" />
          </inbound>
      </policies>
      """
    let fragment = """
      <fragment>
          <set-header name="x-functions-key" exists-action="override"><value>{{a-func-key}}</value></set-header>
      </fragment>
      """
    try withTemporaryTree([
      "policy.xml": Self.parent("outbound", Self.eventHubLogger), "apis/a/policy.xml": api,
      "policy fragments/k/policy.xml": fragment,
    ]) { root in
      // Run from outside the tree too: its global policy is then `t/policy.xml`.
      for (cwd, path) in [(root, "."), (root.deletingLastPathComponent(), root.lastPathComponent)] {
        let result = run(["migrate", "--write", "--resource", CLI.resource, path], cwd: cwd)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("whose parent scope"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("policy.xml reads Authorization in <backend>, <outbound> or <on-error>"))
        expectFile(root, "policy fragments/k/policy.xml", fragment)
      }
    }
  }

  @Test("a fragment included in the global <outbound> that logs Authorization holds the API's key")
  func fragmentInTheGlobalOutboundHoldsTheAPIsKey() throws {
    let global = Self.parent("outbound", #"<include-fragment fragment-id="log" />"#)
    let fragment = "<fragment>\n    \(Self.eventHubLogger)\n</fragment>\n"
    let result = try Self.migrate(
      ["policy.xml": global, "apis/a/policy.xml": Self.keyedAPI, "policy fragments/log/policy.xml": fragment],
      check: "apis/a/policy.xml", unchanged: Self.keyedAPI)
    #expect(result.held.count == 1, "stderr: \(result.stderr)")
  }
}
