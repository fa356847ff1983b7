import Foundation
import Testing

/// `plan`, the resource audit of `migrate`, and the map's mistakes, run through the built binary.
@Suite struct PlanTests {
  /// A repository with two Function Apps, a review item and Terraform declarations.
  static let tree: [String: String] = [
    "apis/orders/policy.xml": Policies.injection("orders-func-key"),
    "apis/payments/policy.xml": Policies.injection("payments-func-key"),
    "apis/notify/policy.xml": Policies.review("notify-func-key"),
    "infra/named-values.tf": """
    resource "azurerm_key_vault_secret" "orders" {
      name = "orders-func-key"
    }

    resource "azurerm_api_management_named_value" "orders" {
      name         = "orders-func-key"
      display_name = "orders-func-key"
      secret       = true
      value_from_key_vault {
        secret_id = azurerm_key_vault_secret.orders.id
      }
    }

    resource "azurerm_api_management_backend" "orders" {
      name = "orders-func"
      url  = "https://orders-func.azurewebsites.net/api"
    }

    resource "azurerm_api_management_api_policy" "orders" {
      api_name   = "orders"
      depends_on = [azurerm_api_management_named_value.orders]
    }

    """,
  ]

  static func json(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test("plan lists every key with its Function App, files, scope and resource source")
  func planInventory() throws {
    var files = Self.tree
    files["map.json"] = #"{"byNamedValue": {"orders-func-key": "api://orders"}, "default": "api://fallback"}"#
    try withTemporaryTree(files) { root in
      let result = run(["plan", "--resource-map", "map.json", "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      let lines = text(result.stdout).split(separator: "\n").map(String.init)
      let orders = try #require(lines.first { $0.hasPrefix("orders-func-key ") })
      #expect(orders.contains("backend orders-func (https://orders-func.azurewebsites.net/api)"), "\(orders)")
      #expect(orders.contains("api://orders (namedValue orders-func-key)"), "\(orders)")
      let payments = try #require(lines.first { $0.hasPrefix("payments-func-key ") })
      #expect(payments.contains("api://fallback (default)"), "\(payments)")
      let notify = try #require(lines.first { $0.hasPrefix("notify-func-key ") })
      #expect(notify.contains("1 (1 review)"), "\(notify)")
      #expect(lines.contains("  apis/orders/policy.xml (api) line 5"))
      #expect(lines.contains("  declared: azurerm_api_management_named_value.orders at infra/named-values.tf:5"))
      #expect(lines.contains { $0.hasPrefix("  apis/notify/policy.xml:") && $0.hasSuffix("[key-outside-inbound]") })
      #expect(result.stderr == "policy-rewrite plan: 3 files scanned, 1 needing review, 0 with errors\n")

      let document = try Self.json(
        run(["plan", "--format", "json", "--resource-map", "map.json", "."], cwd: root).stdout)
      let keys = try #require(document["keys"] as? [[String: Any]])
      #expect(keys.compactMap { $0["key"] as? String } == ["notify-func-key", "orders-func-key", "payments-func-key"])
      let resources = try #require(keys[1]["resources"] as? [[String: Any]])
      #expect(resources.first?["from"] as? String == "namedValue")
      #expect(resources.first?["resource"] as? String == "api://orders")

      let markdown = text(run(["plan", "--format", "markdown", "."], cwd: root).stdout)
      #expect(markdown.contains("| key | function app | scopes | files | injections | resource (from) |\n|---|---|"))
      #expect(
        markdown.contains(#"| orders-func-key | backend orders-func \(https://orders-func.azurewebsites.net/api\) |"#))
    }
  }

  @Test("--emit-map writes a skeleton that, filled in, migrates with --strict-map and no default")
  func emitMapThenStrictMigrate() throws {
    try withTemporaryTree(Self.tree) { root in
      let planned = run(["plan", "--emit-map", "map.json", "apis"], cwd: root)
      #expect(planned.status == 0, "\(planned.stderr)")
      let skeleton = text(try Data(contentsOf: root.appendingPathComponent("map.json")))
      #expect(
        skeleton
          == "{\n  \"byNamedValue\": {\n    \"notify-func-key\": \"\",\n    \"orders-func-key\": \"\",\n    \"payments-func-key\": \"\"\n  }\n}\n"
      )
      // Unfilled, the map is refused with every empty entry in one run, without usage text.
      let unfilled = run(["migrate", "--resource-map", "map.json", "--strict-map", "apis"], cwd: root)
      #expect(unfilled.status == 2)
      #expect(
        unfilled.stderr
          == ["notify", "orders", "payments"].enumerated().map { index, name in
            "map.json:\(index + 3):5: error: no resource yet for '\(name)-func-key': fill in the client id (a GUID or api:// URI) of its Function App's Entra ID application\n"
          }.joined()
      )
      let filled = skeleton.replacingOccurrences(of: "-func-key\": \"\"", with: "-func-key\": \"api://filled\"")
      try Data(filled.utf8).write(to: root.appendingPathComponent("map.json"))
      let migrated = run(
        ["migrate", "--format", "json", "--resource-map", "map.json", "--strict-map", "--write", "apis"], cwd: root)
      #expect(migrated.status == 0, "\(migrated.stderr)")
      let files = try #require(try Self.json(migrated.stdout)["files"] as? [[String: Any]])
      let injections = files.flatMap { $0["injections"] as? [[String: Any]] ?? [] }
      #expect(injections.count == 3)
      #expect(injections.allSatisfy { $0["resourceFrom"] as? String == "namedValue" }, "\(injections)")
      #expect(injections.allSatisfy { $0["resource"] as? String == "api://filled" })
      expectFile(root, "apis/orders/policy.xml", Policies.migrated("api://filled"))
    }
  }

  @Test("a typo in byNamedValue and a byPath glob that matches nothing: warnings, errors with --strict-map")
  func mapMistakes() throws {
    var files = Self.tree
    files["map.json"] = """
      {
        "default": "api://fallback",
        "byNamedValue": {"orders-func-kye": "api://orders"},
        "byPath": {"apis/orderz/**": "api://orders"}
      }
      """
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--resource-map", "map.json", "apis"], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      let findings = findingLines(result.stderr)
      #expect(
        findings.contains(
          "map.json:3:20: warning: byNamedValue entry 'orders-func-kye' matches no key injection in this run; did you mean 'orders-func-key'? [unused-map-entry]"
        ), "\(result.stderr)")
      #expect(
        findings.contains(
          "map.json:4:14: warning: byPath entry 'apis/orderz/**' matches no file with a key injection in this run (globs are relative to the map's folder) [unused-map-entry]"
        ), "\(result.stderr)")
      #expect(result.stderr.contains("resources: api://fallback: 2 (default 2)\n"), "\(result.stderr)")

      let strict = run(["migrate", "--resource-map", "map.json", "--strict-map", "apis"], cwd: root)
      #expect(strict.status == 2)
      #expect(strict.stderr.contains("map.json:3:20: error: byNamedValue entry 'orders-func-kye' matches no key"))
      #expect(
        strict.stderr.contains(
          "apis/orders/policy.xml:5:9: error: --strict-map: no byNamedValue or byPath entry for the key of named value 'orders-func-key'"
        ), "\(strict.stderr)")
      #expect(text(strict.stdout).isEmpty, "nothing would change: every file has an error")
    }
  }

  @Test("the same map gives the same audiences from any current folder")
  func mapIsRelativeToItsFolder() throws {
    var files = Self.tree
    files["map.json"] = #"{"byPath": {"apis/payments/**": "api://payments"}, "default": "api://fallback"}"#
    try withTemporaryTree(files) { root in
      func resources(_ arguments: [String], cwd: URL) throws -> [String: String] {
        let result = run(["migrate", "--format", "json"] + arguments, cwd: cwd)
        #expect(result.status == 0, "\(result.stderr)")
        let files = try #require(try Self.json(result.stdout)["files"] as? [[String: Any]])
        var resources: [String: String] = [:]
        for file in files {
          let name = (file["path"] as? String ?? "").split(separator: "/").suffix(2).joined(separator: "/")
          let injection = (file["injections"] as? [[String: Any]])?.first
          resources[name] = "\(injection?["resource"] ?? "") \(injection?["resourceFrom"] ?? "")"
        }
        return resources
      }
      let fromRoot = try resources(["--resource-map", "map.json", "apis"], cwd: root)
      let fromAPIs = try resources(["--resource-map", "../map.json", "."], cwd: root.appendingPathComponent("apis"))
      let fromPayments = try resources(
        ["--resource-map", "../../map.json", "."], cwd: root.appendingPathComponent("apis/payments"))
      #expect(fromRoot["payments/policy.xml"] == "api://payments path")
      #expect(fromRoot["orders/policy.xml"] == "api://fallback default")
      #expect(fromAPIs == fromRoot)
      #expect(fromPayments["policy.xml"] == "api://payments path")
    }
  }

  @Test("a broken map: its path, line and column, exit 2, no usage text, nothing read")
  func brokenMap() throws {
    var files = Self.tree
    files["map.json"] = "{\n  \"default\": \"api://x\"\n  \"byPath\": {}\n}\n"
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--resource-map", "map.json", "--write", "apis"], cwd: root)
      #expect(result.status == 2)
      #expect(
        result.stderr
          == "map.json:3:3: error: resource map is not valid JSON (expected {\"default\": R, \"byNamedValue\": {NAME: R}, \"byPath\": {GLOB: R}})\n"
      )
      expectFile(root, "apis/orders/policy.xml", Policies.injection("orders-func-key"))
    }
  }

  @Test("per-file lines for each mode, and --quiet")
  func perFileLines() throws {
    try withTemporaryTree(Self.tree) { root in
      let args = ["--resource", CLI.resource]
      let dry = run(["migrate"] + args + ["apis"], cwd: root)
      #expect(
        dry.stderr.contains(
          "would change: apis/orders/policy.xml\nwould change: apis/payments/policy.xml\nneeds review: apis/notify/policy.xml\npolicy-rewrite migrate: 3 files scanned, 2 would change,"
        ), "\(dry.stderr)")
      let check = run(["migrate", "--check"] + args + ["apis"], cwd: root)
      #expect(check.status == 1)
      #expect(check.stderr.contains("would change: apis/orders/policy.xml\n"))
      let copied = run(["migrate", "--output-dir", "out"] + args + ["apis"], cwd: root)
      #expect(
        copied.stderr.contains("wrote: out/orders/policy.xml\nwrote: out/payments/policy.xml\n"), "\(copied.stderr)")
      #expect(copied.stderr.contains("2 written to out,"), "\(copied.stderr)")
      let quiet = run(["migrate", "--quiet", "--write"] + args + ["apis"], cwd: root)
      #expect(quiet.status == 0)
      #expect(
        quiet.stderr
          == "policy-rewrite migrate: 3 files scanned, 2 rewritten, 1 unchanged, 1 needing review, 0 with errors\n")
      let again = run(["migrate", "--write"] + args + ["apis"], cwd: root)
      #expect(!again.stderr.contains("rewrote:"))
      #expect(again.stderr.contains("needs review: apis/notify/policy.xml\n"))
    }
  }

  @Test("the clean-up list names the Terraform resources and Key Vault secret to delete, in text and JSON")
  func cleanUpTiedToTerraform() throws {
    try withTemporaryTree(Self.tree) { root in
      let result = run(["migrate", "--format", "json", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      let summary = try #require(try Self.json(result.stdout)["summary"] as? [String: Any])
      let cleanUp = try #require(summary["cleanUp"] as? [[String: Any]])
      let orders = try #require(cleanUp.first { $0["namedValue"] as? String == "orders-func-key" })
      let declaration = try #require((orders["declarations"] as? [[String: Any]])?.first)
      #expect(declaration["address"] as? String == "azurerm_api_management_named_value.orders")
      #expect(declaration["path"] as? String == "infra/named-values.tf")
      #expect(declaration["line"] as? Int == 5)
      #expect(declaration["keyVaultSecret"] as? String == "azurerm_key_vault_secret.orders")
      #expect((declaration["keyVaultSecretLocation"] as? [String: Any])?["line"] as? Int == 1)
      #expect(
        declaration["dependents"] as? [String] == [
          "azurerm_api_management_api_policy.orders at infra/named-values.tf:19"
        ])
      #expect(
        result.stderr.contains(
          "orders-func-key [azurerm_api_management_named_value.orders at infra/named-values.tf:5; azurerm_key_vault_secret.orders at infra/named-values.tf:1; referenced by azurerm_api_management_api_policy.orders at infra/named-values.tf:19]"
        ), "\(result.stderr)")
    }
  }

  @Test("plan on a migrated tree lists declared key named values that no policy references any more")
  func leftoverNamedValues() throws {
    var files = Self.tree
    files["apis/orders/policy.xml"] = Policies.migrated()
    files["infra/policy.tf"] = """
      resource "azurerm_api_management_named_value" "payments" {
        display_name = "payments-fn-key-tf"
      }
      resource "azurerm_api_management_api_policy" "payments" {
        xml_content = <<XML
      <policies><inbound><base /><set-header name="x-other"><value>{{${azurerm_api_management_named_value.payments.display_name}}}</value></set-header></inbound></policies>
      XML
      }

      """
    try withTemporaryTree(files) { root in
      let result = run(["plan", "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      let output = text(result.stdout)
      #expect(
        output.contains(
          "named values that look like function keys and that no scanned file references (delete them):\n  orders-func-key [azurerm_api_management_named_value.orders at infra/named-values.tf:5"
        ), "\(output)")
      // Referenced through its Terraform address: not a leftover.
      #expect(!output.contains("payments-fn-key-tf ["), "\(output)")
    }
  }
}
