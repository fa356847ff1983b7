import Foundation
import Testing

/// End-to-end: a name the run does not resolve fully (`"${local.project}-orders-api"`) is a
/// pattern, not "any name" (`docs/policy-graph.md`, "Names"). On pagopa-infra every API is
/// named `${local.project}-…`: as wildcards, every operation of every domain was a possible
/// child of every API, and every key of the repository was held.
@Suite struct UnresolvedNamePatternCommandTests {
  static func operation(api: String) -> String {
    """
    variable "prefix" { type = string }
    locals { project = "${var.prefix}-b" }

    resource "azurerm_api_management_api_operation_policy" "get" {
      api_name     = "\(api)"
      operation_id = "get"
      xml_content  = <<XML
    \(Policies.authorizationDeleter)
    XML
    }

    """
  }

  static let keyAPI = """
    variable "prefix" { type = string }
    locals { project = "${var.prefix}-a" }

    resource "azurerm_api_management_api_policy" "orders" {
      api_name    = "${local.project}-orders-api"
      xml_content = <<XML
    <policies>
      <inbound>
        <base />
        <set-header name="x-functions-key" exists-action="override">
          <value>{{orders-func-key}}</value>
        </set-header>
      </inbound>
    </policies>
    XML
    }

    """

  @Test(
    "an operation of `${local.project}-billing-api` cannot run below `${local.project}-orders-api`: its key is rewritten"
  )
  func unresolvedNamesWithDifferentLiteralSuffixesAreNotParentAndChildSoTheKeyIsNotHeld() throws {
    let tree = ["a/main.tf": Self.keyAPI, "b/main.tf": Self.operation(api: "${local.project}-billing-api")]
    try withTemporaryTree(tree) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.found.isEmpty, "\(result.stderr)")
      #expect(
        String(decoding: CLI.read(root, "a/main.tf") ?? [], as: UTF8.self).contains("<authentication-managed-identity"))
    }
  }

  @Test("an operation whose unresolved API name may be the parent's still holds its key")
  func unresolvedNamesThatMayBeEqualStillHoldTheKey() throws {
    for api in ["${local.project}-orders-api", "${var.name}", "${var.prefix}-${var.domain}-ORDERS-API"] {
      let tree = ["a/main.tf": Self.keyAPI, "b/main.tf": Self.operation(api: api)]
      try withTemporaryTree(tree) { root in
        let result = CLI.migrate(root, rule: "authorization-child-scope")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.found.count == 1, "\(api): \(result.stderr)")
        expectFile(root, "a/main.tf", Self.keyAPI, api)
      }
    }
  }

  @Test("an API whose unresolved name may be the operation's resolved one is its parent: the nested key is held")
  func parentAPIWithAPatternNameMayValidateTheTokenBeforeTheChildsNestedKeySoItIsHeld() throws {
    let main = """
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "${var.prefix}-orders"
        xml_content = <<XML
      <policies>
        <inbound>
          <base />
          <validate-jwt header-name="Authorization" failed-validation-httpcode="401" />
        </inbound>
      </policies>
      XML
      }
      resource "azurerm_api_management_api_operation_policy" "get" {
        api_name     = "dev-orders"
        operation_id = "get"
        xml_content  = <<XML
      <policies>
        <inbound>
          <choose>
            <when condition="@(true)">
              <set-header name="x-functions-key" exists-action="override">
                <value>{{k}}</value>
              </set-header>
            </when>
          </choose>
          <base />
        </inbound>
      </policies>
      XML
      }

      """
    try withTemporaryTree(["main.tf": main]) { root in
      let result = CLI.migrate(root, rule: "authorization-parent-scope")
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.found.count == 1, "\(result.stderr)")
      expectFile(root, "main.tf", main)
    }
    // A parent whose literal suffix rules the child out is none.
    let other = main.replacingOccurrences(of: "${var.prefix}-orders", with: "${var.prefix}-billing")
    try withTemporaryTree(["main.tf": other]) { root in
      let result = CLI.migrate(root, rule: "authorization-parent-scope")
      #expect(result.status == 0 && result.found.isEmpty, "\(result.stderr)")
    }
  }
}
