import Foundation
import Testing

/// Bicep and ARM files of the policy graph's end-to-end tests (`rewrite-spec.md` §2c): an API
/// policy with a key and an operation or product policy that reads or removes `Authorization`
/// after its `<base />`, named or written in the shapes `bicep build`, `bicep decompile` and
/// hand-written templates use.
enum BicepARMGraph {
  static let formatNamed = #"""
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "parameters": {
        "apimName": { "type": "string", "defaultValue": "apim1" },
        "apiName": { "type": "string", "defaultValue": "orders" }
      },
      "resources": [
        {
          "type": "Microsoft.ApiManagement/service/apis/policies",
          "apiVersion": "2021-08-01",
          "name": "[concat(parameters('apimName'), '/orders/policy')]",
          "properties": {
            "format": "rawxml",
            "value": "<policies>\r\n  <inbound>\r\n    <base />\r\n    <set-header name=\"x-functions-key\" exists-action=\"override\">\r\n      <value>{{orders-func-key}}</value>\r\n    </set-header>\r\n  </inbound>\r\n</policies>"
          }
        },
        {
          "type": "Microsoft.ApiManagement/service/apis/operations/policies",
          "apiVersion": "2021-08-01",
          "name": "[format('{0}/{1}/{2}/{3}', parameters('apimName'), 'orders', 'getOrder', 'policy')]",
          "properties": {
            "format": "rawxml",
            "value": "<policies>\r\n  <inbound>\r\n    <base />\r\n    <validate-jwt header-name=\"Authorization\" />\r\n  </inbound>\r\n</policies>"
          }
        }
      ]
    }

    """#

  static let decompiledBicep = #"""
    param apimName string = 'apim1'

    resource apimName_orders 'Microsoft.ApiManagement/service/apis@2019-01-01' = {
      name: '${apimName}/orders'
      properties: {
        path: 'orders'
      }
    }

    resource apimName_orders_getOrder 'Microsoft.ApiManagement/service/apis/operations@2019-01-01' = {
      name: '${apimName_orders.name}/getOrder'
      properties: {
        method: 'GET'
        urlTemplate: '/x'
      }
    }

    resource apimName_orders_policy 'Microsoft.ApiManagement/service/apis/policies@2019-01-01' = {
      name: '${apimName_orders.name}/policy'
      properties: {
        value: '<policies><inbound><base /><set-header name="x-functions-key" exists-action="override"><value>{{orders-func-key}}</value></set-header></inbound></policies>'
        format: 'rawxml'
      }
    }

    resource apimName_orders_getOrder_policy 'Microsoft.ApiManagement/service/apis/operations/policies@2019-01-01' = {
      name: 'apim1/orders/getOrder/policy'
      properties: {
        value: '<policies><inbound><base /><validate-jwt header-name="Authorization" /></inbound></policies>'
        format: 'rawxml'
      }
    }

    """#

  static let variableNamedARM = #"""
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "parameters": { "apimName": { "type": "string" } },
      "variables": { "ordersApi": "[concat(parameters('apimName'), '/orders')]" },
      "resources": [
        {
          "type": "Microsoft.ApiManagement/service/apis/policies",
          "apiVersion": "2021-08-01",
          "name": "[concat(variables('ordersApi'), '/policy')]",
          "properties": { "format": "rawxml", "value": "<policies><inbound><base /><set-header name=\"x-functions-key\" exists-action=\"override\"><value>{{orders-func-key}}</value></set-header></inbound></policies>" }
        },
        {
          "type": "Microsoft.ApiManagement/service/apis/operations/policies",
          "apiVersion": "2021-08-01",
          "name": "[concat(parameters('apimName'), '/orders/getOrder/policy')]",
          "properties": { "format": "rawxml", "value": "<policies><inbound><base /><validate-jwt header-name=\"Authorization\" /></inbound></policies>" }
        }
      ]
    }

    """#

  static let nestedAccessorBicep = #"""
    resource apim 'Microsoft.ApiManagement/service@2023-05-01-preview' existing = {
      name: 'apim1'
      resource ordersApi 'apis' existing = {
        name: 'orders'
        resource getOrder 'operations' existing = {
          name: 'getOrder'
        }
      }
    }

    resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {
      parent: apim::ordersApi
      name: 'policy'
      properties: {
        format: 'rawxml'
        value: '''<policies>
      <inbound>
        <base />
        <set-header name="x-functions-key" exists-action="override">
          <value>{{orders-func-key}}</value>
        </set-header>
      </inbound>
    </policies>'''
      }
    }

    resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2023-05-01-preview' = {
      name: 'apim1/orders/getOrder/policy'
      properties: {
        format: 'rawxml'
        value: '<policies><inbound><base /><validate-jwt header-name="Authorization" /></inbound></policies>'
      }
    }

    """#

  static let varPolicyBicep = #"""
    var apiPolicyXml = '''<policies>
      <inbound>
        <base />
        <set-header name="x-functions-key" exists-action="override">
          <value>{{orders-func-key}}</value>
        </set-header>
      </inbound>
    </policies>'''

    var opPolicyXml = '''<policies>
      <inbound>
        <base />
        <validate-jwt header-name="Authorization" />
      </inbound>
    </policies>'''

    resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {
      name: 'apim1/orders/policy'
      properties: {
        format: 'rawxml'
        value: apiPolicyXml
      }
    }

    resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2023-05-01-preview' = {
      name: 'apim1/orders/getOrder/policy'
      properties: {
        format: 'rawxml'
        value: opPolicyXml
      }
    }

    """#

  static let replacedPolicyBicep = #"""
    param host string = 'f.azurewebsites.net'

    resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {
      name: 'apim1/orders/policy'
      properties: {
        format: 'rawxml'
        value: replace('''<policies>
      <inbound>
        <base />
        <set-backend-service base-url="https://__HOST__/api" />
        <set-header name="x-functions-key" exists-action="override">
          <value>{{orders-func-key}}</value>
        </set-header>
      </inbound>
    </policies>''', '__HOST__', host)
      }
    }

    resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2023-05-01-preview' = {
      name: 'apim1/orders/getOrder/policy'
      properties: {
        format: 'rawxml'
        value: '<policies><inbound><base /><validate-jwt header-name="Authorization" /></inbound></policies>'
      }
    }

    """#

  static let variablePolicyARM = #"""
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "variables": {
        "apiPolicy": "<policies>\n  <inbound>\n    <base />\n    <set-header name=\"x-functions-key\" exists-action=\"override\">\n      <value>{{orders-func-key}}</value>\n    </set-header>\n  </inbound>\n</policies>"
      },
      "resources": [
        {
          "type": "Microsoft.ApiManagement/service/apis/policies",
          "apiVersion": "2021-08-01",
          "name": "apim1/orders/policy",
          "properties": { "format": "rawxml", "value": "[variables('apiPolicy')]" }
        },
        {
          "type": "Microsoft.ApiManagement/service/apis/operations/policies",
          "apiVersion": "2021-08-01",
          "name": "apim1/orders/getOrder/policy",
          "properties": { "format": "rawxml", "value": "<policies><inbound><base /><validate-jwt header-name=\"Authorization\" /></inbound></policies>" }
        }
      ]
    }

    """#

  static let conditionalPolicyBicep = #"""
    param useKey bool = true

    resource productApi 'Microsoft.ApiManagement/service/products/apis@2023-05-01-preview' = {
      name: 'apim1/gold/orders'
    }

    resource productPolicy 'Microsoft.ApiManagement/service/products/policies@2023-05-01-preview' = {
      name: 'apim1/gold/policy'
      properties: {
        format: 'rawxml'
        value: '<policies><inbound><base /><validate-jwt header-name="Authorization" /></inbound></policies>'
      }
    }

    resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {
      name: 'apim1/orders/policy'
      properties: {
        format: 'rawxml'
        value: useKey ? '''<policies>
      <inbound>
        <choose>
          <when condition="@(true)">
            <set-header name="x-functions-key" exists-action="override">
              <value>{{orders-func-key}}</value>
            </set-header>
          </when>
        </choose>
        <base />
      </inbound>
    </policies>''' : '<policies><inbound><base /></inbound></policies>'
      }
    }

    """#

  static let moduleCaller = #"""
    resource apim 'Microsoft.ApiManagement/service@2023-05-01-preview' existing = {
      name: 'apim1'
    }

    resource api 'Microsoft.ApiManagement/service/apis@2023-05-01-preview' existing = {
      parent: apim
      name: 'orders'
    }

    resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {
      parent: api
      name: 'policy'
      properties: {
        format: 'rawxml'
        value: '''<policies>
      <inbound>
        <base />
        <set-header name="x-functions-key" exists-action="override">
          <value>{{orders-func-key}}</value>
        </set-header>
      </inbound>
    </policies>'''
      }
    }

    module getOrder './op.bicep' = {
      name: 'getorder-op'
      params: {
        apiName: 'orders'
      }
    }

    """#

  static let moduleOperation = #"""
    param apiName string = 'payments'

    resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2023-05-01-preview' = {
      name: 'apim1/${apiName}/getOrder/policy'
      properties: {
        format: 'rawxml'
        value: '''<policies>
      <inbound>
        <base />
        <validate-jwt header-name="Authorization" failed-validation-httpcode="401">
          <openid-config url="https://login.microsoftonline.com/x/.well-known/openid-configuration" />
        </validate-jwt>
      </inbound>
    </policies>'''
      }
    }

    """#

  static let linkingTemplate = #"""
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "resources": [
        {
          "type": "Microsoft.ApiManagement/service/apis/policies",
          "apiVersion": "2021-08-01",
          "name": "apim1/orders/policy",
          "properties": { "format": "rawxml", "value": "<policies>\n  <inbound>\n    <base />\n    <set-header name=\"x-functions-key\" exists-action=\"override\">\n      <value>{{orders-func-key}}</value>\n    </set-header>\n  </inbound>\n</policies>" }
        },
        {
          "type": "Microsoft.Resources/deployments",
          "apiVersion": "2022-09-01",
          "name": "op",
          "properties": {
            "mode": "Incremental",
            "templateLink": { "relativePath": "op.json" },
            "parameters": { "apiName": { "value": "orders" } }
          }
        }
      ]
    }

    """#

  static let linkedTemplate = #"""
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "parameters": { "apiName": { "type": "string", "defaultValue": "payments" } },
      "resources": [
        {
          "type": "Microsoft.ApiManagement/service/apis/operations/policies",
          "apiVersion": "2021-08-01",
          "name": "[concat('apim1/', parameters('apiName'), '/getOrder/policy')]",
          "properties": { "format": "rawxml", "value": "<policies><inbound><base /><validate-jwt header-name=\"Authorization\" /></inbound></policies>" }
        }
      ]
    }

    """#

  static let parameterNamedBicep = #"""
    param apiName string = 'payments'

    resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {
      name: 'apim1/orders/policy'
      properties: {
        format: 'rawxml'
        value: '''<policies>
      <inbound>
        <base />
        <set-header name="x-functions-key" exists-action="override">
          <value>{{orders-func-key}}</value>
        </set-header>
      </inbound>
    </policies>'''
      }
    }

    resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2023-05-01-preview' = {
      name: 'apim1/${apiName}/getOrder/policy'
      properties: {
        format: 'rawxml'
        value: '''<policies>
      <inbound>
        <base />
        <set-header name="Authorization" exists-action="delete" />
      </inbound>
    </policies>'''
      }
    }

    """#

  static let parameterNamedARM = #"""
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "parameters": {
        "apimName": { "type": "string", "defaultValue": "apim1" },
        "apiName": { "type": "string", "defaultValue": "payments" }
      },
      "resources": [
        {
          "type": "Microsoft.ApiManagement/service/apis/policies",
          "apiVersion": "2021-08-01",
          "name": "[concat(parameters('apimName'), '/orders/policy')]",
          "properties": {
            "format": "rawxml",
            "value": "<policies>\r\n  <inbound>\r\n    <base />\r\n    <set-header name=\"x-functions-key\" exists-action=\"override\">\r\n      <value>{{orders-func-key}}</value>\r\n    </set-header>\r\n  </inbound>\r\n</policies>"
          }
        },
        {
          "type": "Microsoft.ApiManagement/service/apis/operations/policies",
          "apiVersion": "2021-08-01",
          "name": "[concat(parameters('apimName'), '/', parameters('apiName'), '/getOrder/policy')]",
          "properties": {
            "format": "rawxml",
            "value": "<policies>\r\n  <inbound>\r\n    <base />\r\n    <validate-jwt header-name=\"Authorization\" />\r\n  </inbound>\r\n</policies>"
          }
        }
      ]
    }

    """#

  static let workspaceBicep = #"""
    resource apim 'Microsoft.ApiManagement/service@2023-09-01-preview' existing = {
      name: 'apim1'
      resource ws 'workspaces' existing = {
        name: 'team1'
        resource api 'apis' existing = {
          name: 'orders'
          resource apiPolicy 'policies' = {
            name: 'policy'
            properties: {
              format: 'rawxml'
              value: '''<policies>
      <inbound>
        <base />
        <set-header name="x-functions-key" exists-action="override">
          <value>{{orders-func-key}}</value>
        </set-header>
      </inbound>
    </policies>'''
            }
          }
        }
      }
    }

    resource opPolicy 'Microsoft.ApiManagement/service/workspaces/apis/operations/policies@2023-09-01-preview' = {
      name: 'apim1/team1/payments/getPay/policy'
      properties: {
        format: 'rawxml'
        value: '<policies><inbound><base /><validate-jwt header-name="Authorization" /></inbound></policies>'
      }
    }

    """#

  static let policyPassingCaller = #"""
    module orders './api.bicep' = {
      name: 'orders-api'
      params: {
        policyXml: '''<policies>
      <inbound>
        <base />
        <set-header name="x-functions-key" exists-action="override">
          <value>{{orders-func-key}}</value>
        </set-header>
      </inbound>
    </policies>'''
      }
    }

    resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2023-05-01-preview' = {
      name: 'apim1/orders/getOrder/policy'
      properties: {
        format: 'rawxml'
        value: '<policies><inbound><base /><validate-jwt header-name="Authorization" /></inbound></policies>'
      }
    }

    """#

  static let policyParameterModule = #"""
    param policyXml string

    resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {
      name: 'apim1/orders/policy'
      properties: {
        format: 'rawxml'
        value: policyXml
      }
    }

    """#

  static let includingTemplate = #"""
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "resources": [
        {
          "type": "Microsoft.ApiManagement/service/apis/policies",
          "apiVersion": "2021-08-01",
          "name": "apim1/orders/policy",
          "properties": { "format": "rawxml", "value": "<policies>\n  <inbound>\n    <base />\n  </inbound>\n  <outbound>\n    <base />\n    <include-fragment fragment-id=\"fn-key\" />\n  </outbound>\n</policies>" }
        },
        {
          "type": "Microsoft.ApiManagement/service/apis/policies",
          "apiVersion": "2021-08-01",
          "name": "apim1/payments/policy",
          "properties": { "format": "rawxml", "value": "<policies>\n  <inbound>\n    <include-fragment fragment-id=\"fn-key\" />\n    <base />\n  </inbound>\n</policies>" }
        },
        {
          "type": "Microsoft.ApiManagement/service/policies",
          "apiVersion": "2021-08-01",
          "name": "apim1/policy",
          "properties": { "format": "rawxml", "value": "<policies>\n  <inbound>\n    <base />\n    <check-header name=\"Authorization\" failed-check-httpcode=\"401\" failed-check-error-message=\"x\" ignore-case=\"true\" />\n  </inbound>\n</policies>" }
        }
      ]
    }

    """#

  static let includingBicep = #"""
    resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {
      name: 'apim1/orders/policy'
      properties: {
        format: 'rawxml'
        value: '''<policies>
      <inbound>
        <base />
        <include-fragment fragment-id="fn-key" />
        <validate-jwt header-name="Authorization" />
      </inbound>
    </policies>'''
      }
    }

    """#

  static let linkedPolicyBicep = #"""
    param policyBaseUrl string = 'https://example.blob.core.windows.net/policies'

    resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {
      name: 'apim1/orders/policy'
      properties: {
        format: 'rawxml'
        value: '''<policies>
      <inbound>
        <base />
        <set-header name="x-functions-key" exists-action="override">
          <value>{{orders-func-key}}</value>
        </set-header>
      </inbound>
    </policies>'''
      }
    }

    resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2023-05-01-preview' = {
      name: 'apim1/orders/getOrder/policy'
      properties: {
        format: 'rawxml-link'
        value: 'https://example.blob.core.windows.net/policies/orders-getOrder.xml'
      }
    }

    """#

  /// What `migrate --write` did to a tree of `files`.
  struct Outcome {
    var status: Int32
    var stderr: String
    /// The rule of each finding (`authorization-child-scope`).
    var rules: [String]
    /// The files it changed.
    var changed: [String]
  }

  /// `migrate --write` (with `--strict` when asked) on a tree of `files`.
  static func migrate(_ files: [String: String], strict: Bool = false) throws -> Outcome {
    try withTemporaryTree(files) { root in
      let result = run(
        ["migrate", "--write", "--resource", CLI.resource] + (strict ? ["--strict"] : []) + ["."], cwd: root)
      let rules = findingLines(result.stderr).compactMap { line -> String? in
        guard line.hasSuffix("]"), let open = line.lastIndex(of: "[") else { return nil }
        return String(line[line.index(after: open)..<line.index(before: line.endIndex)])
      }
      let changed = files.keys.sorted().filter { CLI.read(root, $0) != Array(files[$0]!.utf8) }
      return Outcome(status: result.status, stderr: result.stderr, rules: rules, changed: changed)
    }
  }

  /// `text` with each of `swaps` made (a name swapped for another).
  static func swapping(_ text: String, _ swaps: [(String, String)]) -> String {
    var text = text
    for (from, to) in swaps {
      #expect(text.contains(from), "fixture lacks \(from)")
      text = text.replacing(from, with: to)
    }
    return text
  }
}
