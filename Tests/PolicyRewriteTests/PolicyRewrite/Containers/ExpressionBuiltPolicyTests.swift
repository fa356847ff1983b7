import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// Policies that a Bicep, Terraform or ARM expression builds (`replace()`, `format()`, `join()`,
/// an interpolation) with the function key in its arguments: the string that names the key held
/// no markup, so no container looked at it, and `check` passed with the key still deployed.
struct ExpressionBuiltPolicyTests {
  /// The findings of `check` on `source` at `path`, as rule, line and column.
  static func found(_ source: String, path: String) throws -> [String] {
    try check(bytes(source), path: path).map { "\($0.rule?.rawValue ?? $0.id.summary) \($0.line):\($0.column)" }
  }

  @Test("Bicep replace() whose argument names the key header was skipped: no markup in that string")
  func bicepReplaceArgumentHadNoMarkup() throws {
    let source = """
      resource p 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
        name: 'apim/a/policy'
        properties: {
          value: replace(replace(loadTextContent('policy.xml'), '__HDR__', 'x-functions-key'), '__NV__', '{{f-key}}')
        }
      }

      """
    #expect(PolicyRewriter.mayConcern(bytes(source), path: "main.bicep"))
    // At the key header's name, in the file's own line and column.
    #expect(try Self.found(source, path: "main.bicep") == ["undecodable-embedded-policy 4:71"])
    let result = try rewrite(source, path: "main.bicep")
    #expect(!result.changed && result.reviewCount == 1 && !result.hasErrors)
  }

  /// `source` at `path` may concern the rewrite, and its check reports it as a policy that was
  /// not read (`undecodable-embedded-policy`).
  static func expectNotRead(
    _ source: String, path: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    #expect(PolicyRewriter.mayConcern(bytes(source), path: path), sourceLocation: sourceLocation)
    let findings = try check(bytes(source), path: path)
    #expect(rules(findings).contains(.undecodableEmbeddedPolicy), "\(findings)", sourceLocation: sourceLocation)
  }

  @Test(
    "Bicep expressions that put a key into a policy from a string without markup were not read",
    arguments: [
      // The key's named value only: the header stands in the loaded file.
      "var p = replace(loadTextContent('p.xml'), '__KEY__', '{{orders-func-key}}')\n",
      "var p = join(['<policies><inbound><set-header name=\"', 'X-Functions-Key', '\" /></inbound></policies>'], '')\n",
      "var p = format(loadTextContent('p.xml'), 'x-functions-key')\n",
      "var p = '<policies>${'x-functions-key'}</policies>'\n",
    ])
  func bicepArgumentsWithoutMarkupWereNotRead(source: String) throws {
    try Self.expectNotRead(source, path: "main.bicep")
  }

  @Test("a Bicep decorator, an object key or a plain property naming the header is no policy argument")
  func bicepNonArgumentsStayQuiet() throws {
    let source = """
      @description('the x-functions-key header, which the APIM policy no longer sends')
      param header string = 'x-functions-key'
      var headers = union(base, { 'x-functions-key': 'no' })
      var flag = contains(allowed, header) ? 'yes' : 'no'

      """
    #expect(try check(bytes(source), path: "main.bicep").isEmpty)
  }

  @Test("Terraform replace() whose argument names the key header was skipped: the file held no heredoc")
  func terraformReplaceArgumentHadNoHeredoc() throws {
    let source = """
      resource "azurerm_api_management_api_policy" "a" {
        api_name    = "a"
        xml_content = replace(replace(file("${path.module}/policy.xml"), "__HDR__", "x-functions-key"), "__NV__", "{{f-key}}")
      }

      """
    #expect(PolicyRewriter.mayConcern(bytes(source), path: "main.tf"))
    // At the key header's name, in the file's own line and column.
    #expect(try Self.found(source, path: "main.tf") == ["undecodable-embedded-policy 3:80"])
    let result = try rewrite(source, path: "main.tf")
    #expect(!result.changed && result.reviewCount == 1 && !result.hasErrors)
  }

  @Test(
    "Terraform expressions that put a key into a policy from a quoted string without markup were not read",
    arguments: [
      "module \"api\" {\n  policy = replace(file(\"p.xml\"), \"__KEY__\", \"{{orders-func-key}}\")\n}\n",
      "locals {\n  p = join(\"\", [local.head, \"x-functions-key\", local.tail])\n}\n",
      // Terraform 0.11 style: the call inside an interpolation.
      "locals {\n  p = \"${replace(file(\"p.xml\"), \"__H__\", \"x-functions-key\")}\"\n}\n",
    ])
  func terraformArgumentsWithoutMarkupWereNotRead(source: String) throws {
    try Self.expectNotRead(source, path: "main.tf")
  }

  @Test("a Terraform object key in a call, or a plain attribute naming the header, is no policy argument")
  func terraformNonArgumentsStayQuiet() throws {
    let source = """
      locals {
        header  = "x-functions-key"
        headers = merge(local.base, { "x-functions-key" = "no" })
        same    = lower(var.h) == "x-functions-key" ? 1 : 0
      }

      """
    #expect(try check(bytes(source), path: "main.tf").isEmpty)
  }

  @Test("an ARM [replace()] expression naming the key header without markup was not reported")
  func armExpressionWithoutMarkupWasNotReported() throws {
    let value = "[replace(parameters('policy'), '__HDR__', 'x-functions-key')]"
    let findings = try check(bytes(ARMTests.template(value)), path: ARMTests.path)
    #expect(rules(findings) == [.undecodableEmbeddedPolicy], "\(findings)")
    #expect(findings.first?.message.contains("x-functions-key") == true)
    let named = "[replace(parameters('policy'), '__NV__', '{{orders-func-key}}')]"
    #expect(try rules(check(bytes(ARMTests.template(named)), path: ARMTests.path)) == [.undecodableEmbeddedPolicy])
  }

  @Test("an ARM expression with only a code= URL or a computed named value is no policy argument")
  func armExpressionsThatAreNoPolicyStayQuiet() throws {
    for value in [
      "[format('-specUrl ''{0}?code={1}''', variables('url'), variables('key'))]",
      "[concat('{{', variables('apim').functionKeyName, '}}')]",
    ] {
      #expect(try check(bytes(ARMTests.template(value)), path: ARMTests.path).isEmpty, "\(value)")
    }
  }

  // MARK: App settings: a key header's name in an expression that builds no policy

  /// The shape of a Function App's app settings (pagopa/io-infra `app_settings.tf`): a client
  /// configuration that names the header a backend expects. No policy is built there.
  static let terraformAppSettings = """
    locals {
      app_settings = {
        THIRD_PARTY_CONFIG_LIST = jsonencode([
          {
            serviceId = "io-sign"
            prodEnvironment = {
              baseUrl = "https://sign-func-01.azurewebsites.net/api/v1/sign"
              detailsAuthentication = {
                type            = "API_KEY"
                header_key_name = "X-Functions-Key"
                key             = data.azurerm_key_vault_secret.sign_key.value
              }
            }
          }
        ])
      }
    }

    """

  @Test("Terraform app settings jsonencode() naming X-Functions-Key failed check for good: no policy is built there")
  func terraformAppSettingsJsonencodeBuildsNoPolicy() throws {
    #expect(try check(bytes(Self.terraformAppSettings), path: "app_settings.tf").isEmpty)
    let result = try rewrite(Self.terraformAppSettings, path: "app_settings.tf")
    #expect(!result.changed && result.reviewCount == 0 && !result.hasErrors)
  }

  @Test("Bicep siteConfig.appSettings string() naming X-Functions-Key failed check: no policy is built there")
  func bicepAppSettingsStringBuildsNoPolicy() throws {
    let source = """
      resource site 'Microsoft.Web/sites@2022-03-01' = {
        name: 'io-backend'
        properties: {
          siteConfig: {
            appSettings: [
              {
                name: 'THIRD_PARTY_CONFIG_LIST'
                value: string([
                  {
                    serviceId: 'io-sign'
                    detailsAuthentication: { type: 'API_KEY', header_key_name: 'X-Functions-Key', key: signKey }
                  }
                ])
              }
              { name: 'HEADER', value: toLower(config.headerName) }
            ]
          }
        }
      }

      """
    #expect(try check(bytes(source), path: "main.bicep").isEmpty)
  }

  @Test("ARM siteConfig.appSettings expression naming X-Functions-Key failed check: no policy is built there")
  func armAppSettingsExpressionBuildsNoPolicy() throws {
    let source = """
      {
        \(ARMTests.schema),
        "resources": [
          {
            "type": "Microsoft.Web/sites",
            "properties": {
              "siteConfig": {
                "appSettings": [
                  {
                    "name": "THIRD_PARTY_CONFIG_LIST",
                    "value": "[string(createArray(createObject('serviceId', 'io-sign', 'header_key_name', 'X-Functions-Key')))]"
                  }
                ]
              }
            }
          }
        ]
      }
      """
    #expect(try check(bytes(source), path: ARMTests.path).isEmpty)
  }

  @Test(
    "an expression that builds a policy is still read when it passes the key as an object's attribute",
    arguments: [
      // A template's variables: the policy is the template file.
      ("main.tf", "locals {\n  p = templatefile(\"p.xml\", { header = \"x-functions-key\" })\n}\n"),
      // azapi: the policy resource's body.
      (
        "main.tf",
        "resource \"azapi_resource\" \"p\" {\n  body = jsonencode({ properties = { format = \"rawxml\", "
          + "value = replace(file(\"p.xml\"), \"__H__\", \"x-functions-key\") } })\n}\n"
      ),
      // A policy resource, whatever function builds its value.
      (
        "main.bicep",
        "resource p 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {\n  properties: {\n"
          + "    value: string({ header: 'x-functions-key' })\n  }\n}\n"
      ),
      ("main.bicep", "var policyXml = string({ header: 'x-functions-key' })\n"),
    ])
  func policyExpressionsWithObjectArgumentsAreStillRead(path: String, source: String) throws {
    try Self.expectNotRead(source, path: path)
  }
}
