// Orders and shipping APIs: one policy as a multi-line string, one as an escaped string,
// and the backend that still sends the function key.
param apimName string
param shippingAppName string

resource apim 'Microsoft.ApiManagement/service@2023-05-01-preview' existing = {
  name: apimName
}

resource ordersPolicy 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {
  name: '${apimName}/orders/policy'
  properties: {
    format: 'rawxml'
    value: '''
<policies>
  <inbound>
    <base />
    <set-backend-service backend-id="orders-func" />
    <set-header name="x-functions-key" exists-action="override">
      <value>{{orders-func-key}}</value>
    </set-header>
  </inbound>
  <backend>
    <base />
  </backend>
  <outbound>
    <base />
  </outbound>
</policies>
'''
  }
}

resource shippingPolicy 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {
  name: '${apimName}/shipping/policy'
  properties: {
    format: 'rawxml'
    value: '<policies>\r\n  <inbound>\r\n    <base />\r\n    <set-backend-service base-url="https://${shippingAppName}.azurewebsites.net/api" />\r\n    <set-header name="x-functions-key" exists-action="override">\r\n      <value>{{${shippingAppName}-key}}</value>\r\n    </set-header>\r\n    <set-variable name="region" value="@(context.Request.Headers.GetValueOrDefault(\'x-region\', \'eu\'))" />\r\n  </inbound>\r\n</policies>'
  }
}

resource ordersBackend 'Microsoft.ApiManagement/service/backends@2023-05-01-preview' = {
  parent: apim
  name: 'orders-func'
  properties: {
    url: 'https://orders-func.azurewebsites.net/api'
    protocol: 'http'
    credentials: {
      header: {
        'x-functions-key': [
          '{{orders-func-key}}'
        ]
      }
    }
  }
}
