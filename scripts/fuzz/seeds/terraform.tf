resource "azurerm_api_management_api_policy" "p" {
  xml_content = <<XML
<policies>
  <inbound>
    <base />
    <set-header name="x-functions-key" exists-action="override">
      <value>${var.key}</value>
    </set-header>
  </inbound>
</policies>
XML
}
