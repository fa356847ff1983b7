import Foundation
import Testing

/// What the tool prints cannot act on a terminal or a CI runner (issue 22, items 15 and 16).
@Suite struct OutputInjectionTests {
  /// Bytes that act on a terminal: ESC (OSC, SGR), the C1 CSI (U+009B) and BEL, and the
  /// bidirectional override U+202E.
  static func expectInert(_ output: String, _ context: String) {
    #expect(!output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B || $0.value == 0x07 }, "\(context)")
    #expect(!output.unicodeScalars.contains { $0.value == 0x202E }, "\(context)")
  }

  static let hostileFolder = "apis/\u{1B}]0;pwn\u{07}\u{1B}[31mred"
  static let hostileNamedValue = "k\u{9B}31m\u{202E}yek"

  @Test func planTextAndMarkdownPrintedFileNamesAndNamedValuesRaw() throws {
    try withTemporaryTree(["\(Self.hostileFolder)/policy.xml": Policies.injection(Self.hostileNamedValue)]) { root in
      for format in ["text", "markdown"] {
        let result = run(["plan", "--format", format, "--resource", CLI.resource, "apis"], cwd: root)
        #expect(result.status == 0, "\(format): \(result.stderr)")
        let output = text(result.stdout)
        #expect(output.contains("yek"), "\(format): the key is listed: \(output)")
        Self.expectInert(output, "plan --format \(format): \(output.debugDescription)")
        Self.expectInert(result.stderr, "plan --format \(format) stderr")
      }
      // check escapes the same inputs (it did before): the reporters agree.
      let check = run(["check", "apis"], cwd: root)
      #expect(check.status == 1)
      Self.expectInert(check.stderr, "check")
    }
  }

  /// GitHub reads a workflow command from any line a step prints that starts with `::`.
  @Test func aTextPathStartingWithTwoColonsWasReadAsAWorkflowCommand() throws {
    let name = "::stop-commands::pwn.xml"
    try withTemporaryTree([name: Policies.injection(), "apis/policy.xml": Policies.review()]) { root in
      for arguments in [
        ["check", "--format", "text", name], ["check", "--format", "text", "."],
        ["migrate", "--resource", CLI.resource, name], ["plan", "--resource", CLI.resource, name],
      ] {
        let result = run(arguments, cwd: root)
        #expect([0, 1].contains(result.status), "\(arguments): \(result.stderr)")
        let lines = (text(result.stdout) + "\n" + result.stderr).split(separator: "\n")
        #expect(lines.contains { $0.contains("stop-commands") }, "\(arguments): the file is reported")
        for line in lines {
          #expect(
            !line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("::"),
            "\(arguments): a line starts with '::': \(line)")
        }
      }
    }
  }
}
