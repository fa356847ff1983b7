# Two Function Apps behind APIM, after the switch to Managed Identity.

resource "azurerm_api_management" "apim" {
  name                = "contoso-apim"
  location            = "westeurope"
  resource_group_name = "rg-apim"
  publisher_name      = "Contoso"
  publisher_email     = "platform@contoso.example"
  sku_name            = "Developer_1"

  identity {
    type = "SystemAssigned"
  }
}

# APIM's client id: allowed callers hold client ids, not the identity's principal (object) id.
data "azuread_service_principal" "apim" {
  object_id = azurerm_api_management.apim.identity[0].principal_id
}

# Ready: Easy Auth requires a token for api://catalog-func from APIM, and every trigger is anonymous.
resource "azurerm_linux_function_app" "catalog" {
  name                = "catalog-func"
  location            = "westeurope"
  resource_group_name = "rg-catalog"
  service_plan_id     = "plan-id"

  auth_settings_v2 {
    require_authentication = true
    unauthenticated_action = "Return401"

    active_directory_v2 {
      client_id            = "3c1d6a52-8f0e-4d8b-9a51-0d6f2b7c4e11"
      tenant_auth_endpoint = "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0"
      allowed_audiences    = ["api://catalog-func"]
      allowed_applications = [data.azuread_service_principal.apim.client_id]
    }
    login {}
  }

  site_config {}
}

# Blocked: the authentication is right, but apps/payments/GetPayment still asks for a function key.
module "payments_func" {
  source  = "pagopa-dx/azure-function-app/azurerm"
  version = "~> 4.1"

  entra_id_authentication = {
    audience_client_id         = "api://payments-func"
    allowed_callers_client_ids = [data.azuread_service_principal.apim.client_id]
    tenant_id                  = "contoso.onmicrosoft.com"
  }
}

resource "azurerm_api_management_backend" "payments" {
  name                = "payments"
  resource_group_name = "rg-apim"
  api_management_name = azurerm_api_management.apim.name
  protocol            = "http"
  url                 = "https://${module.payments_func.function_app.default_hostname}/api"
}
