import Foundation
import Testing

/// End-to-end tests of `policy-rewrite check`, the CI guard, run as a subprocess.
@Suite("check command (end to end)")
struct CheckCommandTests {
  static let queryParameter = """
    <policies>
        <inbound>
            <base />
            <set-query-parameter name="code" exists-action="override">
                <value>{{query-func-key}}</value>
            </set-query-parameter>
        </inbound>
    </policies>

    """

  static let literalSecret = "Zm9vYmFyU3VwZXJTZWNyZXQ9PQ-literal=="

  static let literalKey = """
    <policies>
        <inbound>
            <base />
            <send-request mode="new" response-variable-name="r">
                <set-url>https://func.example/api/x</set-url>
                <set-header name="x-functions-key" exists-action="override">
                    <value>\(literalSecret)</value>
                </set-header>
            </send-request>
        </inbound>
    </policies>

    """

  static let deleteOnly = """
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key" exists-action="delete" />
            <authentication-managed-identity resource="api://orders" />
        </inbound>
    </policies>

    """

  static let fragment = """
    <fragment>
        <set-header name="X-FUNCTIONS-KEY" exists-action="override">
            <value>{{fragment-key}}</value>
        </set-header>
    </fragment>

    """

  @Test("exit 0 on a clean tree, with a summary and no finding")
  func clean() throws {
    let files = [
      "apis/status/policy.xml": Policies.clean,
      "apis/orders/policy.xml": Policies.migrated(),
      "apis/strip/policy.xml": Self.deleteOnly,
    ]
    try withTemporaryTree(files) { root in
      let result = run(["check", "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(findingLines(result.stderr).isEmpty, "stderr: \(result.stderr)")
      #expect(
        result.stderr.contains("policy-rewrite check: 3 files scanned, 0 findings in 0 files, 0 with errors"),
        "stderr: \(result.stderr)")
    }
  }

  @Test("exit 1 on a key injection, reported as PATH:LINE:COL: error: ... [key-injection]")
  func injection() throws {
    try withTemporaryTree(["apis/status/policy.xml": Policies.clean, "apis/orders/policy.xml": Policies.injection()]) {
      root in
      let before = CLI.snapshot(root)
      let result = run(["check", "apis"], cwd: root)
      #expect(result.status == 1, "stderr: \(result.stderr)")
      let lines = findingLines(result.stderr)
      #expect(lines.count == 1, "stderr: \(result.stderr)")
      #expect(lines.first?.hasPrefix("apis/orders/policy.xml:5:9: error: ") == true, "\(lines)")
      #expect(lines.first?.hasSuffix(" [key-injection]") == true, "\(lines)")
      expectSameTree(CLI.snapshot(root), before, "check changed a file")
      #expect(result.stdout.isEmpty, "text check printed on stdout: \(text(result.stdout))")
    }
  }

  @Test("exit 1 for every kind of finding: fragment, outbound, send-request, query parameter, literal key")
  func everyFinding() throws {
    let files = [
      "a/policy.xml": Policies.review(),
      "b/policy.xml": Self.queryParameter,
      "c/policy.xml": Self.literalKey,
      "d/policy.xml": Self.fragment,
    ]
    for (path, content) in files {
      try withTemporaryTree([path: content]) { root in
        let result = run(["check", path], cwd: root)
        #expect(result.status == 1, "\(path) was found clean: \(result.stderr)")
        #expect(findingLines(result.stderr).contains { $0.hasPrefix("\(path):") }, "\(path): \(result.stderr)")
      }
    }
    try withTemporaryTree(["b/policy.xml": Self.queryParameter, "c/policy.xml": Self.literalKey]) { root in
      let result = run(["check", "."], cwd: root)
      #expect(
        result.stderr.contains("b/policy.xml:4:9: warning:") && result.stderr.contains("[key-in-query-parameter]"),
        "stderr: \(result.stderr)")
      #expect(result.stderr.contains("[literal-key]"), "stderr: \(result.stderr)")
      for format in ["text", "json", "sarif", "github"] {
        let formatted = run(["check", "--format", format, "."], cwd: root)
        #expect(formatted.status == 1)
        #expect(
          !text(formatted.stdout).contains(Self.literalSecret) && !formatted.stderr.contains(Self.literalSecret),
          "\(format) prints the secret")
      }
    }
  }

  @Test("exit 2 on a parse error, which is never silently clean")
  func parseError() throws {
    try withTemporaryTree([
      "apis/broken/policy.xml": Policies.malformed, "apis/orders/policy.xml": Policies.injection(),
    ]) { root in
      let result = run(["check", "apis"], cwd: root)
      #expect(result.status == 2, "stderr: \(result.stderr)")
      #expect(
        findingLines(result.stderr).contains {
          $0.range(of: #"^apis/broken/policy\.xml:\d+:\d+: error: .*\[parse-error\]$"#, options: .regularExpression)
            != nil
        }, "stderr: \(result.stderr)")
      #expect(
        findingLines(result.stderr).contains { $0.hasPrefix("apis/orders/policy.xml:5:9: error:") },
        "other files must still be checked")
    }
    try withTemporaryTree(["dt.xml": Policies.doctype]) { root in
      #expect(run(["check", "dt.xml"], cwd: root).status == 2)
    }
  }

  @Test("--ignore-rule drops a rule's findings; an unknown rule is a usage error")
  func ignoreRule() throws {
    try withTemporaryTree(["p.xml": Policies.injection(), "q.xml": Self.queryParameter]) { root in
      let ignored = run(["check", "--ignore-rule", "key-injection", "p.xml"], cwd: root)
      #expect(ignored.status == 0, "stderr: \(ignored.stderr)")
      #expect(!ignored.stderr.contains("[key-injection]"))

      let other = run(["check", "--ignore-rule", "key-in-query-parameter", "p.xml", "q.xml"], cwd: root)
      #expect(other.status == 1)
      #expect(other.stderr.contains("[key-injection]"))
      #expect(!other.stderr.contains("[key-in-query-parameter]"))

      let both = run(
        ["check", "--ignore-rule", "key-in-query-parameter", "--ignore-rule", "key-injection", "p.xml", "q.xml"],
        cwd: root)
      #expect(both.status == 0, "stderr: \(both.stderr)")

      let unknown = run(["check", "--ignore-rule", "no-such-rule", "p.xml"], cwd: root)
      #expect(unknown.status == 2)
      #expect(unknown.stderr.contains("no-such-rule"))
      #expect(unknown.stderr.contains("Usage:"))
    }
  }

  @Test("--ignore-rule parse-error does not make an unparseable file clean")
  func ignoreRuleKeepsErrors() throws {
    try withTemporaryTree(["broken.xml": Policies.malformed]) { root in
      let result = run(["check", "--ignore-rule", "parse-error", "broken.xml"], cwd: root)
      #expect(
        result.status == 2, "an unparseable file passed the check: exit \(result.status), stderr: \(result.stderr)")
    }
  }

  @Test("check after migrate --write finds only review items")
  func checkAfterMigrate() throws {
    let files = [
      "apis/orders/policy.xml": Policies.injection(),
      "apis/notify/policy.xml": Policies.review(),
      "policy fragments/f/policy.xml": Self.fragment,
    ]
    try withTemporaryTree(files) { root in
      let migrated = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(migrated.status == 0, "stderr: \(migrated.stderr)")
      let result = run(["check", "."], cwd: root)
      #expect(result.status == 1)
      let lines = findingLines(result.stderr)
      #expect(lines.allSatisfy { $0.hasPrefix("apis/notify/policy.xml:") }, "\(lines)")
      #expect(!lines.isEmpty)
      let cleaned = run(["check", "apis/orders", "policy fragments"], cwd: root)
      #expect(cleaned.status == 0, "stderr: \(cleaned.stderr)")
    }
  }

  @Test("check reads standard input")
  func standardInput() throws {
    try withTemporaryTree([:]) { root in
      let dirty = run(["check", "-"], cwd: root, stdin: Data(Policies.injection().utf8))
      #expect(dirty.status == 1)
      #expect(dirty.stderr.contains("<stdin>:5:9: error:"), "stderr: \(dirty.stderr)")
      #expect(run(["check", "-"], cwd: root, stdin: Data(Policies.clean.utf8)).status == 0)
      #expect(run(["check", "-"], cwd: root, stdin: Data(Policies.malformed.utf8)).status == 2)
    }
  }

  @Test("a missing path is an error")
  func missingPath() throws {
    try withTemporaryTree(["p.xml": Policies.clean]) { root in
      let result = run(["check", "p.xml", "nope.xml"], cwd: root)
      #expect(result.status == 2)
      #expect(result.stderr.contains("nope.xml"))
    }
  }
}
