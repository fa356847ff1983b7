import Foundation
import Testing

/// End-to-end: a Terraform module's policy named by a module variable
/// (`api_name = var.api_name`) takes its name from each call of the module in the run
/// (`module "orders" { source = "./modules/op"  api_name = "orders" }`): a module called twice
/// is two policies, and an argument that is itself an expression stays unresolved. Unresolved,
/// such a policy is a possible child of every API, and a parent's key was held for an
/// operation that belongs to another API (`rewrite-spec.md` §2c).
@Suite struct ModuleCallArgumentCommandTests {
  static let key = UnresolvedScopeNameCommandTests.key
  static let deleting = Policies.authorizationDeleter

  /// `main.tf`: the API policy of `billing` with a key, and `calls`; `modules/op/main.tf`: an
  /// operation policy named by `var.api_name` that deletes Authorization after `<base />`.
  static func files(calls: String, variable: String = "variable \"api_name\" { type = string }\n") -> [String: String] {
    [
      "main.tf": UnresolvedScopeNameCommandTests.resource(
        "azurerm_api_management_api_policy", "billing", "  api_name = \"billing\"", key) + calls,
      "modules/op/main.tf": variable
        + UnresolvedScopeNameCommandTests.resource(
          "azurerm_api_management_api_operation_policy", "get",
          "  api_name     = var.api_name\n  operation_id = \"get\"",
          deleting),
    ]
  }

  static func call(_ name: String, _ arguments: String) -> String {
    "module \"\(name)\" {\n  source   = \"./modules/op\"\n\(arguments)}\n"
  }

  @Test("the module's operation of another API, named through the call's argument, no longer holds the key")
  func operationOfAnotherAPINamedThroughTheModuleCallLetsTheKeyBeMigrated() throws {
    let files = Self.files(calls: Self.call("orders", "  api_name = \"orders\"\n"))
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0 && result.found.isEmpty, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "main.tf") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity") && !written.contains("x-functions-key"))
    }
  }

  @Test(
    "the module's operation of the parent's API holds its key: by one call, by one of two calls, by the default",
    arguments: [
      call("billing", "  api_name = \"billing\"\n"),
      call("orders", "  api_name = \"orders\"\n") + call("billing", "  api_name = \"Billing\"\n"),
      call("op", "  other = \"x\"\n"),
    ])
  func operationOfTheParentsAPIThroughAModuleCallStripsAPIMsTokenSoTheKeyIsHeld(calls: String) throws {
    let files = Self.files(
      calls: calls, variable: "variable \"api_name\" {\n  type    = string\n  default = \"billing\"\n}\n")
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.contains("does not resolve") == false, "\(result.found)")
      expectFile(root, "main.tf", files["main.tf"] ?? "")
    }
  }

  @Test(
    "an argument that is an expression, or none without a default, stays unresolved: the key is held",
    arguments: [
      "  api_name = \"${var.stage}billing\"\n", "  for_each = toset([\"orders\"])\n  api_name = each.key\n",
      "  api_name = replace(\"orders\", \"o\", \"b\")\n", "",
    ])
  func moduleCallArgumentThatIsAnExpressionStaysUnresolvedAndHoldsTheKey(arguments: String) throws {
    let files = Self.files(calls: Self.call("orders", arguments))
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.contains("the run does not resolve") == true, "\(result.found)")
      expectFile(root, "main.tf", files["main.tf"] ?? "")
    }
  }

  @Test("a policy file of a module called twice is two scopes, each a child of the global key: named once")
  func policyFileOfAModuleCalledTwiceHoldsTheGlobalKeyNamedOnce() throws {
    let global = UnresolvedScopeNameCommandTests.key.replacingOccurrences(of: "        <base />\n", with: "")
    let files = [
      "main.tf": UnresolvedScopeNameCommandTests.resource("azurerm_api_management_policy", "g", "", global)
        + Self.call("orders", "  api_name = \"orders\"\n") + Self.call("billing", "  api_name = \"billing\"\n"),
      "modules/op/main.tf": "variable \"api_name\" { type = string }\n"
        + "resource \"azurerm_api_management_api_operation_policy\" \"get\" {\n  api_name     = var.api_name\n"
        + "  operation_id = \"get\"\n  xml_content  = file(\"${path.module}/op.xml\")\n}\n",
      "modules/op/op.xml": Self.deleting,
    ]
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "authorization-child-scope")
      #expect(result.found.count == 1, "\(result.stderr)")
      let line = try #require(result.found.first)
      #expect(line.components(separatedBy: "modules/op/op.xml").count == 2, "named once: \(line)")
      expectFile(root, "main.tf", files["main.tf"] ?? "")
    }
  }

  @Test("a module's own key, its API named through the call, is not scope-unknown")
  func moduleKeyNamedThroughTheCallHasAKnownScope() throws {
    let files = [
      "main.tf": Self.call("orders", "  api_name = \"orders\"\n"),
      "modules/op/main.tf": "variable \"api_name\" { type = string }\n"
        + UnresolvedScopeNameCommandTests.resource(
          "azurerm_api_management_api_policy", "api", "  api_name = var.api_name", Self.key),
    ]
    try withTemporaryTree(files) { root in
      let result = CLI.migrate(root, rule: "scope-unknown")
      #expect(result.status == 0 && result.found.isEmpty, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "modules/op/main.tf") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(written)")
    }
  }
}
