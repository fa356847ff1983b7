import Foundation
import PolicyRewriteCLI
import Testing

@testable import PolicyRewrite

/// The Function App readiness verdict end to end: a repository with APIM, Function Apps in
/// Terraform, their code in several languages, and the policies that call them.
@Suite struct ReadinessTests {
  static func policy(_ backend: String, key: String) -> String {
    """
    <policies>
      <inbound>
        <base />
        \(backend)
        <set-header name="x-functions-key" exists-action="override"><value>{{\(key)}}</value></set-header>
      </inbound>
      <backend><base /></backend>
      <outbound><base /></outbound>
      <on-error><base /></on-error>
    </policies>

    """
  }

  static func auth(_ directory: String) -> String {
    """
      auth_settings_v2 {
        require_authentication = true
        active_directory_v2 {
    \(directory)
        }
      }
    """
  }

  static let tree: [String: String] = [
    "infra/apim.tf": """
    resource "azurerm_api_management" "apim" {
      name = "contoso-apim"
      identity {
        type = "SystemAssigned"
      }
    }
    data "azuread_service_principal" "apim" {
      object_id = azurerm_api_management.apim.identity[0].principal_id
    }
    resource "azurerm_api_management_backend" "orders" {
      name = "orders"
      url  = "https://${module.orders_func.function_app.default_hostname}/api"
    }

    """,
    "infra/apps.tf": """
    module "orders_func" {
      source  = "pagopa-dx/azure-function-app/azurerm"
      version = "~> 4.1"
      entra_id_authentication = {
        audience_client_id         = "api://orders-func"
        allowed_callers_client_ids = [data.azuread_service_principal.apim.client_id]
        tenant_id                  = "contoso.onmicrosoft.com"
      }
    }
    resource "azurerm_linux_function_app" "inventory" {
      name = "inventory-func"
    \(auth("""
          client_id            = "0b5e9c1a-1111-4222-8333-444455556666"
          allowed_audiences    = ["api://inventory-func"]
          allowed_applications = [data.azuread_service_principal.apim.client_id]
    """))
    }
    resource "azurerm_linux_function_app" "billing" {
      name = "billing-func"
      site_config {}
    }
    resource "azurerm_linux_function_app" "shipping" {
      name = "shipping-func"
    \(auth("""
          client_id            = "api://shipping-func-v2"
          allowed_applications = [azurerm_api_management.apim.identity[0].principal_id]
    """))
    }
    resource "azurerm_linux_function_app" "audit" {
      name = "audit-func"
    \(auth("""
          client_id            = "api://audit-func"
          allowed_applications = [data.azuread_service_principal.apim.client_id]
    """))
    }

    """,
    "apis/orders/policy.xml": policy(#"<set-backend-service backend-id="orders" />"#, key: "orders-func-key"),
    "apis/inventory/policy.xml": policy(
      #"<set-backend-service base-url="https://inventory-func.azurewebsites.net/api" />"#, key: "inventory-func-key"),
    "apis/billing/policy.xml": policy(
      #"<set-backend-service base-url="https://billing-func.azurewebsites.net/api" />"#, key: "billing-func-key"),
    "apis/shipping/policy.xml": policy(
      #"<set-backend-service base-url="https://shipping-func.azurewebsites.net/api" />"#, key: "shipping-func-key"),
    "apis/audit/policy.xml": policy(
      #"<set-backend-service base-url="https://audit-func.azurewebsites.net/api" />"#, key: "audit-func-key"),
    "apis/legacy/policy.xml": policy(
      #"<set-backend-service base-url="https://legacy-func.azurewebsites.net/api" />"#, key: "legacy-func-key"),
    // TypeScript, linked by the map: anonymous (the v4 default and as written).
    "apps/orders/host.json": #"{"version": "2.0"}"#,
    "apps/orders/tsconfig.json": "{}",
    "apps/orders/src/functions/orders.ts": """
    import { app } from "@azure/functions";
    app.http("listOrders", { methods: ["GET"], handler: listOrders });
    app.http("getOrder", { authLevel: "anonymous", handler: getOrder });

    """,
    // Compiled output and dependencies are not read.
    "apps/orders/dist/functions/orders.js": #"app.http("listOrders", { authLevel: "function", handler });"#,
    "apps/orders/node_modules/x/index.js": #"app.http("dep", { authLevel: "function", handler });"#,
    // function.json, linked by folder name: one trigger still at function level.
    "apps/inventory-func/host.json": #"{"version": "2.0"}"#,
    "apps/inventory-func/GetStock/function.json": """
    {
      "bindings": [
        { "type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "function" }
      ]
    }

    """,
    // Python: anonymous for the whole app.
    "apps/billing-func/host.json": #"{"version": "2.0"}"#,
    "apps/billing-func/function_app.py": """
    import azure.functions as func
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="invoices")
    def invoices(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("[]")

    """,
    // C#: anonymous.
    "apps/shipping-func/host.json": #"{"version": "2.0"}"#,
    "apps/shipping-func/Shipments.cs": """
    public static class Shipments
    {
        [Function("Shipments")]
        public static IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest req) => new OkResult();
    }

    """,
    "apps/shipping-func/obj/Generated.cs": #"[HttpTrigger(AuthorizationLevel.Function, "get")]"#,
    // A project no app links to.
    "apps/reports/host.json": #"{"version": "2.0"}"#,
    "apps/reports/function_app.py": """
    import azure.functions as func
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    """,
    "map.json": """
    {
      "byNamedValue": {
        "orders-func-key": "api://orders-func",
        "inventory-func-key": "api://inventory-func",
        "billing-func-key": "api://billing-func",
        "shipping-func-key": "api://shipping-func",
        "audit-func-key": "api://audit-func",
        "legacy-func-key": "api://legacy-func"
      },
      "functionApps": { "orders_func": { "code": "apps/orders" } }
    }

    """,
  ]

  static func apps(_ document: [String: Any]) throws -> [String: [String: Any]] {
    let list = try #require(document["functionApps"] as? [[String: Any]])
    return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "", $0) })
  }

  static func blockerRules(_ app: [String: Any]?) -> [String] {
    ((app?["blockers"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String }.sorted()
  }

  @Test func eachAppGetsItsVerdictAndBlockers() throws {
    try withTemporaryTree(Self.tree) { root in
      let result = run(["plan", "--format", "json", "--resource-map", "map.json", "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(try OutputSchemaTests.violations(of: result.stdout, schema: "plan") == nil)
      let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
      let apps = try Self.apps(document)
      #expect(
        Set(apps.keys) == [
          "orders_func", "inventory-func", "billing-func", "shipping-func", "audit-func", "legacy-func",
        ])

      // The pagopa-dx module, linked through the backend's Terraform reference and the map.
      let orders = apps["orders_func"]
      #expect(orders?["readiness"] as? String == "ready", "\(orders ?? [:])")
      #expect(orders?["address"] as? String == "module.orders_func")
      #expect(orders?["policyResources"] as? [String] == ["api://orders-func"])
      let triggers = (orders?["httpTriggers"] as? [[String: Any]]) ?? []
      #expect(
        triggers.compactMap { $0["function"] as? String } == ["listOrders", "getOrder"],
        "dist/ and node_modules/ are not read")

      let inventory = apps["inventory-func"]
      #expect(inventory?["readiness"] as? String == "blocked")
      #expect(Self.blockerRules(inventory) == ["function-auth-level"])
      let blocker = (inventory?["blockers"] as? [[String: Any]])?.first
      #expect(blocker?["path"] as? String == "apps/inventory-func/GetStock/function.json")
      #expect(blocker?["line"] as? Int == 3)

      // A linux function app without auth_settings_v2.
      let billing = apps["billing-func"]
      #expect(Self.blockerRules(billing) == ["function-app-without-entra-auth"])
      #expect((billing?["entraIdAuthentication"] as? [String: Any])?["configured"] as? Bool == false)

      // An audience that differs from the map's resource, and APIM's object id as caller.
      let shipping = apps["shipping-func"]
      #expect(Self.blockerRules(shipping) == ["allowed-caller-object-id", "audience-mismatch"])
      #expect(Self.blockerRules(apps["shipping-func"]).count == 2)

      // IaC without code, and code without IaC: unknown, with the reason.
      let audit = apps["audit-func"]
      #expect(audit?["readiness"] as? String == "unknown")
      #expect(((audit?["unknowns"] as? [String]) ?? []).contains { $0.contains("no Functions project") })
      let legacy = apps["legacy-func"]
      #expect(legacy?["readiness"] as? String == "unknown")
      #expect(legacy?["declaredAt"] == nil)
      #expect(((legacy?["unknowns"] as? [String]) ?? []).first?.contains("no Function App in the scanned IaC") == true)

      let unlinked = try #require(document["unlinkedFunctionProjects"] as? [[String: Any]])
      #expect(unlinked.compactMap { $0["path"] as? String } == ["apps/reports"])
    }
  }

  @Test func theTextPlanHasAFunctionAppsTable() throws {
    try withTemporaryTree(Self.tree) { root in
      let result = run(["plan", "--resource-map", "map.json", "."], cwd: root)
      let output = text(result.stdout)
      #expect(output.contains("\nFunction Apps:\nFUNCTION APP "), "\(output)")
      #expect(
        output.contains("apps/inventory-func/GetStock/function.json:3: HTTP trigger 'GetStock' has authLevel function"))
      #expect(output.contains("Functions projects linked to no Function App"))
      let markdown = text(run(["plan", "--format", "markdown", "--resource-map", "map.json", "."], cwd: root).stdout)
      #expect(markdown.contains("### Function Apps\n\n| function app | iac |"), "\(markdown)")
    }
  }

  @Test func withoutAPIMInTheScannedIaCNoAppIsReady() throws {
    var tree = Self.tree
    tree["infra/apim.tf"] = """
      resource "azurerm_api_management_backend" "orders" {
        name = "orders"
        url  = "https://${module.orders_func.function_app.default_hostname}/api"
      }

      """
    try withTemporaryTree(tree) { root in
      let result = run(["plan", "--format", "json", "--resource-map", "map.json", "."], cwd: root)
      let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
      let orders = try Self.apps(document)["orders_func"]
      #expect(orders?["readiness"] as? String == "unknown")
      #expect(((orders?["unknowns"] as? [String]) ?? []).contains { $0.contains("no APIM instance") })
    }
  }

  @Test func aMapFolderWithoutHostJSONSaysSo() throws {
    var tree = Self.tree
    tree["map.json"] = tree["map.json"]?.replacing(#""code": "apps/orders""#, with: #""code": "apps/missing""#)
    try withTemporaryTree(tree) { root in
      let result = run(["plan", "--format", "json", "--resource-map", "map.json", "."], cwd: root)
      let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
      let orders = try Self.apps(document)["orders_func"]
      #expect(orders?["readiness"] as? String == "unknown")
      #expect(
        (orders?["unknowns"] as? [String]) == [
          "the resource map names 'apps/missing' as the code of 'orders_func', but no host.json was scanned there"
        ])
    }
  }

  @Test func anAPIMWithoutSystemAssignedIdentityBlocks() throws {
    var tree = Self.tree
    tree["infra/apim.tf"] = tree["infra/apim.tf"]?.replacing(
      #"type = "SystemAssigned""#, with: #"type = "UserAssigned""#)
    try withTemporaryTree(tree) { root in
      let result = run(["plan", "--format", "json", "--resource-map", "map.json", "."], cwd: root)
      let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
      #expect(Self.blockerRules(try Self.apps(document)["orders_func"]) == ["apim-identity-missing"])
    }
  }

  @Test func emitMapFillsTheAudienceTheIaCGives() throws {
    try withTemporaryTree(Self.tree) { root in
      let result = run(["plan", "--emit-map", "skeleton.json", "."], cwd: root)
      let skeleton = try Data(contentsOf: root.appendingPathComponent("skeleton.json"))
      let map = try #require(try JSONSerialization.jsonObject(with: skeleton) as? [String: Any])
      let entries = try #require(map["byNamedValue"] as? [String: String])
      #expect(entries["orders-func-key"] == "api://orders-func", "\(entries)")
      #expect(entries["inventory-func-key"] == "0b5e9c1a-1111-4222-8333-444455556666", "the client id first")
      #expect(entries["billing-func-key"] == "", "no Entra ID authentication: nothing to fill")
      #expect(entries["legacy-func-key"] == "", "no IaC: nothing to fill")
      #expect(result.stderr.contains("orders-func-key: api://orders-func is the audience of module.orders_func"))
    }
  }

  @Test func checkReadinessFailsOnABlockedMigratedAppAndPassesOnceFixed() throws {
    let sample = ReadmeTests.packageRoot.appendingPathComponent("samples/readiness")
    let work = try CLI.makeTemporaryFolder("policy-rewrite-readiness")
    defer { try? FileManager.default.removeItem(at: work) }
    _ = CLI.tool("cp", ["-R", sample.path, work.path], cwd: work)
    let root = work.appendingPathComponent("readiness")
    let arguments = ["check", "--readiness", "--resource-map", "readiness-map.json", "."]
    let blocked = run(arguments, cwd: root)
    #expect(blocked.status == 1, "\(blocked.stderr)")
    #expect(blocked.stderr.contains("[function-auth-level]"), "\(blocked.stderr)")
    #expect(run(["check", "."], cwd: root).status == 0, "without --readiness, the migrated policies pass")
    let json = run(
      ["check", "--readiness", "--format", "json", "--resource-map", "readiness-map.json", "."], cwd: root)
    #expect(json.status == 1)
    #expect(try OutputSchemaTests.violations(of: json.stdout, schema: "check") == nil)
    // A baseline accepts the finding like any other.
    let accepted = run(
      ["check", "--readiness", "--resource-map", "readiness-map.json", "--write-baseline", "b.json", "."], cwd: root)
    #expect(accepted.status == 0, "\(accepted.stderr)")
    let withBaseline = run(arguments.dropLast() + ["--baseline", "b.json", "."], cwd: root)
    #expect(withBaseline.status == 0, "\(withBaseline.stderr)")
    let trigger = root.appendingPathComponent("apps/payments/GetPayment/function.json")
    let fixed = try String(contentsOf: trigger, encoding: .utf8).replacing(
      #""authLevel": "function""#, with: #""authLevel": "anonymous""#)
    try fixed.write(to: trigger, atomically: true, encoding: .utf8)
    let passed = run(arguments, cwd: root)
    #expect(passed.status == 0, "\(passed.stderr)")
  }

  @Test func theSampleShowsOneReadyAndOneBlockedApp() throws {
    let root = ReadmeTests.packageRoot.appendingPathComponent("samples/readiness")
    let result = run(["plan", "--format", "json", "--resource-map", "readiness-map.json", "."], cwd: root)
    let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    let apps = try Self.apps(document)
    #expect(apps["catalog-func"]?["readiness"] as? String == "ready", "\(apps)")
    #expect(apps["payments_func"]?["readiness"] as? String == "blocked")
    #expect(Self.blockerRules(apps["payments_func"]) == ["function-auth-level"])
  }

  /// Keeps nothing: the run's summary is what the test reads.
  final class Discarding: Reporter {
    func report(_ file: FileReport) {}
    func finish(_ summary: RunSummary) {}
  }

  @Test func codeScanningReadsOnlyTriggerFilesInProjectsAndCheckReadsNone() throws {
    try withTemporaryTree(Self.tree) { root in
      var options = Frontend.Options(command: .check, configuration: RewriteConfiguration())
      options.showsProgress = false
      let check = Frontend(options: options).run(paths: [root.path], reporter: Discarding())
      #expect(check.functionApps == nil, "check without --readiness assesses nothing")
      options.readiness = true
      let report = try #require(Frontend(options: options).run(paths: [root.path], reporter: Discarding()).functionApps)
      // orders.ts, GetStock/function.json, billing's and reports' function_app.py, Shipments.cs:
      // not dist/, node_modules/ or obj/, nor tsconfig.json and host.json.
      #expect(report.codeFilesRead == 5)
      // check records no key injections: the app known only from one (legacy-func) is not listed.
      #expect(
        report.apps.map(\.app.name).sorted() == [
          "audit-func", "billing-func", "inventory-func", "orders_func", "shipping-func",
        ])
    }
  }
}
