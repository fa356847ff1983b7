import Foundation
import Testing

/// End-to-end tests of how folders are walked: selection, filters, skipped folders, links,
/// non-policy XML and deterministic ordering.
@Suite("tree walking (end to end)")
struct TreeWalkTests {
  /// The paths of the findings of `check --format json ARGS` (sorted as printed).
  private func checkedPaths(_ arguments: [String], cwd: URL, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> [String]
  {
    let result = run(["check", "--format", "json"] + arguments, cwd: cwd)
    #expect(result.status != 2, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    let object = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]
    let findings = try #require(
      object?["findings"] as? [[String: Any]], "stdout: \(text(result.stdout))", sourceLocation: sourceLocation)
    return findings.compactMap { $0["path"] as? String }
  }

  @Test("the default selection: *.xml, *.xml.tpl, *.xml.tftpl, *.tftpl")
  func defaultSelection() throws {
    let files = [
      "a.xml": Policies.injection(),
      "b.xml.tpl": Policies.injection(),
      "c.xml.tftpl": Policies.injection(),
      "d.tftpl": Policies.injection(),
      "e.txt": Policies.injection(),
      "f.json": Policies.injection(),
      "g.xml.bak": Policies.injection(),
      "deep/er/h.xml": Policies.injection(),
    ]
    try withTemporaryTree(files) { root in
      let paths = try checkedPaths(["."], cwd: root)
      #expect(paths == ["a.xml", "b.xml.tpl", "c.xml.tftpl", "d.tftpl", "deep/er/h.xml"])
      let migrated = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(migrated.status == 0)
      expectFile(root, "d.tftpl", Policies.migrated())
      expectFile(root, "e.txt", Policies.injection())
      expectFile(root, "g.xml.bak", Policies.injection())
    }
  }

  @Test("--include adds files; --exclude removes files and folders")
  func includeExclude() throws {
    let files = [
      "apis/orders/policy.xml": Policies.injection(),
      "apis/legacy/policy.xml": Policies.injection(),
      "apis/legacy/old/policy.xml": Policies.injection(),
      "apis/legacy-v2/policy.xml": Policies.injection(),
      "apis/notes/policy.txt": Policies.injection(),
    ]
    try withTemporaryTree(files) { root in
      let all = try checkedPaths(["."], cwd: root)
      #expect(
        all == [
          "apis/legacy-v2/policy.xml", "apis/legacy/old/policy.xml", "apis/legacy/policy.xml", "apis/orders/policy.xml",
        ])
      let included = try checkedPaths(["--include", "**/*.txt", "."], cwd: root)
      #expect(
        included == [
          "apis/legacy-v2/policy.xml", "apis/legacy/old/policy.xml", "apis/legacy/policy.xml", "apis/notes/policy.txt",
          "apis/orders/policy.xml",
        ])
      let excluded = try checkedPaths(["--exclude", "apis/legacy/**", "."], cwd: root)
      #expect(excluded == ["apis/legacy-v2/policy.xml", "apis/orders/policy.xml"])
      let combined = try checkedPaths(
        ["--exclude", "apis/legacy/**", "--exclude", "apis/orders/**", "--include", "**/*.txt", "."], cwd: root)
      #expect(combined == ["apis/legacy-v2/policy.xml", "apis/notes/policy.txt"])
      let written = run(
        ["migrate", "--write", "--resource", CLI.resource, "--exclude", "apis/legacy/**", "."], cwd: root)
      #expect(written.status == 0)
      expectFile(root, "apis/legacy/policy.xml", Policies.injection())
      expectFile(root, "apis/legacy/old/policy.xml", Policies.injection())
      expectFile(root, "apis/orders/policy.xml", Policies.migrated())
    }
  }

  @Test(".git, node_modules, .terraform and .build are skipped")
  func skippedFolders() throws {
    let files = [
      "apis/orders/policy.xml": Policies.injection(),
      ".git/policy.xml": Policies.injection(),
      "node_modules/pkg/policy.xml": Policies.injection(),
      "apis/node_modules/policy.xml": Policies.injection(),
      ".terraform/modules/apim/policy.xml": Policies.injection(),
      ".build/checkouts/policy.xml": Policies.injection(),
      "apis/.build/policy.xml": Policies.injection(),
    ]
    try withTemporaryTree(files) { root in
      let found = try checkedPaths(["."], cwd: root)
      #expect(found == ["apis/orders/policy.xml"])
      let before = CLI.snapshot(root)
      #expect(run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root).status == 0)
      let after = CLI.snapshot(root)
      for (path, content) in before where path != "apis/orders/policy.xml" {
        #expect(after[path] == content, "\(path) was rewritten")
      }
      expectFile(root, ".git/policy.xml", Policies.injection())
    }
  }

  @Test("symbolic links inside a tree are not followed")
  func linksInsideTree() throws {
    let files = [
      "repo/apis/orders/policy.xml": Policies.injection(), "outside/apis/policy.xml": Policies.injection("outside-key"),
    ]
    try withTemporaryTree(files) { root in
      let manager = FileManager.default
      let repo = root.appendingPathComponent("repo")
      try manager.createSymbolicLink(
        atPath: repo.appendingPathComponent("apis/linked-folder").path, withDestinationPath: "../../outside/apis")
      try manager.createSymbolicLink(
        atPath: repo.appendingPathComponent("apis/linked.xml").path,
        withDestinationPath: "../../outside/apis/policy.xml")
      let found = try checkedPaths(["."], cwd: repo)
      #expect(found == ["apis/orders/policy.xml"])
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: repo)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "outside/apis/policy.xml", Policies.injection("outside-key"), "written through a link")
      let target = try manager.destinationOfSymbolicLink(atPath: repo.appendingPathComponent("apis/linked.xml").path)
      #expect(target == "../../outside/apis/policy.xml")
      expectFile(repo, "apis/orders/policy.xml", Policies.migrated())
    }
  }

  @Test("a symbolic link given on the command line is refused (exit 2), never followed")
  func linkOnCommandLine() throws {
    try withTemporaryTree(["real/policy.xml": Policies.injection(), "other.xml": Policies.clean]) { root in
      let manager = FileManager.default
      try manager.createSymbolicLink(
        atPath: root.appendingPathComponent("link.xml").path, withDestinationPath: "real/policy.xml")
      try manager.createSymbolicLink(atPath: root.appendingPathComponent("linkdir").path, withDestinationPath: "real")
      let checked = run(["check", "link.xml", "linkdir", "other.xml"], cwd: root)
      // A check that skipped the folder it was asked to check must not pass.
      #expect(checked.status == 2, "a named link was followed or passed silently: \(checked.stderr)")
      #expect(
        checked.stderr.contains("link.xml") && checked.stderr.contains("linkdir"), "not reported: \(checked.stderr)")
      #expect(checked.stderr.localizedCaseInsensitiveContains("link"))
      let migrated = run(["migrate", "--write", "--resource", CLI.resource, "link.xml", "linkdir"], cwd: root)
      #expect(migrated.status == 2, "stderr: \(migrated.stderr)")
      #expect(migrated.stderr.contains("link.xml"))
      expectFile(root, "real/policy.xml", Policies.injection(), "written through a link")
      let target = try manager.destinationOfSymbolicLink(atPath: root.appendingPathComponent("link.xml").path)
      #expect(target == "real/policy.xml")
    }
  }

  @Test("XML files that are not policies are ignored")
  func nonPolicyXML() throws {
    let files = [
      "pom.xml": Policies.pom,
      "build/web.xml": "<?xml version=\"1.0\"?>\n<web-app><set-header name=\"x-functions-key\"/></web-app>\n",
      "broken-config.xml": "<config><unclosed></config>\n",
      "apis/orders/policy.xml": Policies.injection(),
    ]
    try withTemporaryTree(files) { root in
      let migrated = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(migrated.status == 0, "stderr: \(migrated.stderr)")
      #expect(
        migrated.stderr.contains("policy-rewrite migrate: 1 file scanned, 1 rewritten"), "stderr: \(migrated.stderr)")
      #expect(
        !migrated.stderr.contains("pom.xml") && !migrated.stderr.contains("web.xml")
          && !migrated.stderr.contains("broken-config.xml"))
      expectFile(root, "pom.xml", Policies.pom)
      // Named explicitly, files that are not policies are said to be so, and nothing passes in silence.
      let checked = run(["check", "pom.xml", "build", "broken-config.xml"], cwd: root)
      #expect(checked.status == 1, "stderr: \(checked.stderr)")
      let lines = findingLines(checked.stderr)
      #expect(lines.filter { $0.hasSuffix("[not-a-policy]") }.count == 2, "\(lines)")
      #expect(
        lines.filter { $0.hasSuffix("[no-policy-files]") } == [
          "build:1:1: warning: no policy files under build: nothing was checked (is the path right?) [no-policy-files]"
        ], "\(lines)")
      #expect(!lines.contains { $0.contains(": error: ") }, "\(lines)")
    }
  }

  @Test("output is ordered by path and identical under --jobs 1 and --jobs 4")
  func deterministicOrdering() throws {
    var files: [String: String] = [:]
    for index in 0..<50 {
      let folder = ["apis", "apis/sub dir", "policy fragments", "products", "apis/x;rev=2"][index % 5]
      let name = "\(folder)/p\(String(format: "%02d", (index * 37) % 50)).xml"
      switch index % 5 {
      case 0: files[name] = Policies.injection("key-\(index % 3)")
      case 1: files[name] = Policies.review("review-key-\(index)")
      case 2: files[name] = Policies.clean
      case 3: files[name] = index % 10 == 3 ? Policies.malformed : Policies.injection("key-\(index)")
      default: files[name] = Policies.injection("key-\(index)").replacingOccurrences(of: "\n", with: "\r\n")
      }
    }
    try withTemporaryTree(files) { root in
      let serial = run(["migrate", "--jobs", "1", "--resource", CLI.resource, "."], cwd: root)
      let parallel = run(["migrate", "--jobs", "4", "--resource", CLI.resource, "."], cwd: root)
      #expect(serial.status == 2)
      #expect(parallel.status == serial.status)
      #expect(!serial.stdout.isEmpty)
      #expect(serial.stdout == parallel.stdout, "diffs differ between --jobs 1 and --jobs 4")
      #expect(serial.stderr == parallel.stderr, "findings differ between --jobs 1 and --jobs 4")
      let paths = diffPaths(serial.stdout)
      #expect(paths.count == 25, "\(paths)")
      #expect(
        paths == paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }, "diff not in path order")
      let findingPaths = findingLines(serial.stderr).map { String($0.prefix { $0 != ":" }) }
      #expect(
        findingPaths == findingPaths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) },
        "findings not in path order")
      #expect(!serial.stderr.contains("\r") && !serial.stderr.contains("\u{1B}"), "progress output on a non-terminal")

      let jsonSerial = run(["check", "--jobs", "1", "--format", "json", "."], cwd: root)
      let jsonParallel = run(["check", "--jobs", "4", "--format", "json", "."], cwd: root)
      #expect(jsonSerial.stdout == jsonParallel.stdout)
      let sarifSerial = run(["check", "--jobs", "1", "--format", "sarif", "."], cwd: root)
      let sarifParallel = run(["check", "--jobs", "4", "--format", "sarif", "."], cwd: root)
      #expect(sarifSerial.stdout == sarifParallel.stdout)

      let serialTree = try withTemporaryTree(files) { copy -> [String: [UInt8]] in
        _ = run(["migrate", "--write", "--jobs", "1", "--resource", CLI.resource, "."], cwd: copy)
        return CLI.snapshot(copy)
      }
      let parallelTree = try withTemporaryTree(files) { copy -> [String: [UInt8]] in
        _ = run(["migrate", "--write", "--jobs", "4", "--resource", CLI.resource, "."], cwd: copy)
        return CLI.snapshot(copy)
      }
      expectSameTree(serialTree, parallelTree, "--write under --jobs 1 and --jobs 4")
      #expect(run(["check", "--jobs", "0", "."], cwd: root).status == 2)
    }
  }

  @Test("files given twice, or as a file and its folder, are processed once")
  func duplicates() throws {
    try withTemporaryTree(["apis/orders/policy.xml": Policies.injection()]) { root in
      let result = run(["migrate", "--resource", CLI.resource, "apis", "apis/orders/policy.xml", "apis/"], cwd: root)
      #expect(result.status == 0)
      #expect(diffPaths(result.stdout) == ["apis/orders/policy.xml"])
      #expect(result.stderr.contains("1 file scanned"), "stderr: \(result.stderr)")
    }
  }
}
