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

  @Test func aPolicyInAQuotedStringIsRewrittenWithHCLEscapes() {
    let input =
      "resource \"azurerm_api_management_api_policy\" \"orders\" {\n"
      + "  xml_content = \"<policies>\\n  <inbound>\\n    <base />\\n"
      + "    <set-header name=\\\"x-functions-key\\\" exists-action=\\\"override\\\">\\n"
      + "      <value>{{${var.key_name}}}</value>\\n    </set-header>\\n  </inbound>\\n</policies>\"\n"
      + "}\n"
    let expected =
      "resource \"azurerm_api_management_api_policy\" \"orders\" {\n"
      + "  xml_content = \"<policies>\\n  <inbound>\\n    <base />\\n"
      + "    <authentication-managed-identity resource=\\\"\(CLI.resource)\\\" />\\n"
      + "  </inbound>\\n</policies>\"\n"
      + "}\n"
    let check = Self.rewriter().check(Array(input.utf8), path: "main.tf")
    #expect(check.findings.map(\.rule) == [.keyInjection])
    #expect(check.findings.map { [$0.line, $0.column] } == [[2, 61]])
    let result = Self.rewriter().rewrite(Array(input.utf8), path: "main.tf")
    #expect(string(result.output) == expected)
    #expect(result.removedKeyNamedValues == ["${var.key_name}"])
    let second = Self.rewriter().rewrite(result.output, path: "main.tf")
    #expect(!second.changed && !second.hasErrors)
  }

  /// The credentials search stopped at the end of the file, not of its object: 40,000
  /// objects took 90 s. Work is counted, not timed: the bytes searched for the keys of each
  /// credentials object and header, and the one brace pass over the file (a search to the
  /// end of the file from each object grew 100 times on a 10 times larger input).
  @Test func backendInformationWithManyCredentialsIsLinear() throws {
    func file(_ count: Int) -> [UInt8] {
      var text = "[\n"
      for i in 0..<count {
        text +=
          "  { \"name\": \"b\(i)\", \"properties\": { \"credentials\": { \"header\": { \"x-trace\": [\"1\"] } } } },\n"
      }
      return Array((text + "  { \"credentials\": { \"header\": { \"x-functions-key\": [\"k\"] } } }\n]\n").utf8)
    }
    let rewriter = Self.rewriter()
    let scanner = BackendCredentialScanner(configuration: try makeConfiguration())
    func work(_ source: [UInt8]) -> (bytes: Int, findings: Int) {
      let braces = BraceMatcher(source, singleQuotedStrings: false)
      let credentials = scanner.objects(named: "credentials", in: source, within: 0..<source.count, braces: braces)
      let headers = credentials.flatMap {
        scanner.objects(named: "header", in: source, within: $0, braces: braces)
      }
      let searched = (credentials + headers).reduce(0) { $0 + $1.count }
      let findings = rewriter.check(source, path: "backends/backendInformation.json").findings.count
      return (source.count + searched, findings)
    }
    // Ten times the objects: linear work is ten times as much, quadratic a hundred times (at
    // any size where the square outweighs the 90 bytes an object).
    let small = work(file(200))
    let large = work(file(2_000))
    #expect(small.findings == 1 && large.findings == 1)
    #expect(large.bytes <= 12 * small.bytes, "200 objects: \(small.bytes) bytes; 2,000: \(large.bytes)")
  }
}
