import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// Policies inside Terraform heredocs: rewritten in place, byte-exact outside the edits.
struct TerraformTests {
  static func rewriter(_ resource: String = CLI.resource) -> PolicyRewriter {
    PolicyRewriter(configuration: try! makeConfiguration(default: resource))
  }

  @Test func aPlainHeredocWithCRLFAndTabs() {
    let input =
      "resource \"azurerm_api_management_api_policy\" \"orders\" {\r\n"
      + "\tapi_name = \"orders\"\r\n"
      + "\txml_content = <<XML\r\n"
      + "<policies>\r\n"
      + "\t<inbound>\r\n"
      + "\t\t<base />\r\n"
      + "\t\t<set-header name=\"x-functions-key\" exists-action=\"override\">\r\n"
      + "\t\t\t<value>{{${azurerm_api_management_named_value.orders_key.display_name}}}</value>\r\n"
      + "\t\t</set-header>\r\n"
      + "\t</inbound>\r\n"
      + "</policies>\r\n"
      + "XML\r\n"
      + "}\r\n"
    let expected =
      "resource \"azurerm_api_management_api_policy\" \"orders\" {\r\n"
      + "\tapi_name = \"orders\"\r\n"
      + "\txml_content = <<XML\r\n"
      + "<policies>\r\n"
      + "\t<inbound>\r\n"
      + "\t\t<base />\r\n"
      + "\t\t<authentication-managed-identity resource=\"\(CLI.resource)\" />\r\n"
      + "\t</inbound>\r\n"
      + "</policies>\r\n"
      + "XML\r\n"
      + "}\r\n"
    let result = Self.rewriter().rewrite(Array(input.utf8), path: "infra/apim.tf")
    #expect(result.output == Array(expected.utf8))
    #expect(result.changed)
    #expect(result.removedKeyNamedValues == ["${azurerm_api_management_named_value.orders_key.display_name}"])
  }

  @Test func anIndentedHeredocWithATerraformResource() {
    let input = """
      locals {
        policy = "<<NOT A HEREDOC"
      }
      resource "azurerm_api_management_api_policy" "orders" {
        xml_content = <<-XML
          <policies>
            <inbound>
              <base/>
              <set-header name="x-functions-key">
                <value>{{orders-key}}</value>
              </set-header>
              <set-header name="x-tenant" exists-action="override">
                <value>$${tenant}</value>
              </set-header>
            </inbound>
          </policies>
          XML
      }

      """
    let expected = """
      locals {
        policy = "<<NOT A HEREDOC"
      }
      resource "azurerm_api_management_api_policy" "orders" {
        xml_content = <<-XML
          <policies>
            <inbound>
              <base/>
              <authentication-managed-identity resource="${var.orders_audience}"/>
              <set-header name="x-tenant" exists-action="override">
                <value>$${tenant}</value>
              </set-header>
            </inbound>
          </policies>
          XML
      }

      """
    let result = Self.rewriter("${var.orders_audience}").rewrite(Array(input.utf8), path: "main.tf")
    #expect(String(decoding: result.output, as: UTF8.self) == expected)
  }

  @Test func findingsPointAtLinesOfTheTerraformFile() {
    let input = """
      # a comment with <<XML in it
      resource "azurerm_api_management_api_policy" "notifications" {
        xml_content = <<EOT
      <policies>
        <inbound>
          <base />
        </inbound>
        <outbound>
          <set-header name="x-functions-key">
            <value>{{notify-key}}</value>
          </set-header>
        </outbound>
      </policies>
      EOT
      }

      """
    let check = Self.rewriter().check(Array(input.utf8), path: "notify.tf")
    #expect(check.findings.map(\.rule) == [.keyOutsideInbound])
    #expect(check.findings.first?.line == 9)
    let result = Self.rewriter().rewrite(Array(input.utf8), path: "notify.tf")
    #expect(result.output == Array(input.utf8))
    #expect(result.reviewCount == 1)
  }

  @Test func backendCredentialsAreReported() {
    let input = """
      resource "azurerm_api_management_backend" "orders" {
        name = "orders-func"
        credentials {
          header = {
            "x-functions-key" = "{{orders-key}}"
          }
          query = {
            code = "{{orders-key}}"
          }
        }
      }

      """
    let findings = Self.rewriter().check(Array(input.utf8), path: "backend.tf").findings
    #expect(findings.map(\.rule) == [.backendCredentials, .backendCredentials])
    #expect(findings.map(\.line) == [5, 8])
  }
}
