import Foundation
import Testing

/// End-to-end tests of `policy-rewrite migrate`, run as a subprocess on temporary trees.
@Suite("migrate command (end to end)")
struct MigrateCommandTests {
  /// An APIOps-style tree: spaces and `;rev=2` in folder names, a fragment, a clean file.
  static let apiOpsTree: [String: String] = [
    "apis/orders/policy.xml": Policies.injection("orders-func-key"),
    "apis/orders;rev=2/policy.xml": Policies.injection("orders-rev2-func-key"),
    "apis/status/policy.xml": Policies.clean,
    "policy fragments/auth headers/policy.xml": """
    <fragment>
    \t<set-header name="x-functions-key" exists-action="override">
    \t\t<value>{{shared-func-key}}</value>
    \t</set-header>
    \t<set-header name="x-trace" exists-action="skip">
    \t\t<value>on</value>
    \t</set-header>
    </fragment>

    """,
  ]

  /// Applies `diff` in a fresh copy of `files` with `git apply` and with `patch -p1`, and
  /// runs `--write` on a third copy; all three trees must be equal.
  func expectDiffMatchesWrite(
    _ files: [String: [UInt8]], arguments: [String], sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let diff = try withTemporaryTree(bytes: files) { root -> Data in
      let result = run(["migrate", "--resource", CLI.resource] + arguments, cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
      expectSameTree(CLI.snapshot(root), files, "a dry run changed the tree", sourceLocation: sourceLocation)
      return result.stdout
    }
    #expect(!diff.isEmpty, "no diff printed", sourceLocation: sourceLocation)
    let written = try withTemporaryTree(bytes: files) { root -> [String: [UInt8]] in
      let result = run(["migrate", "--write", "--resource", CLI.resource] + arguments, cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
      return CLI.snapshot(root)
    }
    #expect(written != files, "--write changed nothing", sourceLocation: sourceLocation)
    try withTemporaryTree(bytes: files) { root in
      let initialized = CLI.tool("git", ["init", "-q", "."], cwd: root)
      try #require(initialized.status == 0, "git init: \(initialized.stderr)", sourceLocation: sourceLocation)
      let applied = CLI.tool("git", ["apply", "--verbose", "-"], cwd: root, stdin: diff)
      #expect(applied.status == 0, "git apply: \(applied.stderr)\n\(text(diff))", sourceLocation: sourceLocation)
      expectSameTree(
        CLI.snapshot(root), written, "git apply gave another tree than --write", sourceLocation: sourceLocation)
    }
    try withTemporaryTree(bytes: files) { root in
      let patched = CLI.tool("patch", ["-p1", "--batch", "--no-backup-if-mismatch"], cwd: root, stdin: diff)
      #expect(
        patched.status == 0, "patch -p1: \(text(patched.stdout)) \(patched.stderr)", sourceLocation: sourceLocation)
      expectSameTree(
        CLI.snapshot(root), written, "patch -p1 gave another tree than --write", sourceLocation: sourceLocation)
    }
  }

  @Test("a dry run prints a unified diff with a/ and b/ paths relative to the current folder")
  func dryRunPrintsDiff() throws {
    try withTemporaryTree(Self.apiOpsTree) { root in
      let result = run(["migrate", "--resource", CLI.resource, "apis", "policy fragments"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let diff = text(result.stdout)
      for path in [
        "apis/orders/policy.xml", "apis/orders;rev=2/policy.xml", "policy fragments/auth headers/policy.xml",
      ] {
        let name = path.contains(" ") ? path + "\t" : path
        #expect(diff.contains("--- a/\(name)\n+++ b/\(name)\n"), "no header for \(path) in:\n\(diff)")
      }
      #expect(!diff.contains("apis/status"), "a clean file appears in the diff")
      #expect(
        diffPaths(result.stdout) == [
          "apis/orders/policy.xml", "apis/orders;rev=2/policy.xml", "policy fragments/auth headers/policy.xml",
        ])
      #expect(diff.contains("-            <value>{{orders-func-key}}</value>\n"))
      #expect(diff.contains("+        <authentication-managed-identity resource=\"\(CLI.resource)\" />\n"))
      #expect(diff.contains("@@ -"))
    }
  }

  @Test("the dry-run diff applies with git apply and patch -p1 and equals --write (APIOps layout)")
  func diffAppliesLikeWrite() throws {
    try expectDiffMatchesWrite(Self.apiOpsTree.mapValues { Array($0.utf8) }, arguments: ["apis", "policy fragments"])
  }

  @Test("the diff of a whole tree given as '.' applies and equals --write")
  func diffOfDotApplies() throws {
    try expectDiffMatchesWrite(Self.apiOpsTree.mapValues { Array($0.utf8) }, arguments: ["."])
  }

  @Test("a CRLF file's diff applies with git apply and patch -p1")
  func crlfDiffApplies() throws {
    let crlf = Policies.injection("crlf-key").replacingOccurrences(of: "\n", with: "\r\n")
    let noFinalNewline = String(Policies.injection("tail-key").dropLast())
    let files: [String: [UInt8]] = [
      "apis/crlf api/policy.xml": Array(crlf.utf8),
      "apis/tail/policy.xml": Array(noFinalNewline.utf8),
    ]
    try expectDiffMatchesWrite(files, arguments: ["apis"])
    try withTemporaryTree(bytes: files) { root in
      _ = run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      expectFile(root, "apis/crlf api/policy.xml", Policies.migrated().replacingOccurrences(of: "\n", with: "\r\n"))
      expectFile(root, "apis/tail/policy.xml", String(Policies.migrated().dropLast()))
    }
  }

  @Test("names with a tab, a newline, a quote or a backslash are quoted as git quotes them; git apply and patch agree")
  func oddNamesAreQuotedInDiffHeaders() throws {
    let files: [String: [UInt8]] = [
      "apis/x\t.xml": Array(Policies.injection("tab-key").utf8),
      "apis/y\n.xml": Array(Policies.injection("newline-key").utf8),
      "apis/q\"uote.xml": Array(Policies.injection("quote-key").utf8),
      "apis/back\\slash.xml": Array(Policies.injection("backslash-key").utf8),
      // Without a tab or newline in its header, `apis/x` would be patched for `apis/x\t.xml`.
      "apis/x": Array(Policies.clean.utf8),
    ]
    try withTemporaryTree(bytes: files) { root in
      let diff = text(run(["migrate", "--resource", CLI.resource, "apis"], cwd: root).stdout)
      #expect(diff.contains("--- \"a/apis/x\\t.xml\"\n+++ \"b/apis/x\\t.xml\"\n"), "\(diff)")
      #expect(diff.contains("--- \"a/apis/y\\n.xml\"\n"), "\(diff)")
      #expect(diff.contains("--- \"a/apis/q\\\"uote.xml\"\n"), "\(diff)")
    }
    try expectDiffMatchesWrite(files, arguments: ["apis"])
  }

  @Test("a folder given as ./apis gives a diff that git apply accepts")
  func dotSlashArgumentDiffApplies() throws {
    try expectDiffMatchesWrite(Self.apiOpsTree.mapValues { Array($0.utf8) }, arguments: ["./apis"])
  }

  @Test("a folder given as an absolute path below the current folder gives a diff that git apply accepts")
  func absoluteArgumentDiffApplies() throws {
    let files = Self.apiOpsTree.mapValues { Array($0.utf8) }
    let written = try withTemporaryTree(bytes: files) { root -> [String: [UInt8]] in
      #expect(run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root).status == 0)
      return CLI.snapshot(root)
    }
    try withTemporaryTree(bytes: files) { root in
      let result = run(["migrate", "--resource", CLI.resource, root.appendingPathComponent("apis").path], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(CLI.tool("git", ["init", "-q", "."], cwd: root).status == 0)
      let applied = CLI.tool("git", ["apply", "-"], cwd: root, stdin: result.stdout)
      #expect(applied.status == 0, "git apply: \(applied.stderr)\n\(text(result.stdout))")
      expectSameTree(CLI.snapshot(root), written)
    }
  }

  @Test("--write rewrites in place, keeps the file mode and leaves no temporary file")
  func writeInPlace() throws {
    let files = [
      "apis/orders/policy.xml": Policies.injection("orders-func-key"),
      "apis/private api/policy.xml": Policies.injection("private-func-key"),
      "apis/status/policy.xml": Policies.clean,
    ]
    try withTemporaryTree(files) { root in
      let manager = FileManager.default
      let orders = root.appendingPathComponent("apis/orders/policy.xml").path
      let privateFile = root.appendingPathComponent("apis/private api/policy.xml").path
      try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: orders)
      try manager.setAttributes([.posixPermissions: 0o640], ofItemAtPath: privateFile)
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(result.stdout.isEmpty, "--write printed a diff: \(text(result.stdout))")
      expectFile(root, "apis/orders/policy.xml", Policies.migrated())
      expectFile(root, "apis/private api/policy.xml", Policies.migrated())
      expectFile(root, "apis/status/policy.xml", Policies.clean)
      let ordersMode = try manager.attributesOfItem(atPath: orders)[.posixPermissions] as? Int
      let privateMode = try manager.attributesOfItem(atPath: privateFile)[.posixPermissions] as? Int
      #expect(ordersMode == 0o600)
      #expect(privateMode == 0o640)
      let leftovers = CLI.allNames(root).filter { $0.contains(".policy-rewrite-") }
      #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
      #expect(CLI.allNames(root).count == 7, "unexpected entries: \(CLI.allNames(root))")
    }
  }

  @Test("without --write nothing changes on disk")
  func dryRunWritesNothing() throws {
    try withTemporaryTree(Self.apiOpsTree) { root in
      let before = CLI.snapshot(root)
      let namesBefore = CLI.allNames(root)
      let result = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0)
      #expect(!result.stdout.isEmpty)
      expectSameTree(CLI.snapshot(root), before)
      #expect(CLI.allNames(root) == namesBefore)
    }
  }

  @Test("standard input: migrate --resource R - writes the rewritten document to standard output")
  func standardInput() throws {
    try withTemporaryTree(["unrelated.xml": Policies.injection()]) { root in
      let result = run(["migrate", "--resource", CLI.resource, "-"], cwd: root, stdin: Data(Policies.injection().utf8))
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(text(result.stdout) == Policies.migrated())
      expectFile(root, "unrelated.xml", Policies.injection(), "a file was touched")

      let crlf = Policies.injection().replacingOccurrences(of: "\n", with: "\r\n")
      let crlfResult = run(["migrate", "--resource", CLI.resource, "-"], cwd: root, stdin: Data(crlf.utf8))
      #expect(crlfResult.status == 0)
      let crlfExpected = Array(Policies.migrated().replacingOccurrences(of: "\n", with: "\r\n").utf8)
      let crlfSame = Array(crlfResult.stdout) == crlfExpected
      #expect(crlfSame, "\(shown(Array(crlfResult.stdout)))")

      let clean = run(["migrate", "--resource", CLI.resource, "-"], cwd: root, stdin: Data(Policies.clean.utf8))
      #expect(clean.status == 0)
      #expect(text(clean.stdout) == Policies.clean, "an unchanged document must still be written out")

      let malformed = run(
        ["migrate", "--resource", CLI.resource, "-"], cwd: root, stdin: Data(Policies.malformed.utf8))
      #expect(malformed.status == 2)
      #expect(
        malformed.stderr.range(of: #"<stdin>:[56]:\d+: error: "#, options: .regularExpression) != nil,
        "stderr: \(malformed.stderr)")

      let checked = run(
        ["migrate", "--check", "--resource", CLI.resource, "-"], cwd: root, stdin: Data(Policies.injection().utf8))
      #expect(checked.status == 1)
      #expect(checked.stdout.isEmpty, "--check wrote the document: \(text(checked.stdout))")
    }
  }

  // MARK: Exit codes

  @Test("exit 0 when only warnings are reported")
  func warningsExitZero() throws {
    try withTemporaryTree(["apis/notify/policy.xml": Policies.review(), "apis/orders/policy.xml": Policies.injection()])
    { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(result.stderr.contains("apis/notify/policy.xml:7:9: warning:"), "stderr: \(result.stderr)")
      #expect(result.stderr.contains("[key-outside-inbound]"))
      expectFile(root, "apis/notify/policy.xml", Policies.review())
      expectFile(root, "apis/orders/policy.xml", Policies.migrated())
    }
  }

  @Test("a malformed file: exit 2, path:line:col, file untouched, other files still written")
  func malformedFile() throws {
    let files = [
      "apis/a-broken/policy.xml": Policies.malformed,
      "apis/b-orders/policy.xml": Policies.injection(),
      "apis/c-orders/policy.xml": Policies.injection("c-key"),
    ]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 2)
      let line = findingLines(result.stderr).first { $0.hasPrefix("apis/a-broken/policy.xml:") }
      let found = try #require(line, "no finding for the broken file in: \(result.stderr)")
      #expect(
        found.range(of: #"^apis/a-broken/policy\.xml:[56]:\d+: error: .*\[parse-error\]$"#, options: .regularExpression)
          != nil, "\(found)")
      expectFile(root, "apis/a-broken/policy.xml", Policies.malformed)
      expectFile(root, "apis/b-orders/policy.xml", Policies.migrated())
      expectFile(root, "apis/c-orders/policy.xml", Policies.migrated())
      #expect(CLI.allNames(root).filter { $0.contains(".policy-rewrite-") }.isEmpty)
    }
  }

  @Test("a DOCTYPE file: exit 2, path:line:col, untouched")
  func doctypeFile() throws {
    try withTemporaryTree(["dt.xml": Policies.doctype, "ok.xml": Policies.injection()]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 2)
      #expect(
        findingLines(result.stderr).contains {
          $0.range(of: #"^dt\.xml:1:\d+: error: .*DOCTYPE"#, options: .regularExpression) != nil
        },
        "stderr: \(result.stderr)")
      expectFile(root, "dt.xml", Policies.doctype)
      expectFile(root, "ok.xml", Policies.migrated())
    }
  }

  @Test("an invalid --resource: exit 2, usage printed, nothing read or written")
  func invalidResource() throws {
    try withTemporaryTree(["apis/orders/policy.xml": Policies.injection(), "bad.xml": Policies.malformed]) { root in
      let before = CLI.snapshot(root)
      let result = run(["migrate", "--write", "--resource", "bogus", "."], cwd: root)
      #expect(result.status == 2)
      #expect(result.stderr.contains("bogus"))
      #expect(result.stderr.contains("Usage:"), "stderr: \(result.stderr)")
      #expect(!result.stderr.contains("bad.xml"), "a file was read: \(result.stderr)")
      #expect(!result.stderr.contains("files scanned"), "files were processed: \(result.stderr)")
      #expect(result.stdout.isEmpty)
      expectSameTree(CLI.snapshot(root), before)
    }
  }

  @Test("an unresolved resource: exit 2 with no --resource, and with a map without an entry")
  func unresolvedResource() throws {
    let map = #"{"byNamedValue": {"some-other-key": "api://other"}, "byPath": {"apis/payments/**": "api://payments"}}"#
    try withTemporaryTree(["apis/orders/policy.xml": Policies.injection(), "map.json": map]) { root in
      let before = CLI.snapshot(root)
      let none = run(["migrate", "--write", "apis"], cwd: root)
      #expect(none.status == 2, "stderr: \(none.stderr)")
      expectSameTree(CLI.snapshot(root), before)

      let mapped = run(["migrate", "--write", "--resource-map", "map.json", "apis"], cwd: root)
      #expect(mapped.status == 2, "stderr: \(mapped.stderr)")
      #expect(
        findingLines(mapped.stderr).contains {
          $0.hasPrefix("apis/orders/policy.xml:5:9: error:") && $0.hasSuffix("[unresolved-resource]")
        }, "stderr: \(mapped.stderr)")
      expectSameTree(CLI.snapshot(root), before)
    }
  }

  @Test("a resource map resolves by named value before path and default")
  func resourceMap() throws {
    let map =
      #"{"default": "api://default", "byNamedValue": {"orders-func-key": "api://orders"}, "byPath": {"apis/pay/**": "api://pay"}}"#
    let files = [
      "apis/orders/policy.xml": Policies.injection("orders-func-key"),
      "apis/pay/policy.xml": Policies.injection("pay-func-key"),
      "apis/other/policy.xml": Policies.injection("other-func-key"),
      "map.json": map,
    ]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--write", "--resource-map", "map.json", "apis"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "apis/orders/policy.xml", Policies.migrated("api://orders"))
      expectFile(root, "apis/pay/policy.xml", Policies.migrated("api://pay"))
      expectFile(root, "apis/other/policy.xml", Policies.migrated("api://default"))
    }
  }

  @Test("an existing Managed Identity element for another resource: exit 2, untouched")
  func managedIdentityConflict() throws {
    try withTemporaryTree(["conflict.xml": Policies.conflict, "ok.xml": Policies.injection()]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 2)
      #expect(
        findingLines(result.stderr).contains {
          $0.hasPrefix("conflict.xml:") && $0.hasSuffix("[managed-identity-conflict]")
        },
        "stderr: \(result.stderr)")
      expectFile(root, "conflict.xml", Policies.conflict)
      expectFile(root, "ok.xml", Policies.migrated())
    }
  }

  @Test("migrate --check: 1 when a file would change, 1 when review is needed, 0 when clean; writes nothing")
  func checkMode() throws {
    try withTemporaryTree(["apis/orders/policy.xml": Policies.injection(), "apis/status/policy.xml": Policies.clean]) {
      root in
      let before = CLI.snapshot(root)
      let result = run(["migrate", "--check", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 1, "stderr: \(result.stderr)")
      expectSameTree(CLI.snapshot(root), before)
      #expect(CLI.allNames(root).filter { $0.contains(".policy-rewrite-") }.isEmpty)
    }
    try withTemporaryTree(["apis/notify/policy.xml": Policies.review()]) { root in
      let result = run(["migrate", "--check", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 1, "stderr: \(result.stderr)")
      expectFile(root, "apis/notify/policy.xml", Policies.review())
    }
    try withTemporaryTree(["apis/status/policy.xml": Policies.clean, "apis/orders/policy.xml": Policies.migrated()]) {
      root in
      let result = run(["migrate", "--check", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
    }
    try withTemporaryTree(["apis/broken/policy.xml": Policies.malformed]) { root in
      let result = run(["migrate", "--check", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 2, "an error must win over a check failure")
    }
  }

  @Test("--write and --check together are a usage error")
  func writeAndCheck() throws {
    try withTemporaryTree(["p.xml": Policies.injection()]) { root in
      let result = run(["migrate", "--write", "--check", "--resource", CLI.resource, "p.xml"], cwd: root)
      #expect(result.status == 2)
      #expect(result.stderr.contains("Usage:"))
      expectFile(root, "p.xml", Policies.injection())
    }
  }

  // MARK: --output-dir

  @Test("--output-dir writes migrated copies at DIR/<relative path> and leaves the originals")
  func outputDirectory() throws {
    let files = [
      "repo/apis/orders/policy.xml": Policies.injection(),
      "repo/apis/orders;rev=2/policy.xml": Policies.injection("rev2-key"),
      "repo/policy fragments/auth/policy.xml": Policies.injection("fragment-key"),
      "repo/apis/status/policy.xml": Policies.clean,
    ]
    try withTemporaryTree(files) { root in
      let repo = root.appendingPathComponent("repo")
      let before = CLI.snapshot(repo)
      let result = run(["migrate", "--resource", CLI.resource, "--output-dir", "../out", "."], cwd: repo)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectSameTree(CLI.snapshot(repo), before, "the originals changed")
      let out = root.appendingPathComponent("out")
      for path in ["apis/orders/policy.xml", "apis/orders;rev=2/policy.xml", "policy fragments/auth/policy.xml"] {
        expectFile(out, path, Policies.migrated(), "(migrated copy in out/)")
      }
      #expect(CLI.allNames(out).filter { $0.contains(".policy-rewrite-") }.isEmpty)
    }
  }

  @Test("--output-dir with two files of the same name keeps both copies")
  func outputDirectorySameFileNames() throws {
    let map = #"{"byNamedValue": {"orders-func-key": "api://orders", "pay-func-key": "api://pay"}}"#
    let files = [
      "apis/orders/policy.xml": Policies.injection("orders-func-key"),
      "apis/pay/policy.xml": Policies.injection("pay-func-key"),
      "map.json": map,
    ]
    try withTemporaryTree(files) { root in
      let result = run(
        [
          "migrate", "--resource-map", "map.json", "--output-dir", "out", "apis/orders/policy.xml",
          "apis/pay/policy.xml",
        ],
        cwd: root)
      let copies = CLI.snapshot(root.appendingPathComponent("out"))
      let contents = Set(copies.values)
      let bothKept =
        contents.contains(Array(Policies.migrated("api://orders").utf8))
        && contents.contains(Array(Policies.migrated("api://pay").utf8))
      // Either both migrated copies exist, or the run fails loudly; a silent overwrite is data loss.
      #expect(
        bothKept || result.status == 2,
        "out/ holds \(copies.keys.sorted()), exit \(result.status), stderr: \(result.stderr)")
      #expect(bothKept, "one migrated copy overwrote the other: out/ holds \(copies.keys.sorted())")
    }
  }

  @Test("--output-dir refuses to write through a symbolic link to a folder inside DIR")
  func outputDirectorySymlink() throws {
    let files = ["repo/apis/orders/policy.xml": Policies.injection(), "elsewhere/keep.txt": "keep\n"]
    try withTemporaryTree(files) { root in
      let out = root.appendingPathComponent("out")
      try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(
        atPath: out.appendingPathComponent("apis").path, withDestinationPath: "../elsewhere")
      let repo = root.appendingPathComponent("repo")
      let result = run(["migrate", "--resource", CLI.resource, "--output-dir", "../out", "."], cwd: repo)
      #expect(result.status == 2, "stderr: \(result.stderr)")
      #expect(
        findingLines(result.stderr).contains { $0.hasPrefix("apis/orders/policy.xml:") && $0.contains("error") },
        "stderr: \(result.stderr)")
      expectSameTree(
        CLI.snapshot(root.appendingPathComponent("elsewhere")), ["keep.txt": Array("keep\n".utf8)],
        "written through the link")
      expectFile(repo, "apis/orders/policy.xml", Policies.injection())
    }
  }

  // MARK: Summary

  @Test("the summary on standard error counts the files")
  func summaryCounts() throws {
    let files = [
      "apis/a/policy.xml": Policies.injection("a-key"),
      "apis/b/policy.xml": Policies.clean,
      "apis/c/policy.xml": Policies.review("c-key"),
      "apis/d/policy.xml": Policies.malformed,
      "apis/e/policy.xml": Policies.injection("e-key"),
      "pom.xml": Policies.pom,
    ]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 2)
      let summary = result.stderr.split(separator: "\n").first { $0.hasPrefix("policy-rewrite migrate:") }
      #expect(
        summary
          == "policy-rewrite migrate: 5 files scanned, 2 would change, 2 unchanged, 1 needing review, 1 with errors",
        "stderr: \(result.stderr)")
    }
  }

  @Test("the summary lists named values to clean up, and those still referenced elsewhere separately")
  func namedValueCleanUp() throws {
    let files = [
      "apis/a/policy.xml": Policies.injection("orders-func-key"),
      "apis/b/policy.xml": Policies.injection("shared-func-key"),
      "apis/c/policy.xml": """
      <policies>
          <inbound>
              <base />
              <set-variable name="k" value="{{shared-func-key}}" />
          </inbound>
      </policies>

      """,
      "apis/d/policy.xml": Policies.injection("notify-func-key"),
      "apis/e/policy.xml": Policies.review("notify-func-key"),
      "apis/f/policy.xml": Policies.injection("payments-func-key"),
    ]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let lines = result.stderr.split(separator: "\n").map(String.init)
      // One named value a line, indented below its heading.
      func listed(after heading: String) throws -> [String] {
        let start = try #require(lines.firstIndex { $0.contains(heading) }, "stderr: \(result.stderr)")
        return lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.map { $0.trimmingCharacters(in: .whitespaces) }
      }
      let cleanUpNames = try listed(after: "no longer referenced")
      let kept = try listed(after: "still referenced").joined(separator: "\n")
      #expect(cleanUpNames == ["orders-func-key", "payments-func-key"], "\(result.stderr)")
      #expect(kept.contains("shared-func-key (apis/c/policy.xml)"), "\(kept)")
      #expect(kept.contains("notify-func-key (apis/e/policy.xml)"), "\(kept)")
      #expect(!kept.contains("orders-func-key"))
    }
  }

  @Test("a dry run lists a named value removed from every file that used it for clean-up")
  func namedValueCleanUpInDryRun() throws {
    let files = [
      "apis/a/policy.xml": Policies.injection("orders-func-key"),
      "apis/b/policy.xml": Policies.injection("orders-func-key"),
    ]
    try withTemporaryTree(files) { root in
      let result = run(["migrate", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(result.status == 0)
      #expect(
        result.stderr.contains(
          "no longer referenced (delete them and their Key Vault secrets after the switch):\n  orders-func-key\n"),
        "stderr: \(result.stderr)")
      #expect(!result.stderr.contains("still referenced"))
    }
  }
}
