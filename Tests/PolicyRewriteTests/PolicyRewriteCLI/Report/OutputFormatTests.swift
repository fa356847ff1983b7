import Foundation
import Testing

/// End-to-end tests of `--format text|json|sarif|github` and `--color`.
@Suite("output formats (end to end)")
struct OutputFormatTests {
  static let choose = """
    <policies>
        <inbound>
            <base />
            <choose>
                <when condition="@(context.Request.Headers.GetValueOrDefault(&quot;x-region&quot;, &quot;eu&quot;) == &quot;us&quot;)">
                    <set-header name="x-functions-key" exists-action="override">
                        <value>{{us-func-key}}</value>
                    </set-header>
                </when>
            </choose>
        </inbound>
    </policies>

    """

  static let files = [
    "apis/my api/policy.xml": Policies.injection("orders-func-key"),
    "apis/choose/policy.xml": OutputFormatTests.choose,
    "apis/notify/policy.xml": Policies.review(),
    "apis/status/policy.xml": Policies.clean,
  ]

  private func json(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: data)
    return try #require(object as? [String: Any], "not a JSON object: \(text(data))", sourceLocation: sourceLocation)
  }

  @Test("--format json: one document with every finding and the summary")
  func jsonCheck() throws {
    try withTemporaryTree(Self.files) { root in
      let result = run(["check", "--format", "json", "apis"], cwd: root)
      #expect(result.status == 1)
      let document = try json(result.stdout)
      let findings = try #require(document["findings"] as? [[String: Any]])
      #expect(findings.count == 3, "\(findings)")
      for finding in findings {
        #expect(finding["path"] is String)
        #expect(finding["line"] is Int)
        #expect(finding["column"] is Int)
        #expect(finding["rule"] is String)
        #expect(["error", "warning", "note"].contains(finding["severity"] as? String ?? ""))
        let message = (finding["message"] as? String) ?? ""
        #expect(message.count > 0)
        #expect(finding["section"] is String)
      }
      let paths = findings.compactMap { $0["path"] as? String }
      #expect(
        paths == paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) },
        "not in path order: \(paths)")
      let orders = try #require(findings.first { $0["path"] as? String == "apis/my api/policy.xml" })
      #expect(orders["line"] as? Int == 5)
      #expect(orders["column"] as? Int == 9)
      #expect(orders["rule"] as? String == "key-injection")
      #expect(orders["severity"] as? String == "error")
      #expect(orders["section"] as? String == "inbound")
      let chosen = try #require(findings.first { $0["path"] as? String == "apis/choose/policy.xml" })
      #expect(chosen["section"] as? String == "inbound/choose/when")
      #expect(chosen["line"] as? Int == 6)
      let notify = try #require(findings.first { $0["path"] as? String == "apis/notify/policy.xml" })
      #expect(notify["section"] as? String == "outbound")
      #expect(notify["severity"] as? String == "warning")
      let summary = try #require(document["summary"] as? [String: Any])
      #expect(summary["scanned"] as? Int == 4)
      #expect(summary["findings"] as? Int == 3)
      #expect(summary["errors"] as? Int == 0)
    }
  }

  @Test("--format json for migrate: no diff on standard output unless --diff, clean-up lists in the summary")
  func jsonMigrate() throws {
    try withTemporaryTree(Self.files) { root in
      let result = run(["migrate", "--format", "json", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let document = try json(result.stdout)
      let summary = try #require(document["summary"] as? [String: Any])
      #expect(summary["scanned"] as? Int == 4)
      #expect(summary["changed"] as? Int == 2)
      #expect(summary["needingReview"] as? Int == 1)
      #expect(summary["errors"] as? Int == 0)
      #expect(Set(summary["namedValuesToCleanUp"] as? [String] ?? []) == ["orders-func-key", "us-func-key"])
      #expect(summary["namedValuesStillReferenced"] is [String: Any])
      let findings = try #require(document["findings"] as? [[String: Any]])
      #expect(
        findings.contains {
          $0["rule"] as? String == "key-outside-inbound" && $0["path"] as? String == "apis/notify/policy.xml"
        })
      #expect(!text(result.stdout).contains("--- a/"))
      expectFile(root, "apis/my api/policy.xml", Policies.injection())

      let withDiff = run(["migrate", "--format", "json", "--diff", "--resource", CLI.resource, "apis"], cwd: root)
      let diffDocument = try json(withDiff.stdout)
      let files = try #require(diffDocument["files"] as? [[String: Any]])
      let changed = files.filter { $0["changed"] as? Bool == true }
      #expect(
        Set(changed.compactMap { $0["path"] as? String }) == ["apis/my api/policy.xml", "apis/choose/policy.xml"])
      #expect(changed.allSatisfy { ($0["diff"] as? String)?.hasPrefix("--- a/") == true }, "\(changed)")
    }
  }

  @Test("--format sarif: SARIF 2.1.0 with the structure code scanning requires")
  func sarif() throws {
    try withTemporaryTree(Self.files) { root in
      let result = run(["check", "--format", "sarif", "apis"], cwd: root)
      #expect(result.status == 1)
      let log = try json(result.stdout)
      #expect(log["version"] as? String == "2.1.0")
      #expect((log["$schema"] as? String)?.contains("sarif") == true)
      let runs = try #require(log["runs"] as? [[String: Any]])
      #expect(runs.count == 1)
      let run0 = try #require(runs.first)
      let driver = try #require((run0["tool"] as? [String: Any])?["driver"] as? [String: Any])
      #expect(driver["name"] as? String == "policy-rewrite")
      let version = (driver["version"] as? String) ?? ""
      #expect(version.count > 0)
      let rules = try #require(driver["rules"] as? [[String: Any]])
      #expect(!rules.isEmpty)
      var ruleIDs: [String] = []
      for rule in rules {
        let id = try #require(rule["id"] as? String)
        ruleIDs.append(id)
        let description = ((rule["shortDescription"] as? [String: Any])?["text"] as? String) ?? ""
        #expect(description.count > 0, "rule \(id) has no shortDescription.text")
      }
      #expect(Set(ruleIDs).count == ruleIDs.count, "duplicate rule ids")
      let results = try #require(run0["results"] as? [[String: Any]])
      #expect(results.count == 3)
      for item in results {
        let ruleID = try #require(item["ruleId"] as? String)
        #expect(ruleIDs.contains(ruleID))
        if let index = item["ruleIndex"] as? Int {
          #expect(index >= 0 && index < rules.count && ruleIDs[index] == ruleID)
        }
        #expect(["error", "warning", "note", "none"].contains(item["level"] as? String ?? ""))
        let message = ((item["message"] as? [String: Any])?["text"] as? String) ?? ""
        #expect(message.count > 0, "result without message.text")
        let locations = try #require(item["locations"] as? [[String: Any]])
        let physical = try #require(locations.first?["physicalLocation"] as? [String: Any])
        let uri = try #require((physical["artifactLocation"] as? [String: Any])?["uri"] as? String)
        #expect(!uri.hasPrefix("/") && !uri.hasPrefix("./") && !uri.contains("://"), "not relative: \(uri)")
        #expect(!uri.contains(" "), "unencoded space: \(uri)")
        let startLine = try #require((physical["region"] as? [String: Any])?["startLine"] as? Int)
        #expect(startLine >= 1)
      }
      let spaced = results.first {
        let locations = $0["locations"] as? [[String: Any]]
        let physical = locations?.first?["physicalLocation"] as? [String: Any]
        return (physical?["artifactLocation"] as? [String: Any])?["uri"] as? String == "apis/my%20api/policy.xml"
      }
      let found = try #require(spaced, "no result with uri apis/my%20api/policy.xml")
      let region =
        ((found["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"]
        as? [String: Any]
      #expect(region?["startLine"] as? Int == 5)
      #expect(found["level"] as? String == "error")
    }
  }

  @Test("SARIF locations are relative to the repository even for ./ paths")
  func sarifDotSlash() throws {
    try withTemporaryTree(["apis/orders/policy.xml": Policies.injection()]) { root in
      let result = run(["check", "--format", "sarif", "./apis"], cwd: root)
      let log = try json(result.stdout)
      let results = ((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
      let uri = ((results.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        .flatMap { ($0["artifactLocation"] as? [String: Any])?["uri"] as? String }
      #expect(uri == "apis/orders/policy.xml")
    }
  }

  @Test("--format github: escaped workflow commands and a summary line")
  func github() throws {
    // A file name with a comma, a colon, a percent sign and a newline (all legal on Linux).
    let oddName = "we,ird:na%me\n.xml"
    let files = ["apis/\(oddName)": Policies.injection(), "apis/notify/policy.xml": Policies.review()]
    try withTemporaryTree(files) { root in
      let result = run(["check", "--format", "github", "apis"], cwd: root)
      #expect(result.status == 1)
      let lines = text(result.stdout).split(separator: "\n").map(String.init)
      let commands = lines.filter { $0.hasPrefix("::") }
      #expect(commands.count == 2, "stdout: \(text(result.stdout))")
      let error = commands.first { $0.hasPrefix("::error ") } ?? ""
      #expect(
        error.hasPrefix(
          "::error file=apis/we%2Cird%3Ana%25me%0A.xml,line=5,col=9,title=policy-rewrite key-injection::"),
        "\(commands)")
      #expect(error.count > error.components(separatedBy: "key-injection::").first!.count + 15, "no message: \(error)")
      #expect(
        commands.contains { $0.hasPrefix("::warning file=apis/notify/policy.xml,line=7,col=9,title=") }, "\(commands)")
      for command in commands {
        let afterType = command.drop(while: { $0 != " " }).dropFirst()
        let properties = try #require(afterType.components(separatedBy: "::").first)
        #expect(!properties.contains(":"), "unescaped ':' in \(properties)")
        let pairs = properties.split(separator: ",")
        #expect(
          pairs.map { $0.split(separator: "=").first.map(String.init) ?? "" } == ["file", "line", "col", "title"],
          "\(properties)")
        #expect(!command.contains("\r"))
      }
      #expect(
        lines.contains { $0.hasPrefix("policy-rewrite check:") && !$0.hasPrefix("::") }, "no summary line: \(lines)")
    }
  }

  @Test("--format github escapes '%' in the message")
  func githubMessageEscaping() throws {
    let policy = """
      <policies>
          <inbound>
              <base />
              <set-header name="x%key" exists-action="override">
                  <value>{{pct-key}}</value>
              </set-header>
          </inbound>
      </policies>

      """
    try withTemporaryTree(["p.xml": policy]) { root in
      let result = run(["check", "--header", "x%key", "--format", "github", "p.xml"], cwd: root)
      #expect(result.status == 1)
      let command = try #require(text(result.stdout).split(separator: "\n").first { $0.hasPrefix("::error ") })
      #expect(command.contains("x%25key"), "\(command)")
      #expect(!command.contains("x%key"), "\(command)")
    }
  }

  @Test("migrate --format github keeps the diff off standard output unless --diff")
  func githubMigrate() throws {
    try withTemporaryTree(["p.xml": Policies.injection()]) { root in
      let result = run(["migrate", "--format", "github", "--resource", CLI.resource, "p.xml"], cwd: root)
      #expect(result.status == 0)
      #expect(!text(result.stdout).contains("--- a/p.xml"))
      #expect(text(result.stdout).contains("policy-rewrite migrate:"))
      let withDiff = run(["migrate", "--format", "github", "--diff", "--resource", CLI.resource, "p.xml"], cwd: root)
      #expect(text(withDiff.stdout).contains("--- a/p.xml\n+++ b/p.xml\n"))
    }
  }

  @Test("--color always adds ANSI escapes; --color never and a non-terminal add none")
  func color() throws {
    try withTemporaryTree(["p.xml": Policies.injection(), "n.xml": Policies.review()]) { root in
      let always = run(["check", "--color", "always", "."], cwd: root)
      #expect(always.status == 1)
      #expect(always.stderr.contains("\u{1B}["), "no escape: \(always.stderr)")
      let never = run(["check", "--color", "never", "."], cwd: root)
      #expect(never.status == 1)
      #expect(!never.stderr.contains("\u{1B}"))
      #expect(never.stderr.contains("p.xml:5:9: error: "))
      let auto = run(["check", "."], cwd: root)
      #expect(!auto.stderr.contains("\u{1B}"))
      let migrateNever = run(["migrate", "--color", "never", "--resource", CLI.resource, "."], cwd: root)
      #expect(!migrateNever.stderr.contains("\u{1B}") && !text(migrateNever.stdout).contains("\u{1B}"))
      let migrateAlways = run(["migrate", "--color", "always", "--resource", CLI.resource, "."], cwd: root)
      #expect(migrateAlways.stderr.contains("\u{1B}["))
      // As `git diff --color=always`: the diff is coloured too (and no longer for git apply).
      #expect(text(migrateAlways.stdout).contains("\u{1B}[32m+"))
      let migrateAuto = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      #expect(!text(migrateAuto.stdout).contains("\u{1B}"), "not a terminal: no colour, so git apply works")
      let bogus = run(["check", "--color", "sometimes", "."], cwd: root)
      #expect(bogus.status == 2)
    }
  }

  @Test("an unknown format is a usage error with exit 2")
  func unknownFormat() throws {
    try withTemporaryTree(["p.xml": Policies.clean]) { root in
      let result = run(["check", "--format", "xml", "p.xml"], cwd: root)
      #expect(result.status == 2)
      #expect(result.stderr.contains("Usage:"))
    }
  }
}
