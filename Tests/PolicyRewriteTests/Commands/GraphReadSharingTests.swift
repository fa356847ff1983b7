import Foundation
import Testing

@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// The passes before a run's own (the policy graph, the folder-based Authorization pass) and
/// the run's own pass share one read of each file: a work counter, not a timing.
@Suite struct GraphReadSharingTests {
  /// A tree where every cross-scope pass has work: a global policy that validates the token,
  /// a product and an API with keys, an operation that reads after `<base />` and has a nested
  /// key before it, a fragment with a key included from `<outbound>`, and Terraform policies
  /// inline and in a file.
  static let tree: [String: String] = [
    "policy.xml": """
    <policies><inbound><validate-jwt header-name="Authorization" /><base /></inbound></policies>
    """,
    "products/p/policy.xml": """
    <policies><inbound><base /><set-header name="x-functions-key" exists-action="override"><value>{{p-func-key}}</value></set-header></inbound></policies>
    """,
    "apis/a/policy.xml": """
    <policies><inbound><base /><set-header name="x-functions-key" exists-action="override"><value>{{a-func-key}}</value></set-header></inbound><outbound><include-fragment fragment-id="f" /></outbound></policies>
    """,
    "apis/a/operations/o/policy.xml": """
    <policies><inbound><choose><when condition="@(true)"><set-header name="x-functions-key" exists-action="override"><value>{{o-func-key}}</value></set-header></when></choose><base /><check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="no" /></inbound></policies>
    """,
    "policy fragments/f/policy.xml": """
    <fragment><set-header name="x-functions-key" exists-action="override"><value>{{f-func-key}}</value></set-header></fragment>
    """,
    "tf/main.tf": """
    resource "azurerm_api_management_api_policy" "t" {
      api_name    = "t"
      xml_content = <<XML
    <policies><inbound><base /><set-header name="x-functions-key" exists-action="override"><value>{{t-func-key}}</value></set-header></inbound></policies>
    XML
    }
    resource "azurerm_api_management_api_operation_policy" "op" {
      api_name     = "t"
      operation_id = "op"
      xml_content  = file("${path.module}/op.xml")
    }

    """,
    "tf/op.xml": """
    <policies><inbound><base /><set-header name="Authorization" exists-action="delete" /></inbound></policies>
    """,
  ]

  final class Discarding: Reporter {
    func report(_ file: FileReport) {}
    func finish(_ summary: RunSummary) {}
  }

  @Test(arguments: [Frontend.Command.plan, .migrate, .check])
  func eachFileIsReadOnceWhateverPassNeedsItFirst(command: Frontend.Command) throws {
    try withTemporaryTree(Self.tree) { root in
      var options = Frontend.Options(command: command, configuration: try makeConfiguration())
      options.showsProgress = false
      let frontend = Frontend(options: options)
      let summary = frontend.run(paths: [root.path], reporter: Discarding())
      #expect(summary.errors == 0)
      if command != .check {
        // The cross-scope decisions were made: every key but the fragment's is held.
        #expect(summary.needingReview >= 4, "\(summary)")
      }
      #expect(frontend.readAhead.diskReads == Self.tree.count, "\(command)")
    }
  }
}
