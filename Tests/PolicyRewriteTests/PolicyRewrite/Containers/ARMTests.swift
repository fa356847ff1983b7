import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// Policies inside ARM template and APIOps JSON strings, rewritten in the string's own JSON
/// escapes; ARM expressions that build a policy are reported; other JSON files are ignored.
struct ARMTests {
  static let path = "deploy/azuredeploy.json"
  static let guid = CLI.resource
  static let schema = "\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\""

  static func template(_ value: String, format: String = "rawxml") -> String {
    "{\n  \(schema),\n  \"resources\": [\n    {\n"
      + "      \"type\": \"Microsoft.ApiManagement/service/apis/policies\",\n"
      + "      \"properties\": {\n        \"format\": \"\(format)\",\n"
      + "        \"value\": \"\(value)\"\n      }\n    }\n  ]\n}"
  }

  @Test func aCRLFEscapedPolicyKeepsItsEscapesAndQuotesTheInsertion() throws {
    let input = Self.template(
      "<policies>\\r\\n  <inbound>\\r\\n    <base />\\r\\n"
        + "    <set-header name=\\\"x-functions-key\\\" exists-action=\\\"override\\\">\\r\\n"
        + "      <value>{{orders-key}}</value>\\r\\n    </set-header>\\r\\n  </inbound>\\r\\n</policies>")
    let expected = Self.template(
      "<policies>\\r\\n  <inbound>\\r\\n    <base />\\r\\n"
        + "    <authentication-managed-identity resource=\\\"\(Self.guid)\\\" />\\r\\n  </inbound>\\r\\n</policies>")
    let result = try expectRewrite(input, expected, path: Self.path)
    #expect(result.removedKeyNamedValues == ["orders-key"])
  }

  @Test func lfEscapesAndEscapedSlashesStay() throws {
    let input = Self.template(
      "<policies>\\n\\t<inbound>\\n\\t\\t<base \\/>\\n\\t\\t<set-header name=\\\"x-functions-key\\\">"
        + "<value>{{k}}<\\/value><\\/set-header>\\n\\t<\\/inbound>\\n<\\/policies>")
    let expected = Self.template(
      "<policies>\\n\\t<inbound>\\n\\t\\t<base \\/>\\n\\t\\t<authentication-managed-identity resource=\\\"\(Self.guid)\\\" />"
        + "\\n\\t<\\/inbound>\\n<\\/policies>")
    try expectRewrite(input, expected, path: Self.path)
  }

  @Test func unicodeEscapedMarkupIsInsertedTheSameWay() throws {
    let input = Self.template(
      "\\u003cpolicies\\u003e\\u003cinbound\\u003e\\u003cbase /\\u003e"
        + "\\u003cset-header name=\\\"x-functions-key\\\"\\u003e\\u003cvalue\\u003e{{k}}\\u003c/value\\u003e\\u003c/set-header\\u003e"
        + "\\u003c/inbound\\u003e\\u003c/policies\\u003e")
    let expected = Self.template(
      "\\u003cpolicies\\u003e\\u003cinbound\\u003e\\u003cbase /\\u003e"
        + "\\u003cauthentication-managed-identity resource=\\\"api://x\\u0026amp;y\\\" /\\u003e"
        + "\\u003c/inbound\\u003e\\u003c/policies\\u003e")
    // `&` in the resource is written as the entity `&amp;`, whose `&` the string escapes too.
    try expectRewrite(input, expected, path: Self.path, with: makeConfiguration(default: "api://x&y"))
  }

  @Test func findingsPointAtTheJSONFilesOwnLinesAndColumns() throws {
    let input = Self.template(
      "<policies>\\r\\n  <inbound>\\r\\n    <set-header name=\\\"x-functions-key\\\"><value>{{k}}</value></set-header>"
        + "\\r\\n  </inbound>\\r\\n</policies>")
    let findings = try check(bytes(input), path: Self.path).filter { $0.rule == .keyInjection }
    let line = "        \"value\": \"<policies>\\r\\n  <inbound>\\r\\n    "
    #expect(findings.map { [$0.line, $0.column] } == [[8, line.count + 1]])
  }

  @Test func anARMExpressionThatBuildsAKeyPolicyIsReported() throws {
    let input = Self.template(
      "[concat('<policies><inbound><set-header name=\\\"x-functions-key\\\"><value>', parameters('key'), '</value></set-header></inbound></policies>')]"
    )
    let findings = try check(bytes(input), path: Self.path)
    #expect(rules(findings) == [.undecodableEmbeddedPolicy])
    #expect(findings[0].message.contains("ARM template expression"))
    #expect(findings[0].line == 8)
    let clean = Self.template("[concat('<policies><inbound><base /></inbound></policies>', '')]")
    #expect(try check(bytes(clean), path: Self.path).isEmpty)
    let link = Self.template("https://example.com/x-functions-key/policy.xml", format: "rawxml-link")
    #expect(try rules(check(bytes(link), path: Self.path)) == [.undecodableEmbeddedPolicy])
  }

  @Test func backendCredentialsInATemplateAreReported() throws {
    let input = """
      {
        "$schema": "https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#",
        "resources": [
          {
            "type": "Microsoft.ApiManagement/service/backends",
            "properties": {
              "credentials": { "header": { "x-functions-key": [ "[concat('{{', variables('k'), '}}')]" ] } }
            }
          }
        ]
      }
      """
    let findings = try check(bytes(input), path: Self.path)
    #expect(rules(findings) == [.backendCredentials])
    #expect(findings.map { [$0.line, $0.column] } == [[7, 38]])
  }

  @Test func otherJSONFilesAreIgnoredWithoutAParseError() throws {
    let package = bytes(
      "{ \"name\": \"x\", \"description\": \"<policies><inbound><set-header name='x-functions-key'/>\" }")
    #expect(!PolicyRewriter.mayConcern(package, path: "package.json"))
    let result = try rewrite(package, path: "package.json")
    #expect(result.findings.isEmpty && !result.isPolicy && !result.changed)
    let broken = bytes("{ not json at all")
    #expect(try rewrite(broken, path: "broken.json").findings.isEmpty)
  }

  @Test func aParametersFileIsReadToo() throws {
    let input =
      "{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#\",\n"
      + "  \"parameters\": { \"policy\": { \"value\": \"<policies><inbound><base /><set-header name=\\\"x-functions-key\\\">"
      + "<value>{{k}}</value></set-header></inbound></policies>\" } }\n}\n"
    let expected =
      "{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#\",\n"
      + "  \"parameters\": { \"policy\": { \"value\": \"<policies><inbound><base />"
      + "<authentication-managed-identity resource=\\\"\(Self.guid)\\\" /></inbound></policies>\" } }\n}\n"
    try expectRewrite(input, expected, path: "azuredeploy.parameters.json")
  }

  @Test func theStringScannerGivesOffsetsKeysAndDecodedText() {
    let source = bytes("{ // \"no\"\n \"a\\\"b\" : \"x\\u00e9\\ud83d\\ude00\\n\", /* \"no\" */ \"k\": [\"v\"] }")
    let tokens = JSONStringScanner.strings(in: source)
    #expect(tokens.map { string(Array(source[$0.content])) } == ["a\\\"b", "x\\u00e9\\ud83d\\ude00\\n", "k", "v"])
    #expect(tokens.map(\.isKey) == [true, false, true, false])
    let decoded = JSONStringScanner.decode(source, tokens[1].content)
    #expect(decoded.decoded == bytes("xé😀\n"))
    let start = tokens[1].content.lowerBound
    #expect(
      decoded.offsets == [
        start, start + 1, start + 1, start + 7, start + 7, start + 7, start + 7, start + 19, start + 21,
      ])
  }

  @Test func aFileOfAnotherTypeNamedExplicitlyIsUnsupportedNotMalformed() throws {
    let script = bytes("$policy = '<policies><inbound><set-header name=\"x-functions-key\" /></inbound></policies>'\n")
    let result = try rewrite(script, path: "deploy/set-policy.ps1")
    #expect(ids(result.findings) == [.operational(.unsupportedFileType)])
    #expect(result.findings[0].message.hasPrefix("unsupported file type: set-policy.ps1"))
    #expect(result.hasErrors && !result.changed)
    #expect(try ids(check(script, path: "index.ts")) == [.operational(.unsupportedFileType)])
    // A file whose text is markup is still read as a policy, whatever its name.
    let policy = try rewrite(Policies.injection(), path: "policy.txt")
    #expect(policy.changed)
  }
}
