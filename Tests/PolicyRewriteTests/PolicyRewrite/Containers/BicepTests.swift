import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// Policies inside Bicep strings: rewritten in the string's own escapes, byte-exact outside
/// the edits, with findings at the `.bicep` file's own lines and columns.
struct BicepTests {
  static let path = "infra/apim.bicep"
  static let guid = CLI.resource

  @Test func aMultiLineStringIsRewrittenVerbatim() throws {
    let input = """
      resource policy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
        parent: api
        name: 'policy'
        properties: {
          format: 'rawxml'
          value: '''
      <policies>
        <inbound>
          <base />
          <set-header name="x-functions-key" exists-action="override">
            <value>{{orders-key}}</value>
          </set-header>
        </inbound>
      </policies>
      '''
        }
      }

      """
    let expected = """
      resource policy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
        parent: api
        name: 'policy'
        properties: {
          format: 'rawxml'
          value: '''
      <policies>
        <inbound>
          <base />
          <authentication-managed-identity resource="\(Self.guid)" />
        </inbound>
      </policies>
      '''
        }
      }

      """
    let result = try expectRewrite(input, expected, path: Self.path)
    #expect(result.removedKeyNamedValues == ["orders-key"])
  }

  @Test func anEscapedStringWithCRLFEscapesKeepsThem() throws {
    let input =
      "var policy = '<policies>\\r\\n  <inbound>\\r\\n    <base />\\r\\n"
      + "    <set-header name=\"x-functions-key\" exists-action=\"override\">\\r\\n"
      + "      <value>{{${functionKeyName}}}</value>\\r\\n    </set-header>\\r\\n"
      + "  </inbound>\\r\\n</policies>'\n"
    let expected =
      "var policy = '<policies>\\r\\n  <inbound>\\r\\n    <base />\\r\\n"
      + "    <authentication-managed-identity resource=\"\(Self.guid)\" />\\r\\n"
      + "  </inbound>\\r\\n</policies>'\n"
    let result = try expectRewrite(input, expected, path: Self.path)
    #expect(result.removedKeyNamedValues == ["${functionKeyName}"])
  }

  @Test func anEscapedQuoteAndLFEscapesStayAndTheInsertionIsEscaped() throws {
    let input =
      "param x string\nresource p 'x' = {\n  properties: {\n"
      + "    value: '<policies>\\n\\t<inbound>\\n\\t\\t<base />\\n"
      + "\\t\\t<set-header name=\"x-functions-key\" exists-action=\"override\">\\n"
      + "\\t\\t\\t<value>@(context.Variables.GetValueOrDefault<string>(\\'key\\'))</value>\\n"
      + "\\t\\t</set-header>\\n\\t\\t<set-variable name=\"who\" value=\"@(\\'it\\\\\\'s\\')\" />\\n"
      + "\\t</inbound>\\n</policies>'\n  }\n}\n"
    let expected =
      "param x string\nresource p 'x' = {\n  properties: {\n"
      + "    value: '<policies>\\n\\t<inbound>\\n\\t\\t<base />\\n"
      + "\\t\\t<authentication-managed-identity resource=\"api://it\\'s\" />\\n"
      + "\\t\\t<set-variable name=\"who\" value=\"@(\\'it\\\\\\'s\\')\" />\\n"
      + "\\t</inbound>\\n</policies>'\n  }\n}\n"
    try expectRewrite(input, expected, path: Self.path, with: makeConfiguration(default: "api://it's"))
  }

  @Test func aOneLinePolicyWithAnInterpolatedKey() throws {
    let input =
      "resource p 'Microsoft.ApiManagement/service/apis/operations/policies@2019-01-01' = {\n"
      + "  properties: {\n"
      + "    value: '<policies><inbound><base /><set-backend-service base-url=\"https://${appName}.azurewebsites.net/api/\" />"
      + "<set-header name=\"x-functions-key\" exists-action=\"override\"><value>${functionKey}</value></set-header>"
      + "</inbound><backend><base /></backend></policies>'\n"
      + "    format: 'xml'\n  }\n}\n"
    let expected =
      "resource p 'Microsoft.ApiManagement/service/apis/operations/policies@2019-01-01' = {\n"
      + "  properties: {\n"
      + "    value: '<policies><inbound><base /><authentication-managed-identity resource=\"\(Self.guid)\" />"
      + "<set-backend-service base-url=\"https://${appName}.azurewebsites.net/api/\" />"
      + "</inbound><backend><base /></backend></policies>'\n"
      + "    format: 'xml'\n  }\n}\n"
    try expectRewrite(input, expected, path: Self.path)
  }

  @Test func aPolicyInsideAFunctionArgumentAndUnicodeEscapes() throws {
    let input =
      "var v = replace('''<policies>\n  <inbound>\n    <base />\n"
      + "    <set-header name=\"x-functions-key\">\n      <value>{{k}}</value>\n    </set-header>\n"
      + "  </inbound>\n</policies>''', '__X__', 'y')\n"
      + "var w = '<policies>\\n  <inbound>\\n    <set-header name=\"X-Functions-Key\">"
      + "<value>caf\\u{E9}</value></set-header>\\n  </inbound>\\n</policies>'\n"
    let expected =
      "var v = replace('''<policies>\n  <inbound>\n    <base />\n"
      + "    <authentication-managed-identity resource=\"\(Self.guid)\" />\n"
      + "  </inbound>\n</policies>''', '__X__', 'y')\n"
      + "var w = '<policies>\\n  <inbound>\\n    <authentication-managed-identity resource=\"\(Self.guid)\" />"
      + "\\n  </inbound>\\n</policies>'\n"
    let result = try expectRewrite(input, expected, path: Self.path)
    #expect(result.findings.contains { $0.rule == .literalKey })
  }

  @Test func findingsPointAtTheBicepFilesOwnLinesAndColumns() throws {
    let input =
      "// header\nvar a = 1\nresource p 'x' = {\n  properties: {\n"
      + "    value: '<policies>\\n  <inbound>\\n    <base />\\n"
      + "    <set-header name=\"x-functions-key\" exists-action=\"override\">\\n"
      + "      <value>{{k}}</value>\\n    </set-header>\\n  </inbound>\\n</policies>'\n"
      + "  }\n}\n"
      + "resource q 'y' = {\n  properties: {\n    value: '''\n<policies>\n  <inbound>\n"
      + "    <choose><when condition=\"true\"><set-header name=\"x-functions-key\"><value>{{k}}</value></set-header></when></choose>\n"
      + "  </inbound>\n</policies>\n'''\n  }\n}\n"
    let findings = try check(bytes(input), path: Self.path)
    let injections = findings.filter { $0.rule == .keyInjection }
    // Line 5: `    value: '<policies>\n  <inbound>\n    <base />\n    <set-header` puts the element
    // at the column of its `<` in the encoded line.
    let line5 = input.split(separator: "\n", omittingEmptySubsequences: false)[4]
    let column5 = line5.distance(from: line5.startIndex, to: line5.range(of: "<set-header")!.lowerBound) + 1
    #expect(injections.map { [$0.line, $0.column] } == [[5, column5], [13, 36]])
  }

  @Test func backendCredentialsAreReported() throws {
    let input = """
      resource backend 'Microsoft.ApiManagement/service/backends@2023-05-01-preview' = {
        parent: apim
        name: 'orders'
        properties: {
          url: 'https://orders.azurewebsites.net/api'
          protocol: 'http'
          credentials: {
            // a comment's apostrophe: don't stop here
            header: {
              'x-functions-key': [
                '{{${namedValue.name}}}'
              ]
            }
            query: {
              code: [ '{{orders-code}}' ]
            }
          }
        }
      }

      """
    let findings = try check(bytes(input), path: Self.path)
    #expect(findings.map { [$0.line, $0.column] } == [[10, 9], [15, 9]])
    #expect(rules(findings) == [.backendCredentials, .backendCredentials])
    let result = try rewrite(input, path: Self.path)
    #expect(!result.changed)
    #expect(result.reviewCount == 2)
  }

  @Test func aPolicyBuiltByFormatFromPiecesIsReportedNotSkipped() throws {
    let input = """
      var inbound = '<set-header name="x-functions-key" exists-action="override"><value>{{k}}</value></set-header>'
      var policy = format('<policies><inbound><base />{0}</inbound></policies>', inbound)
      var other = concat('<policies><inbound>', '<set-header name="x-functions-key"><value>{{k}}</value></set-header>', '</inbound></policies>')
      var described = 'Sets <policies> on every API'
      // value: '<policies><inbound><set-header name="x-functions-key" /></inbound></policies>'

      """
    let findings = try check(bytes(input), path: Self.path)
    #expect(rules(findings) == [.undecodableEmbeddedPolicy, .undecodableEmbeddedPolicy])
    #expect(findings.map(\.line) == [1, 3])
    #expect(findings[0].column == 34)  // the header name in `var inbound = '<set-header name="x-functions-key"`
    #expect(findings.allSatisfy { $0.message.contains("x-functions-key") && $0.message.contains("not rewritten") })
    let result = try rewrite(input, path: Self.path)
    #expect(!result.changed && result.reviewCount == 2 && !result.hasErrors)
  }

  @Test func aKeyInsideAnInterpolationHoleIsReported() throws {
    let input =
      "var p = '<policies><inbound>${useKey ? '<set-header name=\"x-functions-key\"><value>k</value></set-header>' : ''}"
      + "</inbound></policies>'\n"
    // The markup in the hole is read as written (no element may hide in a template
    // sequence), so check reports the key itself too; migrate leaves the string alone.
    let findings = try check(bytes(input), path: Self.path)
    #expect(rules(findings) == [.keyInjection, .literalKey, .undecodableEmbeddedPolicy])
    let result = try rewrite(input, path: Self.path)
    #expect(!result.changed && result.reviewCount >= 1, "\(result.findings)")
  }

  @Test func aFileWithNoPolicyAndNoKeyGivesNothing() throws {
    let input = "param name string\nresource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: name\n}\n"
    let result = try rewrite(input, path: Self.path)
    #expect(result.findings.isEmpty && !result.changed && !result.isPolicy)
    #expect(try check(bytes(input), path: Self.path).isEmpty)
  }

  @Test func theLexerFindsStringsAroundCommentsAndHoles() {
    let source = bytes("var a = 'x${f('y', { z: '}' })}w' // 'no'\n/* 'no' */ var b = '''m'''\nvar c = 'it\\'s'")
    let strings = BicepLexer.strings(in: source).sorted { $0.content.lowerBound < $1.content.lowerBound }
    let texts = strings.map { string(Array(source[$0.content])) }
    #expect(texts == ["x${f('y', { z: '}' })}w", "y", "}", "m", "it\\'s"])
    #expect(strings.map(\.isNested) == [false, true, true, false, false])
    #expect(strings[0].holes.count == 1)
    let decoded = BicepLexer.decode(source, strings[4])
    #expect(decoded.decoded == bytes("it's"))
    let start = strings[4].content.lowerBound
    #expect(decoded.offsets == [start, start + 1, start + 2, start + 4, start + 5])
  }
}

/// `check` and `migrate` over Bicep and ARM trees, run as a subprocess.
@Suite("Bicep and ARM (end to end)")
struct InfrastructureCommandTests {
  static let bicep = """
    resource policy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
      name: 'policy'
      properties: {
        format: 'rawxml'
        value: '<policies>\\r\\n  <inbound>\\r\\n    <base />\\r\\n    <set-header name="x-functions-key" exists-action="override">\\r\\n      <value>{{orders-key}}</value>\\r\\n    </set-header>\\r\\n  </inbound>\\r\\n</policies>'
      }
    }

    """
  static let arm = ARMTests.template(
    "<policies>\\r\\n  <inbound>\\r\\n    <base />\\r\\n    <set-header name=\\\"x-functions-key\\\">\\r\\n"
      + "      <value>{{payments-key}}</value>\\r\\n    </set-header>\\r\\n  </inbound>\\r\\n</policies>")
  static let tree: [String: String] = [
    "infra/apim.bicep": bicep,
    "infra/azuredeploy.json": arm,
    "infra/package.json": "{ \"name\": \"tools\" }\n",
    "infra/clean.bicep": "param x string\n",
  ]

  @Test("check over a Bicep/ARM tree: exit 1 with every key at the file's own line, 0 once migrated")
  func checkExitCodes() throws {
    try withTemporaryTree(Self.tree) { root in
      let result = run(["check", "."], cwd: root)
      #expect(result.status == 1, "stderr: \(result.stderr)")
      let lines = findingLines(result.stderr)
      #expect(lines.contains { $0.hasPrefix("infra/apim.bicep:5:") && $0.contains("[key-injection]") }, "\(lines)")
      #expect(
        lines.contains { $0.hasPrefix("infra/azuredeploy.json:8:") && $0.contains("[key-injection]") }, "\(lines)")
      #expect(!result.stderr.contains("package.json") && !result.stderr.contains("malformed"))
      let migrated = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(migrated.status == 0, "stderr: \(migrated.stderr)")
      #expect(migrated.stderr.contains("orders-key") && migrated.stderr.contains("payments-key"))
      let again = run(["check", "."], cwd: root)
      #expect(again.status == 0, "stderr: \(again.stderr)")
      let second = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      #expect(second.status == 0 && second.stdout.isEmpty, "a second migrate changed: \(text(second.stdout))")
    }
  }

  @Test("the dry-run diff of .bicep and .json files applies with git apply and equals --write")
  func diffApplies() throws {
    try MigrateCommandTests().expectDiffMatchesWrite(
      Self.tree.mapValues { Array($0.utf8) }, arguments: ["infra/apim.bicep", "infra/azuredeploy.json"])
  }

  @Test("a file of an unsupported type named on the command line: one clear error, exit 2")
  func unsupportedType() throws {
    try withTemporaryTree(["notes.md": "# Notes\n"]) { root in
      let result = run(["check", "notes.md"], cwd: root)
      #expect(result.status == 2)
      #expect(
        findingLines(result.stderr).map { $0.hasPrefix("notes.md:1:1: error: unsupported file type: notes.md") } == [
          true
        ])
    }
    try withTemporaryTree(["deploy.ps1": "Set-AzApiManagementPolicy -Policy '<policies/>'\n"]) { root in
      let result = run(["check", "deploy.ps1"], cwd: root)
      #expect(result.status == 2)
      #expect(
        findingLines(result.stderr) == [
          "deploy.ps1:1:1: error: unsupported file type: deploy.ps1 is not a policy (.xml), Terraform (.tf), Bicep (.bicep), ARM template or APIOps file (.json, .yaml); policies in other files (Pulumi programs, scripts) are not read [unsupported-file-type]"
        ])
    }
  }

  @Test("a named value still referenced by a file of another kind is not listed for deletion")
  func namedValueReferencedElsewhereIsKept() throws {
    let tree = [
      "apis/orders/policy.xml": Policies.injection("orders-func-key"),
      "infra/named-values.tf": "locals {\n  check = \"{{orders-func-key}}\"\n}\n",
    ]
    try withTemporaryTree(tree) { root in
      let result = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(!result.stderr.contains("no longer referenced"), "\(result.stderr)")
    }
    try withTemporaryTree(["apis/orders/policy.xml": tree["apis/orders/policy.xml"]!]) { root in
      let result = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      #expect(
        result.stderr.contains(
          "no longer referenced (delete them and their Key Vault secrets after the switch):\n  orders-func-key\n"))
    }
  }
}

/// Hostile Bicep and JSON: deep nesting and long strings cost memory and one pass, never the
/// thread's stack.
struct InfrastructureHostileInputTests {
  /// Each nested string's content holds every deeper one: reading whole contents made this
  /// quadratic (5,000 levels took 22 s); each string's own text is read once now.
  @Test func deeplyNestedInterpolationsDoNotOverflowTheStack() {
    let depth = 50_000
    let source = bytes(
      "var p = '" + String(repeating: "${f('", count: depth) + String(repeating: "')}", count: depth) + "'\n")
    let strings = BicepLexer.strings(in: source)
    #expect(strings.count == depth + 1)
    #expect(strings.count { !$0.isNested } == 1)
    let result = PolicyRewriter(configuration: RewriteConfiguration()).check(source, path: "deep.bicep")
    #expect(result.findings.isEmpty)
  }

  @Test func anUnterminatedStringIsAParseErrorAndTheRestIsStillRead() {
    let bicep = bytes(
      "var a = 'never closed\nvar b = '<policies><inbound><set-header name=\"x-functions-key\" /></inbound></policies>'\n"
    )
    let findings = PolicyRewriter(configuration: RewriteConfiguration()).check(bicep, path: "a.bicep").findings
    #expect(findings.map(\.id) == [.operational(.parseError), .rule(.keyInjection)])
    #expect(findings.map(\.line) == [1, 2])
    let json = bytes("{ \"resources\": [ { \"type\": \"Microsoft.ApiManagement/service\", \"value\": \"<policies")
    let tokens = JSONStringScanner.strings(in: json)
    #expect(tokens.last.map { string(Array(json[$0.content])) } == "value")
    let checked = PolicyRewriter(configuration: RewriteConfiguration()).check(json, path: "a.json").findings
    #expect(checked.map(\.id) == [.operational(.parseError)])
  }
}
