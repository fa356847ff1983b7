import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// `check` is a CI gate: a file that holds a function key fails it (exit 1) or is an error
/// (exit 2), whatever the file's encoding, type, escapes or templates. Each test names the
/// input that once passed the gate with a key in it.
@Suite struct CheckGateTests {
  /// A policy with one inbound injection of a literal key, as written in `root`.
  static let literalKeyPolicy = """
    <policies>
      <inbound>
        <base />
        <set-header name="x-functions-key" exists-action="override"><value>k3y-L1teral-Value</value></set-header>
      </inbound>
    </policies>

    """

  /// Runs `check` on `path` in a tree holding `files`; returns the exit status and standard error.
  static func checkTree(_ files: [String: [UInt8]], _ arguments: [String]) throws -> (status: Int32, stderr: String) {
    try withTemporaryTree(bytes: files) { root in
      let outcome = run(["check"] + arguments, cwd: root)
      return (outcome.status, outcome.stderr)
    }
  }

  /// `text` in UTF-16 with a byte order mark (what Windows PowerShell's `>` writes).
  static func utf16(_ text: String, bigEndian: Bool = false) -> [UInt8] {
    var bytes: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
    for unit in text.utf16 {
      let (high, low) = (UInt8(unit >> 8), UInt8(unit & 0xFF))
      bytes += bigEndian ? [high, low] : [low, high]
    }
    return bytes
  }

  static func bicep(value: String) -> String {
    """
    resource policy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
      name: 'policy'
      properties: {
        format: 'rawxml'
        value: \(value)
      }
    }

    """
  }

  static func terraform(_ attribute: String) -> String {
    """
    resource "azurerm_api_management_api_policy" "orders" {
      api_name    = "orders"
      xml_content = \(attribute)
    }

    """
  }

  // MARK: Item 1: UTF-16

  @Test("UTF-16 files with a byte order mark are read, in every format (once skipped or refused)")
  func utf16FilesWereSkippedOrRefused() throws {
    let policy = Self.literalKeyPolicy
    let bicepText = Self.bicep(value: "'''\n\(policy)'''")
    let terraformText = Self.terraform("<<XML\n\(policy)XML")
    let arm = """
      {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "resources": [{"type": "Microsoft.ApiManagement/service/apis/policies",
          "properties": {"format": "rawxml", "value": "<policies><inbound><base /><set-header name=\\"x-functions-key\\"><value>{{orders-func-key}}</value></set-header></inbound></policies>"}}]
      }

      """
    for (path, text) in [
      ("policy.xml", policy), ("main.bicep", bicepText), ("main.tf", terraformText), ("azuredeploy.json", arm),
    ] {
      for bigEndian in [false, true] {
        let outcome = try Self.checkTree([path: Self.utf16(text, bigEndian: bigEndian)], ["."])
        #expect(outcome.status == 1, "\(path) big-endian \(bigEndian): \(outcome.stderr)")
        #expect(outcome.stderr.contains("[key-injection]"), "\(path): \(outcome.stderr)")
      }
    }
  }

  @Test("migrate refuses a UTF-16 file it would change, and leaves it as it was (it writes UTF-8 only)")
  func migrateWouldWriteUTF16AsUTF8() throws {
    let original = Self.utf16(Policies.injection())
    try withTemporaryTree(bytes: ["policy.xml": original]) { root in
      let outcome = run(["migrate", "--resource", CLI.resource, "--write", "policy.xml"], cwd: root)
      #expect(outcome.status == 2, "\(outcome.stderr)")
      #expect(outcome.stderr.contains("the file is UTF-16"), "\(outcome.stderr)")
      #expect(CLI.read(root, "policy.xml") == original)
    }
  }

  // MARK: Item 2: header names and exists-action from templates

  @Test(
    "a key header name or exists-action written as a Terraform or Bicep template is a review item",
    arguments: [
      #"<set-header name="${"x-functions-key"}" exists-action="override"><value>{{k}}</value></set-header>"#,
      #"<set-header name="x-functions-${"key"}" exists-action="override"><value>{{k}}</value></set-header>"#,
      #"<set-header name="%{ if true }x-functions-key%{ endif }" exists-action="override"><value>{{k}}</value></set-header>"#,
      #"<set-header name="x-functions-key" exists-action="${var.action}"><value>{{k}}</value></set-header>"#,
    ])
  func templatedHeaderNamesWereNotReported(header: String) throws {
    let source = Self.terraform(
      "<<XML\n<policies>\n  <inbound>\n    <base />\n    \(header)\n  </inbound>\n</policies>\nXML")
    let findings = try check(bytes(source), path: "main.tf")
    #expect(
      findings.contains { $0.rule == .unresolvableHeaderName || $0.rule == .unresolvableExistsAction },
      "\(findings)")
    CheckWithoutTreeTests.expectSamePaths(bytes(source), path: "main.tf", configuration: try makeConfiguration())
  }

  @Test("a Bicep interpolation or a format() placeholder as the key header's name is a review item")
  func bicepInterpolatedAndFormatHeaderNamesWereNotReported() throws {
    let interpolated = Self.bicep(
      value:
        "'<policies><inbound><base /><set-header name=\"${'x-functions-key'}\" exists-action=\"override\"><value>{{k}}</value></set-header></inbound></policies>'"
    )
    let formatted = Self.bicep(
      value:
        "format('<policies><inbound><base /><set-header name=\"{0}\" exists-action=\"override\"><value>{{k}}</value></set-header></inbound></policies>', 'x-functions-key')"
    )
    for source in [interpolated, formatted] {
      let findings = try check(bytes(source), path: "main.bicep")
      #expect(findings.contains { $0.rule == .unresolvableHeaderName }, "\(source)\n\(findings)")
    }
  }

  @Test("a templated header name that cannot spell a key header is not reported")
  func templatedOtherHeaderNamesStayQuiet() throws {
    let source = Self.terraform(
      "<<XML\n<policies>\n  <inbound>\n    <base />\n    <set-header name=\"X-Request-${var.id}\" exists-action=\"override\"><value>1</value></set-header>\n  </inbound>\n</policies>\nXML"
    )
    #expect(try check(bytes(source), path: "main.tf").isEmpty)
  }

  // MARK: Item 3: escaped markup

  @Test("a Terraform quoted string that writes < as \\u003c holds a policy (the scan needed a raw <)")
  func terraformUnicodeEscapedMarkupWasNotDecoded() throws {
    let policy =
      #"\u003cpolicies\u003e\u003cinbound\u003e\u003cbase /\u003e\u003cset-header name=\"x-functions-key\"\u003e\u003cvalue\u003e{{orders-func-key}}\u003c/value\u003e\u003c/set-header\u003e\u003c/inbound\u003e\u003c/policies\u003e"#
    let outcome = try Self.checkTree(["main.tf": bytes(Self.terraform("\"\(policy)\""))], ["."])
    #expect(outcome.status == 1, "\(outcome.stderr)")
    #expect(outcome.stderr.contains("[key-injection]"), "\(outcome.stderr)")
  }

  @Test("a Bicep \\u{3c} policy in a file without <, http or credentials passes the pre-filter")
  func bicepEscapedPolicyWasDroppedByThePreFilter() throws {
    let policy =
      #"'\u{3c}policies\u{3e}\u{3c}inbound\u{3e}\u{3c}base /\u{3e}\u{3c}set-header name="x-functions-key"\u{3e}\u{3c}value\u{3e}{{orders-func-key}}\u{3c}/value\u{3e}\u{3c}/set-header\u{3e}\u{3c}/inbound\u{3e}\u{3c}/policies\u{3e}'"#
    let source = "param p object\nvar policyText = \(policy)\noutput o string = policyText\n"
    #expect(!source.contains("<") && !source.contains("http") && !source.contains("credentials"))
    let outcome = try Self.checkTree(["main.bicep": bytes(source)], ["."])
    #expect(outcome.status == 1, "\(outcome.stderr)")
    #expect(outcome.stderr.contains("[key-injection]"), "\(outcome.stderr)")
  }

  // MARK: Item 4: suppressions

  @Test("one suppression in a one-line policy with two keys accepts only the first")
  func oneSuppressionAcceptedEveryFindingOnItsLine() throws {
    let line =
      #"<policies><inbound><base /><choose><when condition="@(true)"><!-- policy-rewrite: ignore key-injection (the a app is retired next week) --><set-header name="x-functions-key"><value>{{a-func-key}}</value></set-header></when><otherwise><set-header name="x-functions-key"><value>{{b-func-key}}</value></set-header></otherwise></choose></inbound></policies>"#
    let outcome = try Self.checkTree(["policy.xml": bytes("\(line)\n")], ["policy.xml"])
    #expect(outcome.status == 1, "\(outcome.stderr)")
    #expect(findingLines(outcome.stderr).count == 1, "\(outcome.stderr)")
    #expect(outcome.stderr.contains("b-func-key"), "\(outcome.stderr)")
    #expect(outcome.stderr.contains("1 suppressed"), "\(outcome.stderr)")

    // A comment on the line above precedes `<policies>`, where no key is: it accepts neither.
    let above = "<!-- policy-rewrite: ignore key-injection (the a app is retired next week) -->\n\(line)\n"
      .replacingOccurrences(
        of: "<!-- policy-rewrite: ignore key-injection (the a app is retired next week) --><set", with: "<set")
    let unused = try Self.checkTree(["policy.xml": bytes(above)], ["policy.xml"])
    #expect(unused.status == 1, "\(unused.stderr)")
    #expect(findingLines(unused.stderr).count == 3, "\(unused.stderr)")
    #expect(unused.stderr.contains("[unused-suppression]"), "\(unused.stderr)")
  }

  @Test("a suppression marker in an attribute value is text, not a comment")
  func aMarkerOutsideACommentSuppressed() throws {
    let source = """
      <policies>
        <inbound>
          <base />
          <set-variable name="doc" value="https://wiki.example/apim#policy-rewrite: ignore key-injection (see runbook)" />
          <set-header name="x-functions-key" exists-action="override"><value>{{orders-func-key}}</value></set-header>
        </inbound>
      </policies>

      """
    let outcome = try Self.checkTree(["policy.xml": bytes(source)], ["policy.xml"])
    #expect(outcome.status == 1, "\(outcome.stderr)")
    #expect(outcome.stderr.contains("[key-injection]"), "\(outcome.stderr)")
    #expect(!outcome.stderr.contains("suppressed"), "\(outcome.stderr)")
    // In Terraform, a `#` inside a quoted string is no comment either; one that starts a line is.
    let terraform = """
      locals {
        doc = "https://wiki.example/apim#policy-rewrite: ignore backend-credentials-key (see runbook)"
      }
      resource "azurerm_api_management_backend" "fn" {
        credentials {
          header = {
            "x-functions-key" = "{{fn-key}}"
          }
        }
      }

      """
    #expect(InlineSuppressions(bytes(terraform), path: "main.tf").entries.isEmpty)
    let commented = "# policy-rewrite: ignore backend-credentials-key (the backend goes away)\n"
    #expect(InlineSuppressions(bytes(commented + "x = 1\n"), path: "main.tf").entries.count == 1)
    #expect(
      InlineSuppressions(bytes("x = 1 // policy-rewrite: ignore key-injection (why)\n"), path: "a.bicep").entries.count
        == 1)
  }

  // MARK: Item 5: ARM expression pieces

  @Test(
    "an ARM concat() piece naming the key header with a character reference, or split in two, is reported",
    arguments: [
      #"[concat('<policies><inbound><base /><set-header name=\"x-functions&#45;key\"><value>', parameters('k'), '</value></set-header></inbound></policies>')]"#,
      #"[concat('<policies><inbound><base /><set-header name=\"x-functions-', 'key\"><value>', parameters('k'), '</value></set-header></inbound></policies>')]"#,
    ])
  func armConcatPiecesEscapedTheKeyHeaderTest(value: String) throws {
    let source = """
      {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "resources": [{"type": "Microsoft.ApiManagement/service/apis/policies",
          "properties": {"format": "rawxml", "value": "\(value)"}}]
      }

      """
    let outcome = try Self.checkTree(["azuredeploy.json": bytes(source)], ["."])
    #expect(outcome.status == 1, "\(outcome.stderr)")
    #expect(outcome.stderr.contains("[undecodable-embedded-policy]"), "\(outcome.stderr)")
  }

  // MARK: Item 6: query parameters and URLs

  @Test(
    "a code query parameter named by an expression or a named value, or a URL with an escaped or split ?code=, is reported",
    arguments: [
      #"<set-query-parameter name="@("co" + "de")" exists-action="override"><value>{{orders-func-key}}</value></set-query-parameter>"#,
      #"<set-query-parameter name="{{key-param}}" exists-action="override"><value>{{orders-func-key}}</value></set-query-parameter>"#,
      #"<rewrite-uri template="/orders?%63ode={{orders-func-key}}" />"#,
      #"<set-backend-service base-url="@("https://orders.example/api?co" + "de=" + "{{orders-func-key}}")" />"#,
    ])
  func queryParameterAndURLVariantsWereNotReported(element: String) throws {
    let source = "<policies>\n  <inbound>\n    <base />\n    \(element)\n  </inbound>\n</policies>\n"
    let outcome = try Self.checkTree(["policy.xml": bytes(source)], ["policy.xml"])
    #expect(outcome.status == 1, "\(outcome.stderr)")
    #expect(
      outcome.stderr.contains("[key-in-query-parameter]") || outcome.stderr.contains("[key-in-url]"),
      "\(outcome.stderr)")
    CheckWithoutTreeTests.expectSamePaths(bytes(source), path: "policy.xml", configuration: try makeConfiguration())
  }

  // MARK: Item 7: backend credentials

  @Test("backend credentials in Terraform with unquoted block labels, and in APIOps YAML flow style")
  func backendCredentialsInUnquotedLabelsAndFlowStyleWereMissed() throws {
    let terraform = """
      resource azurerm_api_management_backend fn {
        name = "fn"
        credentials {
          header = {
            "x-functions-key" = "{{fn-key}}"
          }
        }
      }

      """
    let yaml = """
      backends:
        - name: fn
          properties:
            credentials:
              header: {x-functions-key: ["{{fn-key}}"]}
        - name: other
          properties:
            credentials: {query: {code: ["{{other-key}}"]}}

      """
    let outcome = try Self.checkTree(
      ["main.tf": bytes(terraform), "configuration.prod.yaml": bytes(yaml)], ["."])
    #expect(outcome.status == 1, "\(outcome.stderr)")
    let lines = findingLines(outcome.stderr)
    #expect(lines.filter { $0.contains("main.tf") && $0.contains("[backend-credentials-key]") }.count == 1, "\(lines)")
    #expect(
      lines.filter { $0.contains("configuration.prod.yaml") && $0.contains("[backend-credentials-key]") }.count == 2,
      "\(lines)")
  }

  // MARK: Item 8: files never read

  @Test(
    "files of types that were never read in a folder run hold keys that fail check",
    arguments: [
      "Policy.XML", "main.Bicep", "main.TF", "prod.tfvars", "main.bicepparam", "main.tf.json", "apis/orders/policy.tpl",
      "resolvers/orders/policy.xml",
    ])
  func filesNeverReadHeldKeys(path: String) throws {
    let content: String
    switch path {
    case "main.Bicep": content = Self.bicep(value: "'''\n\(Self.literalKeyPolicy)'''")
    case "main.TF": content = Self.terraform("<<XML\n\(Self.literalKeyPolicy)XML")
    case "prod.tfvars": content = "policy_xml = <<XML\n\(Self.literalKeyPolicy)XML\n"
    case "main.bicepparam": content = "using 'main.bicep'\nparam policy = '''\n\(Self.literalKeyPolicy)'''\n"
    case "main.tf.json":
      content = """
        {"resource": {"azurerm_api_management_api_policy": {"orders": {"xml_content": "<policies><inbound><base /><set-header name=\\"x-functions-key\\"><value>{{orders-func-key}}</value></set-header></inbound></policies>"}}}}

        """
    case "resolvers/orders/policy.xml":
      content = """
        <http-data-source>
          <http-request>
            <set-method>GET</set-method>
            <set-url>https://orders.example/api/orders</set-url>
            <set-header name="x-functions-key" exists-action="override"><value>{{orders-func-key}}</value></set-header>
          </http-request>
        </http-data-source>

        """
    default: content = Self.literalKeyPolicy
    }
    let outcome = try Self.checkTree([path: bytes(content)], ["."])
    #expect(outcome.status == 1, "\(path): \(outcome.stderr)")
    #expect(outcome.stderr.contains("1 file scanned"), "\(path): \(outcome.stderr)")
  }

  // MARK: Item 9: the needle test and predefined entities

  @Test("a predefined entity inside a key named value's name: both paths report key-variable")
  func anEntityBrokeTheNeedleName() throws {
    for value in ["{{f&amp;unc-key}}", "{{func&lt;-key}}", "{{fn&apos;key}}", "{{k&quot;ey-f&gt;n}}"] {
      let source = bytes(
        "<policies>\n  <inbound>\n    <base />\n    <set-variable name=\"k\" value=\"\(value)\" />\n  </inbound>\n</policies>\n"
      )
      for configuration in try CheckWithoutTreeTests.configurations() {
        CheckWithoutTreeTests.expectSamePaths(source, path: "policy.xml", configuration: configuration)
      }
      #expect(try check(source, path: "policy.xml").map(\.rule) == [.keyVariable], "\(value)")
    }
  }

  // MARK: Item 10: snippet roots

  @Test(
    "a snippet whose root is one section is analysed, not skipped as 'no key found'",
    arguments: ["inbound", "backend", "outbound", "on-error"])
  func sectionRootSnippetsWereSkipped(section: String) throws {
    let source = """
      <\(section)>
        <set-header name="x-functions-key" exists-action="override"><value>k3y-L1teral-Value</value></set-header>
        <set-header name="x-functions-key" exists-action="override"><value>an0ther-L1teral</value></set-header>
      </\(section)>

      """
    let outcome = try Self.checkTree(["snippets/\(section).xml": bytes(source)], ["."])
    #expect(outcome.status == 1, "\(outcome.stderr)")
    #expect(!outcome.stderr.contains("no key found"), "\(outcome.stderr)")
    #expect(outcome.stderr.contains("[literal-key]"), "\(outcome.stderr)")
  }

  @Test(
    "a snippet whose root is one section is analysed in a Terraform heredoc too",
    arguments: ["inbound", "on-error"])
  func sectionRootSnippetsInHeredocsWereSkipped(section: String) throws {
    let source = """
      resource "azurerm_api_management_api_policy" "p" {
        xml_content = <<XML
      <\(section)>
        <set-header name="x-functions-key" exists-action="override"><value>k3y-L1teral-Value</value></set-header>
      </\(section)>
      XML
      }

      """
    let outcome = try Self.checkTree(["main.tf": bytes(source)], ["."])
    #expect(outcome.status == 1, "\(outcome.stderr)")
    #expect(outcome.stderr.contains("main.tf:4:"), "\(outcome.stderr)")
  }

  // MARK: Item 11: a key inside nested quotes of a Bicep interpolation

  @Test("a ?code= key inside nested quotes of a Bicep replace() interpolation is reported")
  func codeInNestedInterpolationQuotesWasMissed() throws {
    let source = """
      param host string
      resource app 'Microsoft.Web/sites@2022-09-01' existing = { name: 'orders' }
      var policy = loadTextContent('policy.xml')
      resource p 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
        name: 'policy'
        properties: {
          format: 'rawxml'
          value: replace(policy, '<base />', '<base />\\n<set-backend-service base-url="https://${host}/auth?code=${listkeys('${app.id}/host/default/', '2022-09-01').functionKeys.default}" />')
        }
      }

      """
    let outcome = try Self.checkTree(["main.bicep": bytes(source)], ["main.bicep"])
    #expect(outcome.status == 1, "\(outcome.stderr)")
    #expect(outcome.stderr.contains("query parameter 'code'"), "\(outcome.stderr)")
  }

  // MARK: Items 12 and 18: baselines

  @Test("a baseline entry is keyed by the bytes of the path, not by how it is shown")
  func baselineMatchedADifferentPathThatShowsTheSame() throws {
    // `caf\xE9.xml` (Latin-1) is shown as `caf\xE9.xml`, like a file whose name is those
    // eight characters: one baseline entry must not accept the other file's finding.
    let latin1: [UInt8] = Array("caf".utf8) + [0xE9] + Array(".xml".utf8)
    let lookalike = "caf\\xE9.xml"
    let root = try CLI.makeTemporaryFolder()
    defer { CLI.removeTemporaryTree(root) }
    let policy = bytes(Policies.review("orders-func-key"))
    try FileSystem.create(relative: latin1, with: policy, under: Array(root.path.utf8), mode: 0o644)
    let written = run(["check", "--write-baseline", "baseline.json", "."], cwd: root)
    #expect(written.status == 0, "\(written.stderr)")
    let accepted = run(["check", "--baseline", "baseline.json", "."], cwd: root)
    #expect(accepted.status == 0, "\(accepted.stderr)")
    try Data(policy).write(to: root.appendingPathComponent(lookalike))
    let other = run(["check", "--baseline", "baseline.json", lookalike], cwd: root)
    #expect(other.status == 1, "\(other.stderr)")
    #expect(!other.stderr.contains("suppressed"), "\(other.stderr)")
  }

  @Test(
    "backend credentials with another key, and a literal key swapped for another, are other findings for a baseline")
  func containerFindingsCarriedNoSubject() throws {
    let backend = { (key: String) in
      "resource \"azurerm_api_management_backend\" \"fn\" {\n  credentials {\n    header = {\n      \"x-functions-key\" = \"{{\(key)}}\"\n    }\n  }\n}\n"
    }
    let first = try check(bytes(backend("notify-func-key")), path: "main.tf")
    let second = try check(bytes(backend("payroll-func-key")), path: "main.tf")
    #expect(first.map(\.rule) == [.backendCredentials] && second.map(\.rule) == [.backendCredentials])
    #expect(first.first?.subject != second.first?.subject && first.first?.subject.isEmpty == false)
    let policy = { (key: String) in
      Self.literalKeyPolicy.replacingOccurrences(of: "k3y-L1teral-Value", with: key)
    }
    let a = try check(bytes(policy("first-literal")), path: "policy.xml")
    let b = try check(bytes(policy("second-literal")), path: "policy.xml")
    #expect(!a.isEmpty && a.map(\.rule) == b.map(\.rule) && a.map(\.message) == b.map(\.message))
    #expect(zip(a, b).allSatisfy { $0.subject != $1.subject })
  }

  @Test("a baseline does not accept a different key in the place of an accepted one")
  func baselineAcceptedASubstitutedKey() throws {
    let notify = Policies.review("notify-func-key")
    try withTemporaryTree(["policy.xml": notify]) { root in
      let written = run(["check", "--write-baseline", "baseline.json", "policy.xml"], cwd: root)
      #expect(written.status == 0, "\(written.stderr)")
      // Re-indented: still accepted.
      let reindented = notify.replacingOccurrences(of: "    ", with: "  ")
      try Data(reindented.utf8).write(to: root.appendingPathComponent("policy.xml"))
      let same = run(["check", "--baseline", "baseline.json", "policy.xml"], cwd: root)
      #expect(same.status == 0, "\(same.stderr)")
      // Another named value in its place: a new finding.
      let payroll = reindented.replacingOccurrences(of: "notify-func-key", with: "payroll-func-key")
      try Data(payroll.utf8).write(to: root.appendingPathComponent("policy.xml"))
      let swapped = run(["check", "--baseline", "baseline.json", "policy.xml"], cwd: root)
      #expect(swapped.status == 1, "\(swapped.stderr)")
      #expect(!swapped.stderr.contains("suppressed"), "\(swapped.stderr)")
      // A version 1 baseline (no subject in its fingerprints) is refused, not half-applied.
      try Data(#"{"version": 1, "tool": "policy-rewrite", "findings": []}"#.utf8).write(
        to: root.appendingPathComponent("old.json"))
      let old = run(["check", "--baseline", "old.json", "policy.xml"], cwd: root)
      #expect(old.status == 2, "\(old.stderr)")
      #expect(old.stderr.contains("write it again with check --write-baseline"), "\(old.stderr)")
    }
  }
}
