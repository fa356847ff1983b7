import Foundation
import Testing

/// End-to-end: the checks across scopes (`rewrite-spec.md` §2a, §2c) hold for policies written
/// inline in Terraform, Bicep and ARM files as for policy files, and for what a parent scope
/// does besides reading the header: writing it, or sending requests to another backend.
@Suite struct CrossScopeInlinePolicyCommandTests {
  static let keyedAPI = Policies.keyAfterBase("a-func-key")

  static let deletingOperation = Policies.authorizationDeleter

  static let plainOperation = Policies.rateLimited

  /// `migrate --write` on `root`: the status, stderr and the findings of `rule`.
  static func migrate(_ root: URL, rule: String) -> (status: Int32, stderr: String, held: [String]) {
    let result = CLI.migrate(root, rule: rule)
    return (result.status, result.stderr, result.found)
  }

  static func terraform(api: String, operation: String) -> String {
    """
    resource "azurerm_api_management_api_policy" "a" {
      api_name    = "a"
      xml_content = <<XML
    \(api)
    XML
    }
    resource "azurerm_api_management_api_operation_policy" "op" {
      api_name     = "a"
      operation_id = "op1"
      xml_content  = <<XML
    \(operation)
    XML
    }

    """
  }

  @Test("Terraform heredocs: an operation that deletes Authorization after <base /> holds the API's key")
  func inlineTerraformKeyIsHeldSinceTheInlineOperationDeletesAPIMsToken() throws {
    let main = Self.terraform(api: Self.keyedAPI, operation: Self.deletingOperation)
    try withTemporaryTree(["main.tf": main]) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "main.tf", main)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      #expect(result.held.first?.hasPrefix("main.tf:7:") == true, "\(result.held)")
      // The child named at the line of what it does, and what (an inline policy: the file's line).
      #expect(
        result.held.first?.contains(
          "main.tf:19 (azurerm_api_management_api_operation_policy.op), which removes the Authorization header after its <base /> (<set-header>)"
        ) == true, "\(result.held)")
    }
  }

  @Test(
    "Terraform: an indented heredoc (<<-XML) names the child at its file line, as <<XML does, even in a conditional")
  func indentedHeredocChildIsNamedAtTheLineOfWhatItDoes() throws {
    let indented = Self.deletingOperation.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
    for value in ["<<-XML\n\(indented)\n  XML", "var.x ? \"<policies />\" : <<-XML\n\(indented)\n  XML"] {
      let main = Self.terraform(api: Self.keyedAPI, operation: "").replacingOccurrences(
        of: "xml_content  = <<XML\n\nXML", with: "xml_content  = \(value)")
      try withTemporaryTree(["main.tf": main]) { root in
        let result = Self.migrate(root, rule: "authorization-child-scope")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.held.count == 1, "stderr: \(result.stderr)")
        // Line 19 of main.tf holds the operation's <set-header>; the policy's own line is 4.
        #expect(
          result.held.first?.contains(
            "main.tf:19 (azurerm_api_management_api_operation_policy.op), which removes the Authorization header"
          ) == true, "\(main)\n\(result.held)")
      }
    }
  }

  @Test("Terraform heredocs: an operation that leaves Authorization alone lets the API's key be rewritten")
  func inlineTerraformKeyIsRewrittenWhenNoScopeReadsAuthorization() throws {
    let main = Self.terraform(api: Self.keyedAPI, operation: Self.plainOperation)
    try withTemporaryTree(["main.tf": main]) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(result.held.isEmpty, "stderr: \(result.stderr)")
      let written = String(decoding: CLI.read(root, "main.tf") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(written)")
      #expect(!written.contains("x-functions-key"), "\(written)")
    }
  }

  @Test("Terraform: an inline API policy is held by an operation file applied with file()")
  func inlineTerraformKeyIsHeldSinceTheFileOperationDeletesAPIMsToken() throws {
    let main = """
      resource "azurerm_api_management_api_policy" "a" {
        api_name    = "a"
        xml_content = <<XML
      \(Self.keyedAPI)
      XML
      }
      resource "azurerm_api_management_api_operation_policy" "op" {
        api_name     = "a"
        operation_id = "op1"
        xml_content  = file("${path.module}/op.xml")
      }

      """
    try withTemporaryTree(["main.tf": main, "op.xml": Self.deletingOperation]) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      expectFile(root, "main.tf", main)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      #expect(result.held.first?.contains("op.xml") == true, "\(result.held)")
    }
  }

  @Test("Terraform: an API key in a file is held by an inline operation that checks Authorization")
  func fileTerraformKeyIsHeldSinceTheInlineOperationChecksTheCallersToken() throws {
    let operation = """
      <policies>
          <inbound>
              <base />
              <check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="no" />
          </inbound>
      </policies>
      """
    let main = """
      resource "azurerm_api_management_api_policy" "a" {
        api_name    = "a"
        xml_content = file("${path.module}/api.xml")
      }
      resource "azurerm_api_management_api_operation_policy" "op" {
        api_name     = "a"
        operation_id = "op1"
        xml_content  = <<XML
      \(operation)
      XML
      }

      """
    try withTemporaryTree(["main.tf": main, "api.xml": Self.keyedAPI]) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      expectFile(root, "api.xml", Self.keyedAPI)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      #expect(result.held.first?.hasPrefix("api.xml:4:") == true, "\(result.held)")
    }
  }

  @Test("Terraform heredocs: a nested key before <base /> is held when the inline API policy validates Authorization")
  func inlineTerraformNestedKeyIsHeldSinceTheInlineParentValidatesAPIMsToken() throws {
    let api = """
      <policies>
          <inbound>
              <validate-jwt header-name="Authorization" failed-validation-httpcode="401" />
              <base />
          </inbound>
      </policies>
      """
    let operation = """
      <policies>
          <inbound>
              <choose>
                  <when condition="@(true)">
                      <set-header name="x-functions-key" exists-action="override"><value>{{a-func-key}}</value></set-header>
                  </when>
              </choose>
              <base />
          </inbound>
      </policies>
      """
    let main = Self.terraform(api: api, operation: operation)
    try withTemporaryTree(["main.tf": main]) { root in
      let result = Self.migrate(root, rule: "authorization-parent-scope")
      expectFile(root, "main.tf", main)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      #expect(result.held.first?.contains("main.tf:1 (azurerm_api_management_api_policy.a)") == true)
    }
  }

  @Test("Terraform heredocs: only the API whose operation reads Authorization is held, not another API of the file")
  func inlineTerraformHoldIsKeptToThePolicyWhoseChildReads() throws {
    let other = Self.keyedAPI.replacingOccurrences(of: "a-func-key", with: "b-func-key")
    let main =
      Self.terraform(api: Self.keyedAPI, operation: Self.deletingOperation) + """
        resource "azurerm_api_management_api_policy" "b" {
          api_name    = "b"
          xml_content = <<XML
        \(other)
        XML
        }

        """
    try withTemporaryTree(["main.tf": main]) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      let written = String(decoding: CLI.read(root, "main.tf") ?? [], as: UTF8.self)
      #expect(written.contains("{{a-func-key}}"), "\(written)")
      #expect(!written.contains("{{b-func-key}}"), "\(written)")
    }
  }

  static func json(_ policy: String) -> String {
    let escaped = policy.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    return "\"\(escaped)\""
  }

  @Test("ARM: an inline operation policy that deletes Authorization holds the inline API policy's key")
  func inlineARMKeyIsHeldSinceTheInlineOperationDeletesAPIMsToken() throws {
    let template = """
      {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [
          {
            "type": "Microsoft.ApiManagement/service/apis/policies",
            "apiVersion": "2022-08-01",
            "name": "apim/a/policy",
            "properties": { "format": "rawxml", "value": \(Self.json(Self.keyedAPI)) }
          },
          {
            "type": "Microsoft.ApiManagement/service/apis/operations/policies",
            "apiVersion": "2022-08-01",
            "name": "apim/a/op1/policy",
            "properties": { "format": "rawxml", "value": \(Self.json(Self.deletingOperation)) }
          }
        ]
      }

      """
    try withTemporaryTree(["azuredeploy.json": template]) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      expectFile(root, "azuredeploy.json", template)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
    }
  }

  @Test("ARM: a nested operation policy named like the API's policy is cited at its own line, not the API's")
  func nestedARMChildIsCitedAtItsOwnLine() throws {
    let template = """
      {
        "resources": [
          {"type": "Microsoft.ApiManagement/service/apis", "name": "apim/a", "apiVersion": "2023-05-01-preview",
           "resources": [
             {"type": "policies", "name": "policy", "apiVersion": "2023-05-01-preview",
              "properties": {"format": "rawxml", "value": \(Self.json(Self.keyedAPI))}},
             {"type": "operations", "name": "o", "apiVersion": "2023-05-01-preview",
              "resources": [
                {"type": "policies", "name": "policy", "apiVersion": "2023-05-01-preview",
                 "properties": {"format": "rawxml", "value": \(Self.json(Self.deletingOperation))}}
              ]}
           ]}
        ]
      }

      """
    try withTemporaryTree(["t.json": template]) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      expectFile(root, "t.json", template)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      #expect(
        result.held.first?.contains(": t.json:9 (line 4 of its policy), which removes the Authorization header")
          == true,
        "\(result.held)")
    }
  }

  static let bicepAPI = """
    resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
      name: 'apim/a/policy'
      properties: {
        format: 'rawxml'
        value: '''
    \(keyedAPI)
    '''
      }
    }

    """

  @Test("Bicep: a ''' API policy is in plan's policies and held by an operation loaded with loadTextContent")
  func inlineBicepKeyIsHeldSinceTheLoadedOperationDeletesAPIMsToken() throws {
    let main =
      Self.bicepAPI + """
        resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2022-08-01' = {
          name: 'apim/a/op1/policy'
          properties: {
            format: 'rawxml'
            value: loadTextContent('op.xml')
          }
        }

        """
    try withTemporaryTree(["main.bicep": main, "op.xml": Self.deletingOperation]) { root in
      let plan = run(["plan", "--format", "json", "--resource", CLI.resource, "."], cwd: root)
      let object = try JSONSerialization.jsonObject(with: plan.stdout) as? [String: Any]
      let policies = object?["policies"] as? [[String: Any]] ?? []
      let scopes = policies.map { "\($0["path"] ?? "") \($0["scope"] ?? "")" }.sorted()
      #expect(scopes == ["main.bicep api", "op.xml operation"], "\(plan.stderr)")
      let result = Self.migrate(root, rule: "authorization-child-scope")
      expectFile(root, "main.bicep", main)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
    }
  }

  @Test("Bicep: ''' policies joined by parent: chains hold the API's key for an operation that validates Authorization")
  func inlineBicepParentChainKeyIsHeldSinceTheOperationValidatesAPIMsToken() throws {
    let main = """
      resource apim 'Microsoft.ApiManagement/service@2022-08-01' existing = {
        name: 'apim'
      }
      resource api 'Microsoft.ApiManagement/service/apis@2022-08-01' existing = {
        parent: apim
        name: 'a'
      }
      resource op 'Microsoft.ApiManagement/service/apis/operations@2022-08-01' existing = {
        parent: api
        name: 'op1'
      }
      resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
        parent: api
        name: 'policy'
        properties: {
          value: '''
      \(Self.keyedAPI)
      '''
        }
      }
      resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2022-08-01' = {
        parent: op
        name: 'policy'
        properties: {
          value: '''
      <policies>
          <inbound>
              <base />
              <validate-jwt header-name="Authorization" failed-validation-httpcode="401" />
          </inbound>
      </policies>
      '''
        }
      }

      """
    try withTemporaryTree(["main.bicep": main]) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      expectFile(root, "main.bicep", main)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
    }
  }

  static let operationKeyAfterBranchBackend = """
    <policies>
        <inbound>
            <base />
            <choose>
                <when condition="@(context.Request.Headers.ContainsKey(&quot;X-Fn&quot;))">
                    <set-backend-service base-url="https://my-func.azurewebsites.net/api" />
                </when>
            </choose>
            <set-header name="x-functions-key" exists-action="override"><value>{{b2-func-key}}</value></set-header>
        </inbound>
    </policies>

    """

  static let partnerAPI = """
    <policies>
        <inbound>
            <base />
            <set-backend-service base-url="https://partner.example.com/api" />
        </inbound>
    </policies>

    """

  @Test("an operation's key is held when its API sends requests to a backend that is not the Function App")
  func operationKeyIsHeldSinceTheAPIsPartnerBackendWouldReceiveAPIMsToken() throws {
    let files = [
      "apis/a/policy.xml": Self.partnerAPI, "apis/a/operations/op/policy.xml": Self.operationKeyAfterBranchBackend,
    ]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root, rule: "authorization-other-backend")
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/a/operations/op/policy.xml", Self.operationKeyAfterBranchBackend)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      #expect(result.held.first?.contains("apis/a/policy.xml") == true, "\(result.held)")
    }
  }

  @Test("an operation that sets its Function App backend for every request is rewritten under a partner API")
  func operationKeyIsRewrittenWhenItSetsItsOwnFunctionBackendAfterBase() throws {
    let operation = """
      <policies>
          <inbound>
              <base />
              <set-backend-service base-url="https://my-func.azurewebsites.net/api" />
              <set-header name="x-functions-key" exists-action="override"><value>{{b2-func-key}}</value></set-header>
          </inbound>
      </policies>

      """
    let files = ["apis/a/policy.xml": Self.partnerAPI, "apis/a/operations/op/policy.xml": operation]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root, rule: "authorization-other-backend")
      #expect(result.held.isEmpty, "stderr: \(result.stderr)")
      let written = String(decoding: CLI.read(root, "apis/a/operations/op/policy.xml") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(written)")
    }
  }

  static let keyedOperation = Policies.keyAfterBase("h-func-key") + "\n"

  @Test("an operation's key is held when its API writes Basic credentials after <base />")
  func operationKeyIsHeldSinceTheMIElementWouldOverwriteTheAPIsBasicCredentials() throws {
    let api = """
      <policies>
          <inbound>
              <base />
              <authentication-basic username="u" password="{{pw}}" />
          </inbound>
      </policies>

      """
    let files = ["apis/a/policy.xml": api, "apis/a/operations/o/policy.xml": Self.keyedOperation]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root, rule: "authorization-writer")
      expectFile(root, "apis/a/operations/o/policy.xml", Self.keyedOperation)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      #expect(result.held.first?.contains("apis/a/policy.xml") == true, "\(result.held)")
    }
  }

  @Test("an operation's key is held when its API writes Authorization before <base />, where the MI token would win")
  func operationKeyIsHeldSinceItsMIElementWouldOverwriteTheAPIsEarlierAuthorization() throws {
    let api = """
      <policies>
          <inbound>
              <set-header name="Authorization" exists-action="override"><value>Bearer {{static-token}}</value></set-header>
              <base />
          </inbound>
      </policies>

      """
    let files = ["apis/a/policy.xml": api, "apis/a/operations/o/policy.xml": Self.keyedOperation]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root, rule: "authorization-writer")
      expectFile(root, "apis/a/operations/o/policy.xml", Self.keyedOperation)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
    }
  }

  @Test("an operation's key is rewritten when its API neither writes Authorization nor routes elsewhere")
  func operationKeyIsRewrittenUnderAnAPIThatLeavesAuthorizationAndTheBackendAlone() throws {
    let api = """
      <policies>
          <inbound>
              <base />
              <set-header name="X-Trace" exists-action="override"><value>1</value></set-header>
          </inbound>
      </policies>

      """
    let files = ["apis/a/policy.xml": api, "apis/a/operations/o/policy.xml": Self.keyedOperation]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(findingLines(result.stderr).filter { $0.contains("[authorization-") }.isEmpty, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "apis/a/operations/o/policy.xml") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(written)")
    }
  }

  @Test("Bicep: a child in a '…' string with \\n escapes is named at its own policy's line, not the parent's")
  func bicepEscapedChildIsNamedAtItsOwnPolicysLine() throws {
    let bicep = """
      resource apim 'Microsoft.ApiManagement/service@2023-05-01-preview' existing = {
        name: 'apim1'
        resource api 'apis' = {
          name: 'orders'
          resource apiPolicy 'policies' = {
            name: 'policy'
            properties: {
              format: 'rawxml'
              value: '<policies>\\n  <inbound>\\n    <base />\\n    <set-header name="x-functions-key" exists-action="override">\\n      <value>{{orders-func-key}}</value>\\n    </set-header>\\n  </inbound>\\n</policies>'
            }
          }
          resource op 'operations' = {
            name: 'getOrder'
            resource opPolicy 'policies' = {
              name: 'policy'
              properties: {
                format: 'rawxml'
                value: '<policies>\\n  <inbound>\\n    <base />\\n    <set-header name="Authorization" exists-action="delete" />\\n  </inbound>\\n</policies>'
              }
            }
          }
        }
      }

      """
    try withTemporaryTree(["main.bicep": bicep]) { root in
      let result = Self.migrate(root, rule: "authorization-child-scope")
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      // The parent's injection is on line 9 of the file; the child's reader on line 4 of its text.
      #expect(result.held.first?.hasPrefix("main.bicep:9:") == true, "\(result.held)")
      #expect(
        result.held.first?.contains("(opPolicy) (line 4 of its policy), which removes the Authorization header")
          == true,
        "\(result.held)")
    }
  }
}
