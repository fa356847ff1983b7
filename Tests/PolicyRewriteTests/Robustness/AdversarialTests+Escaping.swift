import Foundation
import Testing

/// No file name or content can inject into an output format.
extension AdversarialTests {
  /// The workflow commands a GitHub runner reads in `output`: lines that start with `::`
  /// once leading white space is dropped, skipping what lies between `::stop-commands::T`
  /// and `::T::`.
  static func workflowCommands(_ output: String) -> [String] {
    var commands: [String] = []
    var stoppedBy: String?
    for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.drop { $0 == " " || $0 == "\t" }
      guard trimmed.hasPrefix("::") else { continue }
      if let token = stoppedBy {
        if trimmed == "::\(token)::" { stoppedBy = nil }
        continue
      }
      commands.append(String(trimmed))
      if trimmed.hasPrefix("::stop-commands::") { stoppedBy = String(trimmed.dropFirst("::stop-commands::".count)) }
    }
    return commands
  }

  @Test("--format github: names and lines holding workflow commands stay text, after 10 annotations and in diffs")
  func githubCommandInjection() throws {
    var files: [String: String] = [:]
    for index in 0..<12 { files["apis/a\(String(format: "%02d", index)).xml"] = Policies.injection("k\(index)") }
    files["apis/z\n::stop-commands::pwned\n.xml"] = Policies.injection("evil")
    files["apis/zz.xml"] = Policies.injection("evil2").replacingOccurrences(
      of: "<base />", with: "<base />\n::add-mask::secret\n  ::warning::injected")
    try withTemporaryTree(files) { root in
      let summary = root.appendingPathComponent("summary.md")
      _ = FileManager.default.createFile(atPath: summary.path, contents: nil)
      for arguments in [
        ["check", "--format", "github", "apis"],
        ["migrate", "--format", "github", "--diff", "--resource", CLI.resource, "apis"],
      ] {
        let child = try Reliability.Child(arguments, cwd: root, environment: ["GITHUB_STEP_SUMMARY": summary.path])
        let outcome = child.wait()
        // A crash wrote no command either: the run must have ended with its own status.
        #expect(outcome.exited(arguments[0] == "check" ? 1 : 0), "\(arguments[0]): \(outcome.summary)")
        let commands = Self.workflowCommands(text(outcome.stdout))
        for command in commands {
          let name = command.dropFirst(2).prefix { $0 != " " && $0 != ":" }
          let allowed = ["error", "warning", "notice", "stop-commands"].contains(String(name))
          #expect(allowed, "\(arguments[0]): a command from the input: \(command)")
          if name == "stop-commands" {
            #expect(command.hasPrefix("::stop-commands::policy-rewrite-"), "\(arguments[0]): \(command)")
          }
        }
        #expect(!commands.contains { $0.contains("pwned") || $0.contains("add-mask") || $0.contains("injected") })
      }
      // The job summary: one table row per finding, no markup from a name.
      let markdown = String(decoding: try Data(contentsOf: summary), as: UTF8.self)
      #expect(!markdown.contains("\n::stop-commands::pwned"), "\(markdown)")
    }
  }

  @Test("the job summary escapes names as Markdown: no extra cell, no HTML, no link")
  func githubJobSummaryEscaping() throws {
    let name = "apis/a|b<img src=x>[l](http:x).xml"
    try withTemporaryTree([name: Policies.injection()]) { root in
      let summary = root.appendingPathComponent("summary.md")
      _ = FileManager.default.createFile(atPath: summary.path, contents: nil)
      let child = try Reliability.Child(
        ["check", "--format", "github", "apis"], cwd: root, environment: ["GITHUB_STEP_SUMMARY": summary.path])
      #expect(child.wait().exited(1))
      let markdown = String(decoding: try Data(contentsOf: summary), as: UTF8.self)
      let row = try #require(markdown.split(separator: "\n").first { $0.contains("key-injection") }, "\(markdown)")
      var unescapedPipes = 0
      var previous: Character = " "
      for character in row {
        if character == "|" && previous != "\\" { unescapedPipes += 1 }
        previous = character
      }
      #expect(unescapedPipes == 5, "\(row)")
      #expect(!row.contains("<img") && !row.contains("](http"), "\(row)")
    }
  }

  @Test("SARIF URIs percent-encode ':' so no path reads as a scheme")
  func sarifURIHasNoScheme() throws {
    try withTemporaryTree(["javascript:alert(1).xml": Policies.injection()]) { root in
      let result = run(["check", "--format", "sarif", "."], cwd: root)
      #expect(result.status == 1)
      let log = text(result.stdout)
      #expect(log.contains("\"uri\" : \"javascript%3Aalert%281%29.xml\""), "\(log)")
      #expect(!log.contains("javascript:alert"))
    }
  }

  @Test("ANSI escapes and control characters in names never reach the terminal in text output")
  func textOutputEscapesControls() throws {
    let name = "apis/\u{1B}]0;title\u{07}\u{1B}[2J\u{202E}lmx.xml"
    try withTemporaryTree([name: Policies.injection("ansi-key")]) { root in
      for arguments in [["check", "apis"], ["migrate", "--resource", CLI.resource, "--write", "apis"]] {
        let result = run(arguments, cwd: root)
        #expect(!result.stderr.contains("\u{1B}") && !result.stderr.contains("\u{07}"), "\(arguments[0])")
        #expect(!result.stderr.contains("\u{202E}"), "\(arguments[0])")
        if arguments[0] == "check" {
          #expect(result.stderr.contains("apis/\\x1B]0;title\\x07\\x1B[2J\\u{202E}lmx.xml:"), "\(result.stderr)")
        }
      }
    }
  }
}
