import Foundation
import Testing

/// End-to-end: a key beside an `<authentication-managed-identity>` that already has the key's
/// resource but puts its token into `output-token-variable-name` is held, in a policy file and
/// in a Terraform heredoc, and the file stays as it is: removing the key could leave the
/// Function App with neither key nor token (`managed-identity-output-variable`).
@Suite struct ManagedIdentityOutputVariableCommandTests {
  static let policy = """
    <policies>
        <inbound>
            <base />
            <authentication-managed-identity resource="\(CLI.resource)" output-token-variable-name="fn-token" />
            <set-header name="x-functions-key" exists-action="override">
                <value>{{orders-func-key}}</value>
            </set-header>
        </inbound>
        <backend><base /></backend>
    </policies>

    """

  @Test("migrate holds a key beside an MI element that fills only a variable, and leaves the file")
  func keyBesideATokenInAVariableIsHeldNotRemovedLeavingTheFunctionAppA401() throws {
    try withTemporaryTree(["apis/orders/policy.xml": Self.policy]) { root in
      let result = CLI.migrate(root, rule: "managed-identity-output-variable")
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/orders/policy.xml", Self.policy)
      #expect(result.found.count == 1, "stderr: \(result.stderr)")
      let line = try #require(result.found.first)
      #expect(line.hasPrefix("apis/orders/policy.xml:5:"), "\(line)")
      #expect(line.contains("at line 4") && line.contains("output-token-variable-name=\"fn-token\""), "\(line)")
    }
  }

  @Test("migrate holds the same key in a Terraform heredoc, naming the container's lines")
  func terraformKeyBesideATokenInAVariableIsHeldWithTheContainersLines() throws {
    let main = """
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "orders"
        xml_content = <<XML
      \(Self.policy)XML
      }

      """
    try withTemporaryTree(["main.tf": main]) { root in
      let result = CLI.migrate(root, rule: "managed-identity-output-variable")
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "main.tf", main)
      let line = try #require(result.found.first, "stderr: \(result.stderr)")
      #expect(line.hasPrefix("main.tf:8:") && line.contains("at line 7"), "\(line)")
    }
  }

  @Test("migrate removes the key when Authorization is set from the variable right after the MI element")
  func keyBesideATokenSentFromItsVariableIsRemoved() throws {
    let sent = Self.policy.replacingOccurrences(
      of: "output-token-variable-name=\"fn-token\" />\n",
      with: """
        output-token-variable-name="fn-token" />
                <set-header name="Authorization" exists-action="override">
                    <value>@("Bearer " + (string)context.Variables["fn-token"])</value>
                </set-header>

        """)
    try withTemporaryTree(["apis/orders/policy.xml": sent]) { root in
      let result = CLI.migrate(root, rule: "managed-identity-output-variable")
      #expect(result.status == 0 && result.found.isEmpty, "stderr: \(result.stderr)")
      let written = String(decoding: CLI.read(root, "apis/orders/policy.xml") ?? [], as: UTF8.self)
      #expect(!written.contains("x-functions-key") && written.contains("context.Variables[\"fn-token\"]"), "\(written)")
    }
  }
}
