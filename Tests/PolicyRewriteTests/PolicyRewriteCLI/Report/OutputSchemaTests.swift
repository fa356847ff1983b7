import Foundation
import Testing

@testable import PolicyRewrite

/// The JSON documents of `migrate`, `check` and `plan` against the JSON Schemas in
/// `docs/schema/`, validated by Python's `jsonschema` (installed by `.ci/run`), plus the
/// consistency a schema cannot express: counts that match the arrays, and every scanned file
/// listed once.
@Suite struct OutputSchemaTests {
  static let schemas = ReadmeTests.packageRoot.appendingPathComponent("docs/schema")

  /// Validates `document` against `docs/schema/NAME.schema.json`; returns the validator's
  /// complaint, or `nil` when the document is valid.
  static func violations(of document: Data, schema name: String) throws -> String? {
    let script = """
      import json, sys
      import jsonschema
      schema = json.load(open(sys.argv[1]))
      jsonschema.Draft202012Validator.check_schema(schema)
      errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(json.load(sys.stdin)), key=str)
      print("\\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]))
      """
    let result = CLI.tool(
      "python3", ["-c", script, schemas.appendingPathComponent("\(name).schema.json").path], cwd: schemas,
      stdin: document)
    try #require(
      result.status == 0, "python3 with jsonschema is needed to validate the JSON output: \(result.stderr)")
    let complaint = text(result.stdout).trimmingCharacters(in: .whitespacesAndNewlines)
    return complaint.isEmpty ? nil : complaint
  }

  static let tree: [String: String] = PlanTests.tree.merging(
    [
      "apis/accepted/policy.xml": SuppressionTests.outbound(
        comment: "<!-- policy-rewrite: ignore key-outside-inbound (accepted) -->"),
      "apis/accepted-key/policy.xml": """
      <policies>
        <inbound>
          <base />
          <!-- policy-rewrite: ignore key-injection (the legacy app keeps its key) -->
          <set-header name="x-functions-key"><value>{{legacy-func-key}}</value></set-header>
        </inbound>
      </policies>

      """,
      "apis/broken/policy.xml": Policies.malformed,
      "apis/clean/policy.xml": Policies.clean,
      "apis/fragment/policy.xml": """
      <fragment>
        <set-header name="x-functions-key"><value>{{frag-func-key}}</value></set-header>
      </fragment>

      """,
      "backends/orders/backendInformation.json":
        #"{"properties": {"url": "https://o.azurewebsites.net/api", "credentials": {"header": {"x-functions-key": ["{{orders-func-key}}"]}}}}"#,
      "map.json":
        #"{"byNamedValue": {"orders-func-key": "api://orders", "typo-func-kye": "api://x"}, "default": "api://d"}"#,
    ],
    uniquingKeysWith: { $1 })

  @Test(
    "every JSON document matches its schema and its own counts",
    arguments: [
      ["migrate", "--format", "json", "--resource-map", "map.json", "."],
      ["migrate", "--format", "json", "--diff", "--resource-map", "map.json", "."],
      ["migrate", "--format", "json", "--resource-map", "map.json", "--output-dir", "out", "apis"],
      ["migrate", "--format", "json", "--resource", "api://x", "--strict-map", "--resource-map", "map.json", "."],
      ["check", "--format", "json", "."],
      ["check", "--format", "json", "apis/clean"],
      ["plan", "--format", "json", "--resource-map", "map.json", "."],
    ])
  func documentsMatchTheirSchemas(arguments: [String]) throws {
    try withTemporaryTree(Self.tree) { root in
      let result = run(arguments, cwd: root)
      #expect([0, 1, 2].contains(result.status), "\(result.stderr)")
      let command = arguments[0]
      #expect(try Self.violations(of: result.stdout, schema: command) == nil)
      let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
      guard command != "plan" else { return }
      let summary = try #require(document["summary"] as? [String: Any])
      let findings = try #require(document["findings"] as? [[String: Any]])
      let files = try #require(document["files"] as? [[String: Any]])
      let suppressed = try #require(document["suppressed"] as? [[String: Any]])
      #expect(summary["findings"] as? Int == findings.count)
      #expect(summary["suppressed"] as? Int == suppressed.count)
      #expect(summary["scanned"] as? Int == files.count, "every scanned file is listed")
      // A finding outside a policy has no section (it is not the policy's <backend>).
      let credentials = findings.filter { $0["rule"] as? String == "backend-credentials-key" }
      #expect(credentials.allSatisfy { $0["section"] == nil }, "\(credentials)")
      if arguments.last == "." { #expect(!credentials.isEmpty) }
      let paths = files.compactMap { $0["path"] as? String }
      #expect(Set(paths).count == paths.count)
      // Files with errors: the scanned ones, and the resource map when its audit failed.
      let failures = findings.filter {
        $0["severity"] as? String == "error" && FindingID(rawValue: $0["rule"] as? String ?? "")?.isFailure == true
      }
      let errorPaths = Set(failures.compactMap { $0["path"] as? String })
      #expect(summary["errors"] as? Int == errorPaths.count, "\(failures)")
      #expect(
        Set(files.filter { $0["outcome"] as? String == "error" }.compactMap { $0["path"] as? String }).isSubset(
          of: errorPaths))
      if command == "migrate" {
        #expect(summary["changed"] as? Int == files.filter { $0["changed"] as? Bool == true }.count)
      }
    }
  }

  @Test func aDocumentThatBreaksTheSchemaIsCaught() throws {
    let broken = Data(#"{"tool": {"name": "policy-rewrite", "version": "0"}, "command": "check", "findings": []}"#.utf8)
    let complaint = try #require(try Self.violations(of: broken, schema: "check"))
    #expect(complaint.contains("'suppressed' is a required property"), "\(complaint)")
  }

  @Test func theReadmeExampleMatchesTheSchema() throws {
    let example = try #require(
      try ReadmeTests.blocks().first { $0.language == "json" && $0.body.contains("\"command\": \"migrate\"") })
    #expect(try Self.violations(of: Data(example.body.utf8), schema: "migrate") == nil)
  }
}
