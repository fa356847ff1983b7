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
    try violations(of: [(document, name)])[0]
  }

  /// Validates each document against its schema (`docs/schema/NAME.schema.json`) in one
  /// `python3` run, whose start and import of `jsonschema` cost more than the validations;
  /// returns the complaints in order, `nil` for a valid document.
  static func violations(of documents: [(document: Data, schema: String)]) throws -> [String?] {
    let script = """
      import json, sys
      import jsonschema
      schemas = {}
      complaints = []
      for item in json.load(sys.stdin):
          if item["schema"] not in schemas:
              schema = json.load(open(item["schema"]))
              jsonschema.Draft202012Validator.check_schema(schema)
              schemas[item["schema"]] = jsonschema.Draft202012Validator(schema)
          try:
              document = json.loads(item["document"])
          except ValueError as error:
              complaints.append(f"not JSON: {error}")
              continue
          errors = sorted(schemas[item["schema"]].iter_errors(document), key=str)
          complaints.append("\\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]))
      json.dump(complaints, sys.stdout)
      """
    let items = documents.map {
      ["schema": schemas.appendingPathComponent("\($0.schema).schema.json").path, "document": text($0.document)]
    }
    let result = CLI.tool(
      "python3", ["-c", script], cwd: schemas, stdin: try JSONSerialization.data(withJSONObject: items))
    try #require(
      result.status == 0, "python3 with jsonschema is needed to validate the JSON output: \(result.stderr)")
    let complaints = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String])
    try #require(complaints.count == documents.count, "\(complaints)")
    return complaints.map { $0.isEmpty ? nil : $0 }
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

  /// The commands whose JSON documents are checked, each on its own copy of ``tree``.
  static let commands: [[String]] = [
    ["migrate", "--format", "json", "--resource-map", "map.json", "."],
    ["migrate", "--format", "json", "--diff", "--resource-map", "map.json", "."],
    ["migrate", "--format", "json", "--resource-map", "map.json", "--output-dir", "out", "apis"],
    ["migrate", "--format", "json", "--resource", "api://x", "--strict-map", "--resource-map", "map.json", "."],
    ["check", "--format", "json", "."],
    ["check", "--format", "json", "apis/clean"],
    ["plan", "--format", "json", "--resource-map", "map.json", "."],
  ]

  /// A document that breaks the `check` schema: validated with the others, it shows that the
  /// validator complains when it should.
  static let broken = Data(
    #"{"tool": {"name": "policy-rewrite", "version": "0"}, "command": "check", "findings": []}"#.utf8)

  @Test("every JSON document matches its schema (one that does not is caught), and its own counts")
  func documentsMatchTheirSchemas() throws {
    var outputs: [(arguments: [String], stdout: Data)] = []
    for arguments in Self.commands {
      try withTemporaryTree(Self.tree) { root in
        let result = run(arguments, cwd: root)
        #expect([0, 1, 2].contains(result.status), "\(arguments): \(result.stderr)")
        outputs.append((arguments, result.stdout))
      }
    }
    let complaints = try Self.violations(of: outputs.map { ($0.stdout, $0.arguments[0]) } + [(Self.broken, "check")])
    let control = try #require(complaints.last ?? nil, "the broken document was not caught")
    #expect(control.contains("'suppressed' is a required property"), "\(control)")
    for (output, complaint) in zip(outputs, complaints) {
      #expect(complaint == nil, "\(output.arguments)")
      try Self.expectConsistentCounts(output.stdout, arguments: output.arguments)
    }
  }

  /// The consistency a schema cannot express: counts that match the arrays, every scanned file
  /// listed once, the files with errors those of the failing findings.
  static func expectConsistentCounts(_ stdout: Data, arguments: [String]) throws {
    let command = arguments[0]
    let document = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any], "\(arguments)")
    guard command != "plan" else { return }
    let summary = try #require(document["summary"] as? [String: Any], "\(arguments)")
    let findings = try #require(document["findings"] as? [[String: Any]], "\(arguments)")
    let files = try #require(document["files"] as? [[String: Any]], "\(arguments)")
    let suppressed = try #require(document["suppressed"] as? [[String: Any]], "\(arguments)")
    #expect(summary["findings"] as? Int == findings.count, "\(arguments)")
    #expect(summary["suppressed"] as? Int == suppressed.count, "\(arguments)")
    #expect(summary["scanned"] as? Int == files.count, "every scanned file is listed: \(arguments)")
    // A finding outside a policy has no section (it is not the policy's <backend>).
    let credentials = findings.filter { $0["rule"] as? String == "backend-credentials-key" }
    #expect(credentials.allSatisfy { $0["section"] == nil }, "\(arguments): \(credentials)")
    if arguments.last == "." { #expect(!credentials.isEmpty, "\(arguments)") }
    let paths = files.compactMap { $0["path"] as? String }
    #expect(Set(paths).count == paths.count, "\(arguments)")
    // Files with errors: the scanned ones, and the resource map when its audit failed.
    let failures = findings.filter {
      $0["severity"] as? String == "error" && FindingID(rawValue: $0["rule"] as? String ?? "")?.isFailure == true
    }
    let errorPaths = Set(failures.compactMap { $0["path"] as? String })
    #expect(summary["errors"] as? Int == errorPaths.count, "\(arguments): \(failures)")
    #expect(
      Set(files.filter { $0["outcome"] as? String == "error" }.compactMap { $0["path"] as? String }).isSubset(
        of: errorPaths), "\(arguments)")
    if command == "migrate" {
      #expect(
        summary["changed"] as? Int == files.filter { $0["changed"] as? Bool == true }.count, "\(arguments)")
    }
  }

  @Test func theReadmeExampleMatchesTheSchema() throws {
    let example = try #require(
      try ReadmeTests.blocks().first { $0.language == "json" && $0.body.contains("\"command\": \"migrate\"") })
    #expect(try Self.violations(of: Data(example.body.utf8), schema: "migrate") == nil)
  }
}
