import Foundation
import Testing

/// `action.yml` run as the runner runs it: each `run:` block of a step, with `${{ … }}`
/// expressions substituted and the step's `env:`, through `bash --noprofile --norc -eo pipefail`.
struct ActionTests {
  /// One step of the composite action, as far as a test runs it.
  struct Step {
    var name: String
    var id: String?
    var uses: String?
    var env: [String: String] = [:]
    var run: String?
  }

  static let package = TestPaths.packageRoot

  /// The steps of `action.yml`: `- name:` items under `steps:`, their `id`, `uses`, `env` and
  /// `run: |` block (the action keeps to this plain form; the test fails if it cannot read it).
  static func steps() throws -> [Step] {
    let text = try String(contentsOf: package.appendingPathComponent("action.yml"), encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let start = try #require(lines.firstIndex(of: "  steps:"))
    var steps: [Step] = []
    var index = start + 1
    func value(_ line: String, _ key: String) -> String? {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard trimmed.hasPrefix(key + ": ") else { return nil }
      return String(trimmed.dropFirst(key.count + 2))
    }
    while index < lines.count {
      let line = lines[index]
      if line.hasPrefix("    - name: ") {
        steps.append(Step(name: String(line.dropFirst("    - name: ".count))))
      } else if line.hasPrefix("      "), !steps.isEmpty {
        if let id = value(line, "id") { steps[steps.count - 1].id = id }
        if let uses = value(line, "uses") { steps[steps.count - 1].uses = uses }
        if line == "      env:" {
          while index + 1 < lines.count, lines[index + 1].hasPrefix("        ") {
            index += 1
            let pair = lines[index].trimmingCharacters(in: .whitespaces)
            let colon = try #require(pair.firstIndex(of: ":"))
            steps[steps.count - 1].env[String(pair[..<colon])] = String(pair[pair.index(after: colon)...])
              .trimmingCharacters(in: .whitespaces)
          }
        }
        if line == "      run: |" {
          var body: [String] = []
          while index + 1 < lines.count, lines[index + 1].hasPrefix("        ") || lines[index + 1].isEmpty {
            index += 1
            body.append(String(lines[index].dropFirst(min(8, lines[index].count))))
          }
          steps[steps.count - 1].run = body.joined(separator: "\n") + "\n"
        }
      }
      index += 1
    }
    return steps
  }

  /// `${{ inputs.NAME }}`, `${{ steps.ID.outputs.NAME }}` and `${{ github.action_path }}`
  /// replaced by their values; any other expression fails the test.
  static func substitute(_ text: String, _ values: [String: String]) throws -> String {
    var result = ""
    var rest = Substring(text)
    while let open = rest.range(of: "${{") {
      result += rest[..<open.lowerBound]
      let close = try #require(rest[open.upperBound...].range(of: "}}"))
      let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
      result += try #require(values[name], "no value for the expression '\(name)'")
      rest = rest[close.upperBound...]
    }
    return result + rest
  }

  /// Runs one step's `run:` block as the runner does; returns its status, output and the
  /// `GITHUB_OUTPUT` lines it wrote.
  static func run(
    _ step: Step, values: [String: String], in workspace: URL, actionPath: URL = package,
    path: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  ) throws -> (status: Int32, stdout: String, stderr: String, outputs: [String: String]) {
    let script = try substitute(try #require(step.run, "step '\(step.name)' has no run block"), values)
    // RUNNER_TEMP is below the workspace's temporary tree, removed with it.
    let runner = workspace.appendingPathComponent(".runner-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: runner, withIntermediateDirectories: true)
    let scriptFile = runner.appendingPathComponent("step.sh")
    try Data(script.utf8).write(to: scriptFile)
    let outputFile = runner.appendingPathComponent("output")
    try Data().write(to: outputFile)
    var environment = [
      "GITHUB_ACTION_PATH": actionPath.path, "GITHUB_OUTPUT": outputFile.path, "RUNNER_TEMP": runner.path,
      "GITHUB_STEP_SUMMARY": values["summary"] ?? runner.appendingPathComponent("summary.md").path, "PATH": path,
    ]
    for (key, value) in step.env { environment[key] = try substitute(value, values) }
    let result = CLI.execute(
      URL(fileURLWithPath: "/bin/bash"), ["--noprofile", "--norc", "-eo", "pipefail", scriptFile.path], cwd: workspace,
      environment: environment)
    var outputs: [String: String] = [:]
    for line in (try String(contentsOf: outputFile, encoding: .utf8)).split(separator: "\n") {
      if let equals = line.firstIndex(of: "=") {
        outputs[String(line[..<equals])] = String(line[line.index(after: equals)...])
      }
    }
    return (result.status, text(result.stdout), result.stderr, outputs)
  }

  static func step(_ name: String) throws -> Step {
    try #require(try steps().first { $0.name == name }, "no step '\(name)' in action.yml")
  }

  static func inputs(paths: String, args: String = "", format: String = "github", sarif: String = "false")
    -> [String: String]
  {
    [
      "inputs.paths": paths, "inputs.args": args, "inputs.format": format, "inputs.sarif": sarif,
      "steps.build.outputs.binary": CLI.binary.path,
    ]
  }

  @Test("every action the composite action uses is pinned by a full commit SHA")
  func subActionsArePinnedByCommit() throws {
    let uses = try Self.steps().compactMap(\.uses)
    #expect(uses.count == 3, "\(uses)")
    for reference in uses {
      let parts = reference.split(separator: "@", maxSplits: 1)
      let commit = parts.count == 2 ? String(parts[1].prefix { $0 != " " }) : ""
      #expect(commit.count == 40 && commit.allSatisfy(\.isHexDigit), "not pinned by commit: \(reference)")
      #expect(reference.contains(" # v"), "the tag of the pinned commit is named in a comment: \(reference)")
    }
    #expect(uses.contains { $0.hasPrefix("swift-actions/setup-swift@") }, "a step installs a toolchain")
  }

  @Test("paths are one per line: a folder with a space is one path, a file named like an option stays a path")
  func pathsAreALineSeparatedListAfterDoubleDash() throws {
    let files = [
      "policy fragments/auth.xml": Policies.injection("fragment-key"),
      "--ignore-rule=key-injection.xml": Policies.injection("option-key"),
      "apis/clean/policy.xml": Policies.clean,
    ]
    try withTemporaryTree(files) { root in
      let check = try Self.step("Check")
      let result = try Self.run(
        check, values: Self.inputs(paths: "policy fragments\n--ignore-rule=key-injection.xml\r\napis\n"), in: root)
      #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
      #expect(result.stdout.contains("::error file=policy fragments/auth.xml,line=5"), "\(result.stdout)")
      #expect(result.stdout.contains("::error file=--ignore-rule=key-injection.xml,line=5"), "\(result.stdout)")
      #expect(result.stdout.contains("policy-rewrite check: 3 files scanned, 2 findings in 2 files, 0 with errors"))

      // args are split at spaces, never expanded as globs; paths default to '.'.
      let ignored = try Self.run(
        check, values: Self.inputs(paths: "", args: "--ignore-rule key-outside-inbound\n*"), in: root)
      #expect(ignored.status == 2, "'*' is an argument as written, not the files of the folder: \(ignored.stdout)")
    }
  }

  @Test(
    "12,000 findings: the job summary stays under 1 MiB with counts per rule and a pointer to the artifact", .slow,
    .tags(.slow))
  func jobSummaryIsCapped() throws {
    let header = #"<set-header name="x-functions-key" exists-action="override"><value>{{key-%d}}</value></set-header>"#
    var files: [String: String] = [:]
    for file in 0..<2 {
      let body = (0..<6_000).map { header.replacingOccurrences(of: "%d", with: "\(file)-\($0)") }
      files["policy fragments/p\(file).xml"] =
        "<policies><inbound>\n" + body.joined(separator: "\n") + "\n</inbound></policies>\n"
    }
    try withTemporaryTree(files) { root in
      let summary = root.appendingPathComponent("summary.md")
      var values = Self.inputs(paths: "policy fragments")
      values["summary"] = summary.path
      let result = try Self.run(try Self.step("Check"), values: values, in: root)
      #expect(result.status == 1)
      #expect(result.stdout.contains("policy-rewrite check: 2 files scanned, 12000 findings in 2 files"))
      let markdown = try String(contentsOf: summary, encoding: .utf8)
      #expect(markdown.utf8.count <= 1 << 20, "\(markdown.utf8.count) bytes")
      #expect(markdown.contains("| key-injection | 12000 | 0 | 0 |"))
      #expect(markdown.contains("11000 more findings not listed here; see the SARIF or JSON artifact"))
    }
  }

  @Test("the SARIF step writes SARIF for paths with spaces and fails only on errors")
  func sarifStep() throws {
    try withTemporaryTree(["policy fragments/a.xml": Policies.injection()]) { root in
      let result = try Self.run(
        try Self.step("Write SARIF"), values: Self.inputs(paths: "policy fragments", sarif: "true"), in: root)
      #expect(result.status == 0, "findings are reported by the check step: \(result.stderr)")
      let file = try #require(result.outputs["file"])
      let sarif = try String(contentsOf: URL(fileURLWithPath: file), encoding: .utf8)
      #expect(
        sarif.contains("\"ruleId\" : \"key-injection\"") || sarif.contains("\"ruleId\":\"key-injection\""),
        "\(sarif.prefix(400))")
      let missing = try Self.run(
        try Self.step("Write SARIF"), values: Self.inputs(paths: "no such folder", sarif: "true"), in: root)
      #expect(missing.status != 0, "an error (exit 2) fails the step")
    }
  }

  @Test("the cache key is a hash of the action's sources, and a cached binary is used only when it matches")
  func cacheKeyAndRestoredBinary() throws {
    let action: [String: String] = [
      "Package.swift": "// swift-tools-version:6.0\n", "Sources/tool/main.swift": "print(1)\n",
    ]
    try withTemporaryTree(action) { actionPath in
      let hashStep = try Self.step("Hash the sources of the action")
      let first = try Self.run(hashStep, values: [:], in: actionPath, actionPath: actionPath)
      #expect(first.status == 0, "\(first.stderr)")
      let hash = try #require(first.outputs["hash"])
      #expect(hash.count == 64 && hash.allSatisfy(\.isHexDigit))
      try Data("print(2)\n".utf8).write(to: actionPath.appendingPathComponent("Sources/tool/main.swift"))
      let changed = try #require(
        try Self.run(hashStep, values: [:], in: actionPath, actionPath: actionPath).outputs["hash"])
      #expect(changed != hash, "a changed source gives a new key")

      // A stand-in for `swift build` that records each build.
      let tools = actionPath.appendingPathComponent("tools")
      try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
      let swift = tools.appendingPathComponent("swift")
      try Data(
        """
        #!/bin/bash
        echo build >> "$GITHUB_ACTION_PATH/builds.log"
        mkdir -p "$GITHUB_ACTION_PATH/.build/release"
        printf '#!/bin/sh\\necho built\\n' > "$GITHUB_ACTION_PATH/.build/release/policy-rewrite"
        chmod +x "$GITHUB_ACTION_PATH/.build/release/policy-rewrite"

        """.utf8
      ).write(to: swift)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: swift.path)
      let build = try Self.step("Build policy-rewrite (release)")
      let path = tools.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
      func buildCount() -> Int {
        ((try? String(contentsOf: actionPath.appendingPathComponent("builds.log"), encoding: .utf8)) ?? "")
          .split(separator: "\n").count
      }
      let values = ["steps.sources.outputs.hash": changed]
      let built = try Self.run(build, values: values, in: actionPath, actionPath: actionPath, path: path)
      #expect(built.status == 0, "\(built.stderr)")
      #expect(built.outputs["binary"] == actionPath.path + "/.policy-rewrite-bin/policy-rewrite")
      #expect(buildCount() == 1)
      let reused = try Self.run(build, values: values, in: actionPath, actionPath: actionPath, path: path)
      #expect(reused.stdout.contains("using the cached build"), "\(reused.stdout)")
      #expect(buildCount() == 1, "a restored binary of the same sources is not rebuilt")
      _ = try Self.run(
        build, values: ["steps.sources.outputs.hash": hash], in: actionPath, actionPath: actionPath, path: path)
      #expect(buildCount() == 2, "a binary of other sources is rebuilt")
      try Data("tampered".utf8).write(to: actionPath.appendingPathComponent(".policy-rewrite-bin/policy-rewrite"))
      _ = try Self.run(
        build, values: ["steps.sources.outputs.hash": hash], in: actionPath, actionPath: actionPath, path: path)
      #expect(buildCount() == 3, "a binary whose bytes changed is rebuilt")
    }
  }

  /// Whether the tests run in a clone with its whole history (not a shallow one, which lacks
  /// the commits the README may name).
  static var hasGit: Bool {
    guard FileManager.default.fileExists(atPath: package.appendingPathComponent(".git").path) else { return false }
    let shallow = CLI.tool("git", ["rev-parse", "--is-shallow-repository"], cwd: package)
    return shallow.status == 0 && String(decoding: shallow.stdout, as: UTF8.self).hasPrefix("false")
  }

  @Test(
    "the README's example pins a recent commit of this repository",
    .enabled(if: hasGit, "needs the repository's whole git history"))
  func readmeExampleCommitIsCurrent() throws {
    let readme = try String(contentsOf: Self.package.appendingPathComponent("README.md"), encoding: .utf8)
    let line = try #require(readme.split(separator: "\n").first { $0.contains("uses: your-org/policy-rewrite@") })
    let commit = String(line.split(separator: "@").last ?? "").trimmingCharacters(in: .whitespaces)
    #expect(commit.count == 40)
    let tags = CLI.tool("git", ["tag", "--sort=-creatordate"], cwd: Self.package)
    if let latest = text(tags.stdout).split(separator: "\n").first {
      let tagged = CLI.tool("git", ["rev-parse", "\(latest)^{commit}"], cwd: Self.package)
      #expect(
        text(tagged.stdout).trimmingCharacters(in: .whitespacesAndNewlines) == commit, "the latest tag is \(latest)")
      return
    }
    let ancestor = CLI.tool("git", ["merge-base", "--is-ancestor", commit, "HEAD"], cwd: Self.package)
    #expect(ancestor.status == 0, "\(commit) is not a commit of this history")
    let behind = CLI.tool("git", ["rev-list", "--count", "--first-parent", "\(commit)..HEAD"], cwd: Self.package)
    let count = Int(text(behind.stdout).trimmingCharacters(in: .whitespacesAndNewlines)) ?? .max
    #expect(count <= 40, "the README's example commit is \(count) commits old; name a recent one")
  }
}
