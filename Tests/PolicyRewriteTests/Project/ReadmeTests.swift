import Foundation
import Testing

/// Runs the README's examples: every `policy-rewrite` command in a `sh` block, on a copy of
/// `samples/`, and checks that the documented JSON example parses.
struct ReadmeTests {
  static let packageRoot = TestPaths.packageRoot

  /// The fenced blocks of the README with their language.
  static func blocks() throws -> [(language: String, body: String)] {
    let text = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    var result: [(String, String)] = []
    var language: String?
    var body: [Substring] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.drop { $0 == " " }
      if trimmed.hasPrefix("```") {
        if let current = language {
          result.append((current, body.joined(separator: "\n")))
          language = nil
        } else {
          language = String(trimmed.dropFirst(3))
          body = []
        }
      } else if language != nil {
        body.append(trimmed)
      }
    }
    return result
  }

  static func commands() throws -> [String] {
    var commands: [String] = []
    for block in try blocks() where block.language == "sh" {
      for line in block.body.split(separator: "\n") {
        let command =
          line.hasPrefix("swift run policy-rewrite ") ? String(line.dropFirst("swift run ".count)) : String(line)
        if command.hasPrefix("policy-rewrite ") { commands.append(command) }
      }
    }
    return commands
  }

  /// The exit status of each README command, exactly. A new command in the README fails
  /// the test until its status is written here.
  static let expectedStatus: [String: Int32] = [
    "policy-rewrite migrate --resource-map samples/resource-map.json samples": 0,
    "policy-rewrite migrate --resource-map samples/resource-map.json samples > migration.diff": 0,
    "policy-rewrite migrate --resource-map samples/resource-map.json --output-dir /tmp/migrated samples": 0,
    "policy-rewrite migrate --resource-map samples/resource-map.json --write samples": 0,
    // The two folders hold no key injection and no review item.
    "policy-rewrite check samples/apis/status samples/apis/migrated": 0,
    // The samples still inject keys: check fails, and says so in the SARIF file.
    "policy-rewrite check --format sarif samples > policy-rewrite.sarif": 1,
    "policy-rewrite migrate --resource 11111111-2222-3333-4444-555555555555 - < samples/apis/orders/policy.xml": 0,
    "policy-rewrite plan --resource-map samples/resource-map.json samples": 0,
    "policy-rewrite plan --emit-map resource-map.skeleton.json samples": 0,
    "policy-rewrite plan --resource-map samples/readiness/readiness-map.json samples/readiness": 0,
    // The sample's payments app still has a function-level trigger.
    "policy-rewrite check --readiness --resource-map samples/readiness/readiness-map.json samples/readiness": 1,
    "policy-rewrite effective --api orders samples": 0,
    // The baseline accepts every finding of the samples, so the second check passes.
    "policy-rewrite check --write-baseline accepted.json samples && policy-rewrite check --baseline accepted.json samples":
      0,
  ]

  /// `command` with every absolute `/tmp/` path moved below `work`, so that the run writes
  /// only inside its own temporary folder.
  static func confined(_ command: String, to work: URL) -> String {
    command.replacingOccurrences(of: " /tmp/", with: " " + work.appendingPathComponent("tmp").path + "/")
  }

  @Test func everyCommandRunsWithItsExitStatus() throws {
    let commands = try Self.commands()
    #expect(commands.count >= 6, "the README's examples: \(commands)")
    #expect(Set(commands) == Set(Self.expectedStatus.keys), "README commands without an expected status, or gone")
    for command in commands {
      let work = try CLI.makeTemporaryFolder("policy-rewrite-readme")
      defer { try? FileManager.default.removeItem(at: work) }
      _ = CLI.tool("cp", ["-R", Self.packageRoot.appendingPathComponent("samples").path, work.path], cwd: work)
      let before = CLI.snapshot(work.appendingPathComponent("samples"))
      let binaryFolder = CLI.binary.deletingLastPathComponent().path
      let path = binaryFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
      let result = CLI.execute(
        URL(fileURLWithPath: "/bin/sh"), ["-c", Self.confined(command, to: work)], cwd: work,
        environment: ["PATH": path])
      let expected = Self.expectedStatus[command]
      #expect(
        result.status == expected, "\(command) exited \(result.status), expected \(expected ?? -1): \(result.stderr)")
      #expect(!result.stderr.contains("Usage:"), "\(command) printed its usage: \(result.stderr)")
      let after = CLI.snapshot(work.appendingPathComponent("samples"))
      if command.split(separator: " ").contains("--write") {
        #expect(before != after, "\(command) wrote nothing")
      } else {
        #expect(before == after, "\(command) changed the samples without --write")
      }
      if command.contains("> migration.diff") {
        let diff = try String(contentsOf: work.appendingPathComponent("migration.diff"), encoding: .utf8)
        #expect(diff.contains("+++ b/samples/apis/orders/policy.xml"))
        #expect(diff.contains("<authentication-managed-identity"))
      }
      if command.contains("--format sarif") {
        let sarif = try JSONSerialization.jsonObject(
          with: Data(contentsOf: work.appendingPathComponent("policy-rewrite.sarif")))
        #expect((sarif as? [String: Any])?["version"] as? String == "2.1.0")
      }
      if command.contains("--output-dir /tmp/migrated") {
        #expect(FileManager.default.fileExists(atPath: work.path + "/tmp/migrated/apis/orders/policy.xml"))
      }
      if command.hasSuffix("- < samples/apis/orders/policy.xml") {
        #expect(
          text(result.stdout).contains("<authentication-managed-identity resource=\"\(CLI.resource)\" />"))
      }
    }
  }

  @Test func theJSONExampleParses() throws {
    let examples = try Self.blocks().filter { $0.language == "json" }
    #expect(examples.count == 3)
    for example in examples {
      #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(example.body.utf8)) }
    }
  }
}
