variable "use_function_key" {
  type    = bool
  default = true
}

resource "azurerm_api_management_api_policy" "loyalty" {
  api_name            = "loyalty"
  api_management_name = "apim-contoso"
  resource_group_name = "rg-apim"

  xml_content = <<XML
<policies>
  <inbound>
    <base />
    <validate-jwt header-name="Authorization" failed-validation-httpcode="401">
      <openid-config url="https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration" />
    </validate-jwt>
    <set-backend-service backend-id="loyalty-func" />
%{ if var.use_function_key }
    <set-header name="x-functions-key" exists-action="override">
      <value>{{loyalty-func-key}}</value>
    </set-header>
%{ endif }
  </inbound>
  <backend>
    <base />
  </backend>
  <outbound>
    <base />
  </outbound>
</policies>
XML
}
