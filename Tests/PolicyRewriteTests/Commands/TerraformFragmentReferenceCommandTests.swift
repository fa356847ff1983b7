import Foundation
import Testing

/// End-to-end: an `include-fragment` whose `fragment-id` is a Terraform reference to a
/// fragment declared in the run (pagopa/io-wallet writes
/// `${azurerm_api_management_policy_fragment.X.name}` in its heredocs) is that fragment. Left
/// unresolved, the MI element went before the include, whose fragment runs `validate-jwt` on
/// the caller's token: every call answered 401. An include the run cannot resolve after the
/// injection holds the key instead of a warning only.
@Suite struct TerraformFragmentReferenceCommandTests {
  static let fragment = """
    <fragment>
      <validate-jwt header-name="Authorization" failed-validation-httpcode="401">
        <openid-config url="https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration" />
      </validate-jwt>
    </fragment>

    """

  static func policy(including id: String) -> String {
    """
    <policies>
      <inbound>
        <base />
        <set-header name="x-functions-key" exists-action="override">
          <value>{{orders-func-key}}</value>
        </set-header>
        <include-fragment fragment-id="\(id)" />
      </inbound>
    </policies>
    """
  }

  static let azurermFragment = """
    resource "azurerm_api_management_policy_fragment" "auth_frag" {
      name              = "read-caller-token"
      api_management_id = var.apim_id
      format            = "rawxml"
      value             = file("${path.module}/frag/read-caller-token.xml")
    }

    """

  static let azapiFragment = """
    resource "azapi_resource" "auth_frag" {
      type      = "Microsoft.ApiManagement/service/policyFragments@2022-04-01-preview"
      name      = "read-caller-token"
      parent_id = var.apim_id
      body = jsonencode({
        properties = {
          format = "rawxml"
          value  = file("./frag/read-caller-token.xml")
        }
      })
    }

    """

  static func heredocAPI(including id: String) -> String {
    """
    resource "azurerm_api_management_api_policy" "orders" {
      api_name    = "orders"
      xml_content = <<XML
    \(policy(including: id))
    XML
    }

    """
  }

  /// Where the MI element went in `text`: after the include (the fragment validates the
  /// caller's token first), not before it.
  static func expectManagedIdentityAfterInclude(_ text: String, _ context: String) {
    let mi = text.range(of: "<authentication-managed-identity")
    let include = text.range(of: "<include-fragment")
    #expect(mi != nil && include != nil, "\(context): \(text)")
    if let mi, let include { #expect(include.lowerBound < mi.lowerBound, "\(context): \(text)") }
  }

  @Test(
    "a heredoc's `${azurerm_api_management_policy_fragment.X.name}` resolves: the MI element goes after the include")
  func fragmentIdWrittenAsAzurermReferenceResolvesSoTheTokenIsNotValidatedAway() throws {
    let tree = [
      "main.tf": Self.azurermFragment
        + Self.heredocAPI(including: "${azurerm_api_management_policy_fragment.auth_frag.name}"),
      "frag/read-caller-token.xml": Self.fragment,
    ]
    try withTemporaryTree(tree) { root in
      let result = CLI.migrate(root, rule: "unresolved-fragment", ["--strict"])
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.found.isEmpty, "\(result.stderr)")
      #expect(result.stderr.contains("[authorization-token-replaced]"), "\(result.stderr)")
      Self.expectManagedIdentityAfterInclude(
        String(decoding: CLI.read(root, "main.tf") ?? [], as: UTF8.self), "azurerm")
    }
  }

  @Test("`${azapi_resource.X.name}` of a policyFragments resource resolves too")
  func fragmentIdWrittenAsAzapiReferenceResolvesSoTheTokenIsNotValidatedAway() throws {
    let tree = [
      "main.tf": Self.azapiFragment + Self.heredocAPI(including: "${azapi_resource.auth_frag.name}"),
      "frag/read-caller-token.xml": Self.fragment,
    ]
    try withTemporaryTree(tree) { root in
      let result = CLI.migrate(root, rule: "unresolved-fragment", ["--strict"])
      #expect(result.status == 0 && result.found.isEmpty, "\(result.stderr)")
      Self.expectManagedIdentityAfterInclude(String(decoding: CLI.read(root, "main.tf") ?? [], as: UTF8.self), "azapi")
    }
  }

  @Test("a `templatefile()` variable bound to the fragment's name resolves in the template")
  func fragmentIdWrittenAsTemplateVariableResolvesSoTheTokenIsNotValidatedAway() throws {
    let tree = [
      "main.tf": Self.azurermFragment + """
        resource "azurerm_api_management_api_policy" "orders" {
          api_name    = "orders"
          xml_content = templatefile("${path.module}/api/policy.xml.tpl", {
            auth_fragment = azurerm_api_management_policy_fragment.auth_frag.name
          })
        }

        """,
      "api/policy.xml.tpl": Self.policy(including: "${auth_fragment}") + "\n",
      "frag/read-caller-token.xml": Self.fragment,
    ]
    try withTemporaryTree(tree) { root in
      let result = CLI.migrate(root, rule: "unresolved-fragment", ["--strict"])
      #expect(result.status == 0 && result.found.isEmpty, "\(result.stderr)")
      Self.expectManagedIdentityAfterInclude(
        String(decoding: CLI.read(root, "api/policy.xml.tpl") ?? [], as: UTF8.self), "templatefile")
    }
  }

  @Test("an include after the key that the run cannot resolve holds the key, and says it is not resolved")
  func unresolvedIncludeAfterTheKeyMayValidateTheCallersTokenSoTheKeyIsHeld() throws {
    let cases = [
      ("${azurerm_api_management_policy_fragment.elsewhere.name}", "does not resolve"),
      ("${var.fragment}", "does not resolve"),
      ("defined-elsewhere", "no scanned file defines"),
    ]
    for (id, says) in cases {
      let tree = [
        "main.tf": Self.azurermFragment + Self.heredocAPI(including: id), "frag/read-caller-token.xml": Self.fragment,
      ]
      try withTemporaryTree(tree) { root in
        let result = CLI.migrate(root, rule: "unresolved-fragment")
        #expect(result.status == 0, "\(result.stderr)")
        let held = result.found.filter { $0.contains("the key injection at line") }
        #expect(held.count == 1, "\(id): \(result.stderr)")
        #expect(held.first?.contains(says) == true, "\(id): \(result.stderr)")
        #expect(
          result.found.allSatisfy { !$0.contains("no scanned file defines") } || says == "no scanned file defines")
        expectFile(root, "main.tf", tree["main.tf"] ?? "", id)
        #expect(result.stderr.contains("needs review: main.tf"), "\(id): \(result.stderr)")
      }
    }
  }

  @Test(
    "an unresolved include before <base /> (it runs before the MI element) leaves the key rewritten, with the warning")
  func unresolvedIncludeBeforeTheManagedIdentityElementDoesNotHoldTheKey() throws {
    let policy = """
      <policies>
        <inbound>
          <include-fragment fragment-id="defined-elsewhere" />
          <base />
          <set-header name="x-functions-key" exists-action="override">
            <value>{{orders-func-key}}</value>
          </set-header>
        </inbound>
      </policies>
      """
    try withTemporaryTree(["api/policy.xml": policy + "\n"]) { root in
      let result = CLI.migrate(root, rule: "unresolved-fragment")
      #expect(result.status == 0, "\(result.stderr)")
      #expect(
        result.found.count == 1 && result.found.allSatisfy { !$0.contains("the key injection at line") },
        "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "api/policy.xml") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(result.stderr)")
    }
  }
}
