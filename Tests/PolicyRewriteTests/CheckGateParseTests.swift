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
}
