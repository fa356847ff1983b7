import Foundation
import PolicyRewriteCLI
import Testing

/// Staged rollouts as a platform team scripts them: strict maps re-run and run per domain,
/// globs typed from the current folder, the configuration file, and the small things a user
/// notices on the way, through the built binary.
@Suite struct RolloutTests {
  /// Two domains, each with one key injection.
  static let domains: [String: String] = [
    "src/domains/cgn/apis/orders/policy.xml": Policies.injection("orders-func-key"),
    "src/domains/pay/apis/payments/policy.xml": Policies.injection("payments-func-key"),
  ]

  static let fullMap = #"{"byNamedValue": {"orders-func-key": "api://orders", "payments-func-key": "api://payments"}}"#

  @Test("--strict-map --write run twice exits 0 both times; unused entries are warnings")
  func strictMapRunsTwice() throws {
    var files = Self.domains
    files["map.json"] = Self.fullMap
    try withTemporaryTree(files) { root in
      let command = ["migrate", "--resource-map", "map.json", "--strict-map", "--write", "src"]
      let first = run(command, cwd: root)
      #expect(first.status == 0, "\(first.stderr)")
      expectFile(root, "src/domains/cgn/apis/orders/policy.xml", Policies.migrated("api://orders"))
      let second = run(command, cwd: root)
      #expect(second.status == 0, "the same command after a successful run: \(second.stderr)")
      #expect(second.stderr.contains("warning: byNamedValue entry 'orders-func-key' matches no key injection"))
      #expect(!second.stderr.contains("needs review: map.json"), "the map is not a file to review")
    }
  }

  @Test("one domain migrated with the full map under --strict-map exits 0")
  func oneDomainWithTheFullMap() throws {
    var files = Self.domains
    files["map.json"] = Self.fullMap
    try withTemporaryTree(files) { root in
      let result = run(
        ["migrate", "--resource-map", "map.json", "--strict-map", "--write", "src/domains/cgn"], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      expectFile(root, "src/domains/cgn/apis/orders/policy.xml", Policies.migrated("api://orders"))
      expectFile(root, "src/domains/pay/apis/payments/policy.xml", Policies.injection("payments-func-key"))
    }
  }

  @Test("an unresolved injection or a typo'd entry under --strict-map: exit 2 and nothing written")
  func strictFailureWritesNothing() throws {
    let maps = [
      // payments has no entry (and no default may stand in for it).
      #"{"default": "api://fallback", "byNamedValue": {"orders-func-key": "api://orders"}}"#,
      // A typo of the unresolved named value.
      #"{"byNamedValue": {"orders-func-key": "api://orders", "payments-func-kye": "api://payments"}}"#,
    ]
    for map in maps {
      var files = Self.domains
      files["map.json"] = map
      try withTemporaryTree(files) { root in
        let before = CLI.snapshot(root)
        for output in [["--write"], ["--output-dir", "out"]] {
          let result = run(["migrate", "--resource-map", "map.json", "--strict-map"] + output + ["src"], cwd: root)
          #expect(result.status == 2, "\(result.stderr)")
          #expect(result.stderr.contains("--strict-map: "), "\(result.stderr)")
          #expect(result.stderr.contains("not resolved; nothing was written"), "\(result.stderr)")
          #expect(!result.stderr.contains("rewrote:") && !result.stderr.contains("wrote:"), "\(result.stderr)")
          #expect(CLI.snapshot(root) == before, "nothing was written with \(output)")
        }
        // The JSON report lists each path once, the map with its findings and the closing error.
        let json = run(
          ["migrate", "--format", "json", "--resource-map", "map.json", "--strict-map", "--write", "src"], cwd: root)
        #expect(json.status == 2, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        let paths = (document["files"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(Set(paths).count == paths.count, "\(paths)")
        let findings = document["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { ($0["message"] as? String ?? "").hasSuffix("nothing was written") }, "\(findings)")
        #expect(CLI.snapshot(root) == before)
      }
    }
  }

  @Test("--exclude and --include globs are typed from the current folder; globs below the argument still work")
  func globsFromTheCurrentFolder() throws {
    let files = [
      "samples/apis/a/policy.xml": Policies.injection("a-key"),
      "samples/other/b/policy.xml": Policies.injection("b-key"),
      "samples/snippets/c.policy": Policies.injection("c-key"),
    ]
    try withTemporaryTree(files) { root in
      func scanned(_ arguments: [String], cwd: URL) -> [String] {
        let result = run(["check"] + arguments, cwd: cwd)
        return findingLines(result.stderr).compactMap { $0.split(separator: ":").first.map(String.init) }
      }
      #expect(scanned(["--exclude", "samples/apis/**", "samples"], cwd: root) == ["samples/other/b/policy.xml"])
      #expect(scanned(["--exclude", "apis/**", "samples"], cwd: root) == ["samples/other/b/policy.xml"])
      #expect(scanned(["--exclude", "/samples/other/**", "samples"], cwd: root) == ["samples/apis/a/policy.xml"])
      #expect(
        scanned(["--include", "samples/snippets/*.policy", "samples"], cwd: root) == [
          "samples/apis/a/policy.xml", "samples/other/b/policy.xml", "samples/snippets/c.policy",
        ])
      // From a subfolder, globs are still as typed there.
      let samples = root.appendingPathComponent("samples")
      #expect(scanned(["--exclude", "apis/a/**", "."], cwd: samples) == ["other/b/policy.xml"])
    }
  }

  @Test("check with no path checks the current folder")
  func checkDefaultsToTheCurrentFolder() throws {
    try withTemporaryTree(["apis/a/policy.xml": Policies.injection()]) { root in
      let result = run(["check"], cwd: root)
      #expect(result.status == 1, "\(result.stderr)")
      #expect(result.stderr.contains("apis/a/policy.xml:5:9: error:"), "\(result.stderr)")
      let plan = run(["plan"], cwd: root)
      #expect(plan.status == 0, "\(plan.stderr)")
      let migrate = run(["migrate", "--resource", CLI.resource], cwd: root)
      #expect(migrate.status == 2, "migrate still needs its paths: \(migrate.stderr)")
    }
  }

  @Test(".policy-rewrite.json: found in a parent folder, paths from its folder, overridden by the command line")
  func configurationFile() throws {
    var files = Self.domains
    files["src/domains/cgn/apis/legacy/policy.xml"] = Policies.injection("legacy-func-key")
    files["map.json"] = Self.fullMap
    files[".policy-rewrite.json"] = """
      {
        "exclude": ["src/domains/cgn/apis/legacy/**"],
        "resource-map": "map.json",
        "strict-map": true,
        "ignore-rule": ["key-outside-inbound"]
      }
      """
    try withTemporaryTree(files) { root in
      let cgn = root.appendingPathComponent("src/domains/cgn")
      // The map and the exclusion of the configuration apply from a subfolder; strict holds.
      let migrated = run(["migrate", "--format", "json", "--write", "."], cwd: cgn)
      #expect(migrated.status == 0, "\(migrated.stderr)")
      expectFile(root, "src/domains/cgn/apis/orders/policy.xml", Policies.migrated("api://orders"))
      expectFile(root, "src/domains/cgn/apis/legacy/policy.xml", Policies.injection("legacy-func-key"))
      // A command-line --exclude replaces the configuration's list: legacy is now in the run,
      // and unresolved under the configuration's strict map.
      let strict = run(["migrate", "--exclude", "nothing", "--write", "."], cwd: cgn)
      #expect(strict.status == 2, "\(strict.stderr)")
      #expect(strict.stderr.contains("'legacy-func-key'"), "\(strict.stderr)")
      expectFile(root, "src/domains/cgn/apis/legacy/policy.xml", Policies.injection("legacy-func-key"))
      // --no-strict-map and --resource turn the configuration's strictness and map off for one run.
      let loose = run(["migrate", "--no-strict-map", "--exclude", "nothing", "."], cwd: cgn)
      #expect(loose.status == 2, "without strictness legacy has no resource: \(loose.stderr)")
      #expect(!loose.stderr.contains("nothing was written"), "\(loose.stderr)")
    }
  }

  @Test(".policy-rewrite.json: an unknown key or a bad value is an error at its line and column")
  func configurationErrors() throws {
    let cases: [(String, String)] = [
      ("{\n  \"exclude\": [],\n  \"ignroe-rule\": []\n}", ".policy-rewrite.json:3:3: error: unknown key 'ignroe-rule'"),
      ("{\"strict-map\": \"yes\"}", ".policy-rewrite.json:1:2: error: 'strict-map' must be true or false"),
      ("{\"ignore-rule\": [\"key-injektion\"]}", "error: unknown rule 'key-injektion' in 'ignore-rule'; did you mean"),
      ("{\"exclude\": [", ".policy-rewrite.json:1:14: error: the configuration is not valid JSON"),
    ]
    for (configuration, expected) in cases {
      try withTemporaryTree(["apis/a/policy.xml": Policies.clean, ".policy-rewrite.json": configuration]) { root in
        let result = run(["check"], cwd: root)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(!result.stderr.contains("USAGE"), "not a usage error")
      }
    }
  }

  @Test("the README's .policy-rewrite.json example is read by check as it stands")
  func readmeConfigurationExample() throws {
    let example = try #require(
      try ReadmeTests.blocks().first { $0.language == "json" && $0.body.contains("strict-map") })
    let files = [
      ".policy-rewrite.json": example.body,
      "policy-rewrite.baseline.json": #"{"version": 2, "tool": "policy-rewrite", "findings": []}"#,
      "samples/apis/a/policy.xml": Policies.injection(), "apis/b/policy.xml": Policies.clean,
    ]
    try withTemporaryTree(files) { root in
      let result = run(["check"], cwd: root)
      #expect(result.status == 0, "samples/** is excluded: \(result.stderr)")
      #expect(result.stderr.contains("policy-rewrite check: 1 file scanned, 0 findings"), "\(result.stderr)")
    }
  }

  @Test("the configuration's JSON Schema names exactly the keys the tool reads, and no others")
  func configurationSchemaMatchesTheKeys() throws {
    let url = ActionTests.package.appendingPathComponent("docs/schema/policy-rewrite-config.schema.json")
    let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let properties = try #require(schema["properties"] as? [String: Any])
    #expect(Set(properties.keys) == Set(ProjectConfiguration.keys))
    #expect(schema["additionalProperties"] as? Bool == false)
  }

  @Test("--output-dir inside the scanned folder is not scanned on the next run")
  func outputFolderIsSkipped() throws {
    try withTemporaryTree(["apis/a/policy.xml": Policies.injection(), "apis/b/policy.xml": Policies.clean]) { root in
      for _ in 0..<2 {
        let result = run(["migrate", "--resource", CLI.resource, "--output-dir", "out", "."], cwd: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("policy-rewrite migrate: 2 files scanned, 1 written to out"), "\(result.stderr)")
      }
      #expect(CLI.read(root, "out/out/apis/a/policy.xml") == nil)
    }
  }

  @Test("--resource-map <(echo …) reads the map through /dev/fd")
  func resourceMapFromProcessSubstitution() throws {
    try withTemporaryTree(["apis/a/policy.xml": Policies.injection()]) { root in
      let script = #"exec "$0" migrate --resource-map <(echo '{"default": "api://piped"}') --write apis"#
      let result = CLI.execute(URL(fileURLWithPath: "/bin/bash"), ["-c", script, CLI.binary.path], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      expectFile(root, "apis/a/policy.xml", Policies.migrated("api://piped"))
    }
  }

  @Test("check --write-baseline says how many entries it wrote, and where")
  func writeBaselineSaysWhatItWrote() throws {
    try withTemporaryTree(["apis/a/policy.xml": Policies.injection(), "apis/b/policy.xml": Policies.review()]) { root in
      let result = run(["check", "--write-baseline", "baseline.json", "apis"], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stderr.hasSuffix("policy-rewrite check: wrote 2 entries to baseline.json\n"), "\(result.stderr)")
    }
  }

  @Test("a suppression with a typo'd rule gets 'did you mean'; one written without spaces is accepted")
  func suppressionSpellings() throws {
    func policy(_ comment: String) -> String {
      Policies.injection().replacingOccurrences(
        of: "        <set-header name=\"x-functions-key\"",
        with: "        \(comment)\n        <set-header name=\"x-functions-key\"")
    }
    let files = [
      "typo/policy.xml": policy("<!-- policy-rewrite: ignore key-injektion (moved next quarter) -->"),
      "tight/policy.xml": policy("<!--policy-rewrite:ignore key-injection(moved next quarter)-->"),
    ]
    try withTemporaryTree(files) { root in
      let typo = run(["check", "typo"], cwd: root)
      #expect(
        typo.stderr.contains("unknown rule 'key-injektion' in a suppression; did you mean 'key-injection'?"),
        "\(typo.stderr)")
      let tight = run(["check", "--format", "json", "tight"], cwd: root)
      #expect(tight.stderr.contains("1 suppressed"), "\(tight.stderr)")
      #expect(tight.status == 0, "\(tight.stderr)")
    }
  }

  @Test("migrate does not list a folder without policies as 'needs review'")
  func folderIsNotNeedingReview() throws {
    try withTemporaryTree(["apis/a/policy.xml": Policies.injection(), "empty/readme.txt": "x"]) { root in
      let result = run(["migrate", "--resource", CLI.resource, "apis", "empty"], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stderr.contains("warning: no policy files under empty"), "\(result.stderr)")
      #expect(!result.stderr.contains("needs review: empty"), "\(result.stderr)")
      #expect(result.stderr.contains(", 0 needing review,"), "\(result.stderr)")
    }
  }

  @Test("plan --format json does not count a key with no resource as rewritten")
  func planDoesNotCountUnresolvedAsRewritten() throws {
    try withTemporaryTree(["apis/a/policy.xml": Policies.injection()]) { root in
      let result = run(["plan", "--format", "json", "apis"], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
      let key = try #require((document["keys"] as? [[String: Any]])?.first)
      #expect(key["rewritten"] as? Int == 0, "\(key)")
      #expect(key["unresolved"] as? Int == 1, "\(key)")
      #expect(key["blocked"] as? Int == 0, "\(key)")
    }
  }
}
