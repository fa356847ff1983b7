import Foundation
import Testing

/// End-to-end: an API named by `format("%s-admin-api", local.product)` (pagopa/io-infra's
/// shape) was kept as one unresolved expression, a name that may be any API's: every operation
/// so named was a possible child of every API, and every key of the repository was held. The
/// name is now the template `${var.prefix}-p-admin-api`, whose literal parts tell APIs apart.
@Suite struct FormattedNameCommandTests {
  static let header = """
    variable "prefix" { type = string }
    locals { product = "${var.prefix}-p" }

    """

  static let keyAPI =
    header + """
      resource "azurerm_api_management_api_policy" "admin" {
        api_name    = format("%s-admin-api", local.product)
        xml_content = <<XML
      <policies>
        <inbound>
          <base />
          <set-header name="x-functions-key" exists-action="override">
            <value>{{admin-func-key}}</value>
          </set-header>
        </inbound>
      </policies>
      XML
      }

      """

  static func operation(api: String) -> String {
    header + """
      resource "azurerm_api_management_api_operation_policy" "unlock" {
        api_name     = \(api)
        operation_id = "unlock"
        xml_content  = <<XML
      \(Policies.authorizationDeleter)
      XML
      }

      """
  }

  @Test("an operation of format(\"%s-bff\", …) cannot run below format(\"%s-admin-api\", …): the key is rewritten")
  func formattedNamesWithDifferentLiteralPartsAreNotParentAndChild() throws {
    let tree = ["a/main.tf": Self.keyAPI, "b/main.tf": Self.operation(api: #"format("%s-bff", local.product)"#)]
    try withTemporaryTree(tree) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.found.isEmpty, "\(result.stderr)")
      #expect(
        String(decoding: CLI.read(root, "a/main.tf") ?? [], as: UTF8.self).contains("<authentication-managed-identity"))
    }
  }

  @Test("an operation of the same formatted name, or of lower() of it, still holds the key")
  func theSameFormattedNameStillHoldsTheKey() throws {
    for api in [#"format("%s-admin-api", local.product)"#, #"lower(format("%s-ADMIN-api", local.product))"#] {
      let tree = ["a/main.tf": Self.keyAPI, "b/main.tf": Self.operation(api: api)]
      try withTemporaryTree(tree) { root in
        let result = CLI.migrate(root, rule: "authorization-child-scope")
        #expect(result.found.count == 1, "\(api): \(result.stderr)")
        #expect(
          !String(decoding: CLI.read(root, "a/main.tf") ?? [], as: UTF8.self).contains(
            "<authentication-managed-identity"))
      }
    }
  }
}
