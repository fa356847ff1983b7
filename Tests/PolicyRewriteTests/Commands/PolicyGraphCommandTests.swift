import Foundation
import Testing

/// End-to-end: the policy graph from each layout, and the Authorization decisions taken
/// across files on it (`rewrite-spec.md` §2a, §2c).
@Suite struct PolicyGraphCommandTests {
  static let mi = "<authentication-managed-identity resource=\"\(CLI.resource)\" />"

  /// A parent scope's policy with a key injection right after `<base />`.
  static let injecting = """
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
        </inbound>
    </policies>

    """

  /// A child scope that reads the caller's token after its `<base />`.
  static let reader = """
    <policies>
        <inbound>
            <base />
            <validate-jwt header-name="Authorization" failed-validation-httpcode="401" />
        </inbound>
    </policies>

    """

  /// A fragment that validates and then deletes the caller's token.
  static let readingFragment = """
    <fragment>
        <validate-jwt header-name="Authorization" failed-validation-httpcode="401" />
        <set-header name="Authorization" exists-action="delete" />
    </fragment>

    """

  static func migrate(_ root: URL, _ extra: [String] = []) -> (status: Int32, stdout: Data, stderr: String) {
    run(["migrate", "--write", "--resource", CLI.resource] + extra + ["."], cwd: root)
  }

  static func plan(_ root: URL) throws -> [String: Any] {
    let result = run(["plan", "--format", "json", "--resource", CLI.resource, "."], cwd: root)
    return try #require(JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "\(result.stderr)")
  }

  static func scopes(_ plan: [String: Any]) -> [String: String] {
    var result: [String: String] = [:]
    for policy in plan["policies"] as? [[String: Any]] ?? [] {
      result[policy["path"] as? String ?? ""] = policy["scope"] as? String
    }
    return result
  }

  @Test("Terraform resources: an operation that reads after <base /> holds the API's injection")
  func terraformResourcesChildReaderHoldsTheParent() throws {
    let files = [
      "infra/apim.tf": """
      resource "azurerm_api_management_api" "orders" {
        name = "orders"
      }
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = azurerm_api_management_api.orders.name
        xml_content = file("${path.module}/policies/orders-api.xml")
      }
      resource "azurerm_api_management_api_operation_policy" "get" {
        api_name     = azurerm_api_management_api.orders.name
        operation_id = "get-order"
        xml_content  = file("${path.module}/policies/get-order.xml")
      }

      """,
      "infra/policies/orders-api.xml": Self.injecting,
      "infra/policies/get-order.xml": Self.reader,
    ]
    try withTemporaryTree(files) { root in
      let plan = try Self.plan(root)
      #expect(
        Self.scopes(plan) == ["infra/policies/orders-api.xml": "api", "infra/policies/get-order.xml": "operation"])
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "infra/policies/orders-api.xml", Self.injecting)
      let review = findingLines(result.stderr).filter { $0.hasSuffix("[authorization-child-scope]") }
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("infra/policies/get-order.xml") == true, "\(review)")
    }
    // An operation that writes the header after <base /> would overwrite the API's token.
    let writer = Self.reader.replacingOccurrences(
      of: "<validate-jwt header-name=\"Authorization\" failed-validation-httpcode=\"401\" />",
      with: "<set-header name=\"Authorization\" exists-action=\"override\"><value>Bearer {{t}}</value></set-header>")
    try withTemporaryTree(files.merging(["infra/policies/get-order.xml": writer]) { $1 }) { root in
      let result = Self.migrate(root)
      expectFile(root, "infra/policies/orders-api.xml", Self.injecting)
      #expect(
        findingLines(result.stderr).filter { $0.hasSuffix("[authorization-child-scope]") }.count == 1,
        "stderr: \(result.stderr)")
    }
    // Without the link, the same two files are migrated (the API policy is not a parent).
    try withTemporaryTree(
      files.merging(["infra/apim.tf": "resource \"azurerm_api_management_api\" \"orders\" {\n  name = \"orders\"\n}\n"])
      {
        $1
      }
    ) { root in
      let result = Self.migrate(root)
      #expect(!findingLines(result.stderr).contains { $0.hasSuffix("[authorization-child-scope]") }, "\(result.stderr)")
    }
  }

  @Test("Terraform module calls: a product's injection is held by an API of the product that reads after <base />")
  func terraformModuleCallsProductMembership() throws {
    let files = [
      "app/main.tf": """
      module "gold" {
        source     = "./modules/product"
        product_id = "gold"
        policy_xml = file("./product/base.xml")
      }
      module "orders" {
        source      = "./modules/api"
        name        = "orders"
        path        = "orders"
        product_ids = [module.gold.product_id]
        xml_content = templatefile("./api/orders.xml.tpl", { host = var.host })
        api_operation_policies = [
          { operation_id = "list", xml_content = file("./api/list.xml") },
        ]
      }
      module "status" {
        source      = "./modules/api"
        name        = "status"
        path        = "status"
        xml_content = file("./api/status.xml")
      }

      """,
      "app/product/base.xml": Self.injecting,
      "app/api/orders.xml.tpl": Self.reader,
      "app/api/list.xml": Self.reader,
      "app/api/status.xml": Self.reader,
    ]
    try withTemporaryTree(files) { root in
      let plan = try Self.plan(root)
      #expect(
        Self.scopes(plan) == [
          "app/product/base.xml": "product", "app/api/orders.xml.tpl": "api", "app/api/list.xml": "operation",
          "app/api/status.xml": "api",
        ])
      let result = Self.migrate(root)
      expectFile(root, "app/product/base.xml", Self.injecting)
      let review = findingLines(result.stderr).filter { $0.hasSuffix("[authorization-child-scope]") }
      #expect(review.count == 1, "stderr: \(result.stderr)")
      // The API outside the product is not named.
      #expect(review.first?.contains("app/api/orders.xml.tpl") == true, "\(review)")
      #expect(review.first?.contains("status") == false, "\(review)")
    }
  }

  @Test("Terraform fragment by name in another folder: the MI element goes after the include of a reading fragment")
  func terraformFragmentResolvedByIDAcrossFolders() throws {
    let api = """
      <policies>
          <inbound>
              <base />
              <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
              <include-fragment fragment-id="ioapp-authenticated-cache" />
          </inbound>
      </policies>

      """
    let files = [
      "io-sign/api/policy/base_policy.xml": api,
      "io-sign/apim.tf": """
      resource "azurerm_api_management_api_policy" "sign" {
        api_name    = "io-sign"
        xml_content = file("./api/policy/base_policy.xml")
      }

      """,
      "io-infra/gateway/fragments.tf": """
      resource "azurerm_api_management_policy_fragment" "auth_cache" {
        name   = "ioapp-authenticated-cache"
        format = "rawxml"
        value  = file("${path.module}/xml/auth-cache.xml")
      }

      """,
      "io-infra/gateway/xml/auth-cache.xml": Self.readingFragment,
    ]
    try withTemporaryTree(files) { root in
      let plan = try Self.plan(root)
      let includes = plan["includes"] as? [[String: Any]] ?? []
      #expect(includes.count == 1)
      #expect(includes.first?["resolved"] as? String == "io-infra/gateway/xml/auth-cache.xml")
      #expect(includes.first?["section"] as? String == "inbound")
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(
        root, "io-sign/api/policy/base_policy.xml",
        api.replacingOccurrences(
          of: "        <set-header name=\"x-functions-key\"><value>{{fn-key}}</value></set-header>\n", with: ""
        ).replacingOccurrences(
          of: "<include-fragment fragment-id=\"ioapp-authenticated-cache\" />\n",
          with: "<include-fragment fragment-id=\"ioapp-authenticated-cache\" />\n        \(Self.mi)\n"))
    }
    // Without the repository that defines the fragment: the include runs after the key, so
    // the key is held (a warning for the file, one at the key), and an error with --strict.
    let alone = files.filter { $0.key.hasPrefix("io-sign/") }
    try withTemporaryTree(alone) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let warnings = findingLines(result.stderr).filter { $0.hasSuffix("[unresolved-fragment]") }
      #expect(warnings.count == 2, "stderr: \(result.stderr)")
      #expect(warnings.allSatisfy { $0.contains("ioapp-authenticated-cache") }, "\(warnings)")
      #expect(warnings.contains { $0.contains("the key injection at line") }, "\(warnings)")
      expectFile(root, "io-sign/api/policy/base_policy.xml", api)
    }
    try withTemporaryTree(alone) { root in
      let result = Self.migrate(root, ["--strict"])
      #expect(result.status == 2, "stderr: \(result.stderr)")
      expectFile(root, "io-sign/api/policy/base_policy.xml", api)
      #expect(findingLines(result.stderr).contains { $0.contains("error: ") && $0.hasSuffix("[unresolved-fragment]") })
    }
  }

  @Test("a fragment with a key, included from <backend>, is not rewritten")
  func fragmentIncludedFromBackendIsNotRewritten() throws {
    let fragment = """
      <fragment>
          <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
      </fragment>

      """
    let api = """
      <policies>
          <inbound>
              <base />
          </inbound>
          <backend>
              <include-fragment fragment-id="add-key" />
              <forward-request />
          </backend>
      </policies>

      """
    let files = [
      "main.tf": """
      resource "azurerm_api_management_policy_fragment" "add_key" {
        name  = "add-key"
        value = file("./xml/add-key.xml")
      }
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "orders"
        xml_content = file("./xml/orders.xml")
      }

      """,
      "xml/add-key.xml": fragment,
      "xml/orders.xml": api,
    ]
    try withTemporaryTree(files) { root in
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "xml/add-key.xml", fragment)
      let review = findingLines(result.stderr).filter { $0.hasSuffix("[fragment-included-outside-inbound]") }
      #expect(review.count == 1, "stderr: \(result.stderr)")
      #expect(review.first?.contains("xml/orders.xml:6 in <backend>") == true, "\(review)")
    }
  }

  @Test("Bicep: parent chains and loadTextContent; an operation reader holds the API's injection")
  func bicepChildReaderHoldsTheParent() throws {
    let files = [
      "bicep/main.bicep": """
      resource apim 'Microsoft.ApiManagement/service@2022-08-01' existing = {
        name: 'apim'
      }
      resource api 'Microsoft.ApiManagement/service/apis@2022-08-01' = {
        parent: apim
        name: 'orders'
      }
      resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
        parent: api
        name: 'policy'
        properties: {
          format: 'rawxml'
          value: loadTextContent('policies/orders.xml')
        }
      }
      resource operation 'Microsoft.ApiManagement/service/apis/operations@2022-08-01' = {
        parent: api
        name: 'getOrder'
      }
      resource operationPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2022-08-01' = {
        parent: operation
        name: 'policy'
        properties: {
          format: 'rawxml'
          value: loadTextContent('policies/get-order.xml')
        }
      }

      """,
      "bicep/policies/orders.xml": Self.injecting,
      "bicep/policies/get-order.xml": Self.reader,
    ]
    try withTemporaryTree(files) { root in
      let plan = try Self.plan(root)
      #expect(Self.scopes(plan)["bicep/policies/orders.xml"] == "api")
      #expect(Self.scopes(plan)["bicep/policies/get-order.xml"] == "operation")
      let result = Self.migrate(root)
      expectFile(root, "bicep/policies/orders.xml", Self.injecting)
      #expect(
        findingLines(result.stderr).filter { $0.hasSuffix("[authorization-child-scope]") }.count == 1,
        "stderr: \(result.stderr)")
    }
  }

  @Test("ARM: a fragment defined in a template is resolved by name, and its reader places the MI element")
  func armFragmentResolvedByName() throws {
    let template = #"""
      {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [
          {
            "type": "Microsoft.ApiManagement/service/policyFragments",
            "apiVersion": "2022-08-01",
            "name": "[concat(parameters('apimName'), '/jwt-check')]",
            "properties": {
              "format": "rawxml",
              "value": "<fragment><validate-jwt header-name=\"Authorization\" failed-validation-httpcode=\"401\" /></fragment>"
            }
          },
          {
            "type": "Microsoft.ApiManagement/service/apis/policies",
            "apiVersion": "2022-08-01",
            "name": "[concat(parameters('apimName'), '/orders/policy')]",
            "properties": {
              "format": "rawxml",
              "value": "<policies><inbound><base /><set-header name=\"x-functions-key\"><value>{{fn-key}}</value></set-header><include-fragment fragment-id=\"jwt-check\" /></inbound></policies>"
            }
          }
        ]
      }

      """#
    try withTemporaryTree(["arm/azuredeploy.json": template]) { root in
      let plan = try Self.plan(root)
      let policies = plan["policies"] as? [[String: Any]] ?? []
      #expect(policies.map { $0["scope"] as? String ?? "" }.sorted() == ["api", "fragment"])
      #expect(policies.first { $0["scope"] as? String == "api" }?["api"] as? String == "orders")
      let includes = plan["includes"] as? [[String: Any]] ?? []
      #expect(includes.first?["resolved"] as? String == "arm/azuredeploy.json")
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let written = String(decoding: CLI.read(root, "arm/azuredeploy.json") ?? [], as: UTF8.self)
      #expect(
        written.contains(
          #"<include-fragment fragment-id=\"jwt-check\" /><authentication-managed-identity resource=\"\#(CLI.resource)\" />"#
        ), "\(written)")
    }
  }

  @Test("APIOps: scopes and product membership from apis.json; a policy outside any layout gets scope-unknown")
  func apiopsAndUnknownScope() throws {
    let files = [
      "apim/policy.xml": Policies.clean,
      "apim/products/gold/policy.xml": Policies.clean,
      "apim/products/gold/apis.json": #"["orders"]"#,
      "apim/apis/orders/apiPolicy.xml": Policies.clean,
      "apim/apis/orders/operations/get/policy.xml": Policies.clean,
      "loose/orders-policy.xml": Self.injecting,
    ]
    try withTemporaryTree(files) { root in
      let plan = try Self.plan(root)
      #expect(
        Self.scopes(plan) == [
          "apim/policy.xml": "global", "apim/products/gold/policy.xml": "product",
          "apim/apis/orders/apiPolicy.xml": "api", "apim/apis/orders/operations/get/policy.xml": "operation",
          "loose/orders-policy.xml": "unknown",
        ])
      let strict = run(["migrate", "--write", "--strict", "--resource", CLI.resource, "."], cwd: root)
      #expect(strict.status == 2, "stderr: \(strict.stderr)")
      expectFile(root, "loose/orders-policy.xml", Self.injecting)
      let result = Self.migrate(root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(findingLines(result.stderr).filter { $0.hasSuffix("[scope-unknown]") }.count == 1, "\(result.stderr)")
    }
  }

  @Test("a parent that reads Authorization holds a child's injection replaced in place before <base />")
  func parentReaderHoldsAChildInjectionBeforeBase() throws {
    let child = """
      <policies>
          <inbound>
              <choose>
                  <when condition="@(context.Request.Method == &quot;GET&quot;)">
                      <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
                  </when>
              </choose>
              <base />
          </inbound>
      </policies>

      """
    let terraform = [
      "main.tf": """
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "orders"
        xml_content = file("./xml/api.xml")
      }
      resource "azurerm_api_management_api_operation_policy" "get" {
        api_name     = "orders"
        operation_id = "get"
        xml_content  = file("./xml/get.xml")
      }

      """,
      "xml/api.xml": Self.reader,
      "xml/get.xml": child,
    ]
    let apiops = ["apis/orders/policy.xml": Self.reader, "apis/orders/operations/get/policy.xml": child]
    for (files, path) in [(terraform, "xml/get.xml"), (apiops, "apis/orders/operations/get/policy.xml")] {
      try withTemporaryTree(files) { root in
        let result = Self.migrate(root)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        expectFile(root, path, child)
        let review = findingLines(result.stderr).filter { $0.hasSuffix("[authorization-parent-scope]") }
        #expect(review.count == 1, "stderr: \(result.stderr)")
      }
    }
    // A parent that does not read: the child is migrated.
    try withTemporaryTree(["apis/orders/policy.xml": Policies.clean, "apis/orders/operations/get/policy.xml": child]) {
      root in
      _ = Self.migrate(root)
      #expect(CLI.read(root, "apis/orders/operations/get/policy.xml") != Array(child.utf8))
    }
  }
}
