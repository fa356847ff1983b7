import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// Inputs that once passed the `check` gate with a key in them because a reader stopped early
/// or let text pass for a comment: each test names the cause.
@Suite struct CheckGateParseTests {
  static let key =
    #"<set-header name="x-functions-key" exists-action="override"><value>{{nul-func-key}}</value></set-header>"#

  // MARK: NUL bytes

  @Test("a NUL byte is a parse error at its place: libxml2 took it for the end of the input")
  func nulByteEndedParsing() throws {
    let source =
      bytes("<policies><inbound><base /></inbound></policies>\n") + [0]
      + bytes("<policies><inbound><base />\(Self.key)</inbound></policies>\n")
    #expect(throws: ParseError.self) { try PolicyDocument.parse(source) }
    do {
      _ = try PolicyDocument.parse(source)
    } catch {
      #expect(error.line == 2 && error.column == 1, "\(error)")
      #expect(error.message.contains("NUL"), "\(error)")
    }
    do {
      _ = try PolicyDocument.checkWellFormed(source)
      Issue.record("checkWellFormed accepted a NUL byte")
    } catch {
      #expect(error.line == 2 && error.column == 1, "\(error)")
    }
    let inside = bytes("<policies><inbound><base />") + [0] + bytes("</inbound></policies>")
    #expect(inside.withUnsafeBufferPointer(WellFormedScanner.rootName(of:)) == nil)
    let outcome = try CheckGateTests.checkTree(["policy.xml": source], ["."])
    #expect(outcome.status == 2, "\(outcome.stderr)")
    #expect(outcome.stderr.contains("policy.xml:2:1"), "\(outcome.stderr)")
  }

  @Test("junk after the root behind a NUL byte is a parse error: libxml2 stopped at the NUL")
  func junkAfterNULWasAccepted() throws {
    let source =
      bytes("<policies><inbound><base />\(Self.key)</inbound></policies>") + [0, 0xFF, 0xFE]
      + bytes(" junk")
    let outcome = try CheckGateTests.checkTree(["policy.xml": source], ["."])
    #expect(outcome.status == 2, "\(outcome.stderr)")
  }

  @Test("a NUL escaped in an ARM or Terraform string is an error, not silence")
  func nulEscapedInContainerStringsWasSilent() throws {
    let policy =
      "<policies><inbound><base /></inbound></policies>\\u0000<policies><inbound><base />"
      + Self.key.replacingOccurrences(of: "\"", with: "\\\"") + "</inbound></policies>"
    let arm = """
      {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "resources": [{"type": "Microsoft.ApiManagement/service/apis/policies",
          "properties": {"format": "rawxml", "value": "\(policy)"}}]
      }

      """
    let terraform = CheckGateTests.terraform("\"\(policy)\"")
    for (path, text) in [("azuredeploy.json", arm), ("main.tf", terraform)] {
      let outcome = try CheckGateTests.checkTree([path: bytes(text)], ["."])
      #expect(outcome.status != 0, "\(path): \(outcome.stderr)")
    }
  }

  // MARK: Suppression markers in text

  static func policy(_ line: String) -> String {
    """
    <policies>
      <inbound>
        <base />
        \(line)
        <set-header name="x-functions-key" exists-action="override"><value>{{s-func-key}}</value></set-header>
      </inbound>
    </policies>

    """
  }

  static let marker = "<!-- policy-rewrite: ignore key-injection (text) -->"

  @Test(
    "a suppression marker in a CDATA section, an attribute expression or a code block was taken for a comment",
    arguments: [
      "<set-body><![CDATA[\(marker)]]></set-body>",
      "<set-variable name=\"x\" value=\"@(&quot;\(marker)&quot;)\" />",
      "<set-variable name=\"x\" value=\"@(\"\(marker)\")\" />",
      "<set-body>@{ return \"\(marker)\"; }</set-body>",
    ])
  func markerInXMLTextWasAComment(line: String) throws {
    let outcome = try CheckGateTests.checkTree(["policy.xml": bytes(Self.policy(line))], ["."])
    #expect(outcome.status == 1, "\(outcome.stderr)")
    #expect(!outcome.stderr.contains("suppressed"), "\(outcome.stderr)")
  }

  @Test("a suppression followed by an element on its line accepted the key on the next line")
  func commentBeforeAnElementOnItsLineHidTheNextLine() throws {
    let line = "\(Self.marker)<set-header name=\"X-Other\"><value>1</value></set-header>"
    let outcome = try CheckGateTests.checkTree(["policy.xml": bytes(Self.policy(line))], ["."])
    #expect(outcome.status == 1, "\(outcome.stderr)")
    #expect(outcome.stderr.contains("[unused-suppression]"), "\(outcome.stderr)")
    let same = "\(Self.marker)<set-header name=\"x-functions-key\"><value>{{k}}</value></set-header>"
    let sameLine = Self.policy(same).replacingOccurrences(of: "x-functions-key\" exists", with: "X-Other\" exists")
    let accepted = try CheckGateTests.checkTree(["policy.xml": bytes(sameLine)], ["."])
    #expect(accepted.status == 0, "\(accepted.stderr)")
  }

  @Test("a # or // line inside a Terraform heredoc or a Bicep multi-line string was taken for a comment")
  func lineCommentInsideContainerStringWasAComment() throws {
    let terraform = CheckGateTests.terraform(
      "<<EOT\n\(Self.policy("# policy-rewrite: ignore key-injection (inside heredoc)"))EOT")
    let bicep = CheckGateTests.bicep(
      value: "'''\n\(Self.policy("// policy-rewrite: ignore key-injection (inside string)"))'''")
    for (path, text) in [("main.tf", terraform), ("main.bicep", bicep)] {
      let outcome = try CheckGateTests.checkTree([path: bytes(text)], ["."])
      #expect(outcome.status == 1, "\(path): \(outcome.stderr)")
      #expect(!outcome.stderr.contains("suppressed"), "\(path): \(outcome.stderr)")
    }
    // An XML comment in the policy text of a heredoc is a comment of that text.
    let xmlComment = CheckGateTests.terraform("<<EOT\n\(Self.policy(Self.marker))EOT")
    let outcome = try CheckGateTests.checkTree(["main.tf": bytes(xmlComment)], ["."])
    #expect(outcome.status == 0, "\(outcome.stderr)")
  }

  // MARK: Unterminated Terraform literals

  @Test("an unterminated Terraform heredoc is a parse error: the file was dropped as holding no policy")
  func unterminatedHeredocDroppedTheFile() throws {
    let source = """
      resource "azurerm_api_management_api_policy" "y" {
        xml_content = <<EOT
      <policies><inbound><base /><set-header name="x-functions-key"><value>{{unterm}}</value></set-header></inbound></policies>

      """
    let outcome = try CheckGateTests.checkTree(["main.tf": bytes(source)], ["."])
    #expect(outcome.status == 2, "\(outcome.stderr)")
    #expect(outcome.stderr.contains("main.tf:2:17"), "\(outcome.stderr)")
    #expect(outcome.stderr.contains("heredoc is not terminated"), "\(outcome.stderr)")
  }

  @Test("a Terraform string that the file ends inside is a parse error")
  func unterminatedTerraformStringWasSilent() throws {
    let source = "resource \"azurerm_api_management_api_policy\" \"y\" {\n  xml_content = \"<policies>"
    let outcome = try CheckGateTests.checkTree(["main.tf": bytes(source)], ["."])
    #expect(outcome.status == 2, "\(outcome.stderr)")
    #expect(outcome.stderr.contains("main.tf:2:17"), "\(outcome.stderr)")
  }

  // MARK: GitHub workflow commands

  @Test("control characters of a file name are escaped in workflow commands: ESC reached the log raw")
  func workflowCommandsCarriedRawControls() throws {
    let name = "apis/\u{1B}[31m\u{07}\u{9B}x\u{202E}.xml"
    try withTemporaryTree([name: Policies.injection("ansi-key")]) { root in
      let result = run(["check", "--format", "github", "apis"], cwd: root)
      #expect(result.status == 1, "\(result.stderr)")
      let output = text(result.stdout) + result.stderr
      for control in ["\u{1B}", "\u{07}", "\u{9B}", "\u{202E}"] {
        #expect(!output.contains(control), "\(output)")
      }
      #expect(output.contains("file=apis/\\x1B[31m\\x07\\u{009B}x\\u{202E}.xml"), "\(output)")
    }
  }

  // MARK: Resource map

  @Test("a key named twice in the resource map is an error: the decoder kept one value silently")
  func duplicateMapKeyKeptOneValue() throws {
    let map =
      "{\n  \"byNamedValue\": {\n    \"a-func-key\": \"api://one\",\n    \"a-func-key\": \"api://two\"\n  }\n}\n"
    let policy = Policies.injection("a-func-key")
    try withTemporaryTree(["map.json": map, "apis/a/policy.xml": policy]) { root in
      let result = run(["migrate", "--resource-map", "map.json", "--write", "apis"], cwd: root)
      #expect(result.status == 2, "\(result.stderr)")
      #expect(result.stderr.hasPrefix("map.json:4:5: error: "), "\(result.stderr)")
      expectFile(root, "apis/a/policy.xml", policy)
    }
    #expect(JSONSyntax.firstDuplicateKey(in: bytes(#"{"a": {"b": 1, "c": 2}, "d": {"b": 3}}"#)) == nil)
    #expect(JSONSyntax.firstDuplicateKey(in: bytes(#"{"a": 1, "\u0061": 2}"#)) == 9)
  }
}
