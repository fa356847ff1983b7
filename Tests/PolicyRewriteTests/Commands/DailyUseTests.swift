import Foundation
import Testing

/// What CI and daily use rely on: no false green, and a command line that says what is wrong.
@Suite struct DailyUseTests {
  @Test("a path with no policy file is a warning, and an error with --require-files")
  func noPolicyFiles() throws {
    try withTemporaryTree(["empty/README.md": "nothing here\n"]) { root in
      let warned = run(["check", "empty"], cwd: root)
      #expect(warned.status == 1)
      #expect(
        warned.stderr
          == "empty:1:1: warning: no policy files under empty: nothing was checked (is the path right?) [no-policy-files]\npolicy-rewrite check: 0 files scanned, 1 finding in 1 file, 0 with errors\n"
      )
      let required = run(["check", "--require-files", "empty"], cwd: root)
      #expect(required.status == 2)
      #expect(required.stderr.hasPrefix("empty:1:1: error: no policy files under empty"))
    }
  }

  @Test("a file named explicitly that is not a policy says so; a policy.xml that is not XML is an error")
  func notAPolicy() throws {
    let files = [
      "notes.xml": "hello world\n", "main.tf": "variable \"x\" {}\n", "apis/a/policy.xml": "hello world\n",
      "apis/b/policy.xml": "",
    ]
    try withTemporaryTree(files) { root in
      let named = run(["check", "notes.xml"], cwd: root)
      #expect(
        findingLines(named.stderr).first
          == "notes.xml:1:1: note: not a policy document (no <policies> or <fragment> root) and no key found; skipped [not-a-policy]"
      )
      #expect(named.status == 0, "a note: \(named.stderr)")
      let required = run(["check", "--require-files", "notes.xml"], cwd: root)
      #expect(required.status == 2)
      #expect(findingLines(required.stderr).first?.hasPrefix("notes.xml:1:1: error: not a policy document") == true)
      let terraform = run(["check", "main.tf"], cwd: root)
      #expect(terraform.status == 0 && findingLines(terraform.stderr).isEmpty, "\(terraform.stderr)")
      let apis = run(["check", "apis"], cwd: root)
      #expect(apis.status == 2)
      let lines = findingLines(apis.stderr)
      #expect(lines.count == 2, "\(apis.stderr)")
      #expect(lines.allSatisfy { $0.contains(": error: ") && $0.hasSuffix("[parse-error]") }, "\(lines)")
    }
  }

  @Test("a missing path is an error and is not counted as scanned")
  func missingPath() throws {
    try withTemporaryTree(["apis/a/policy.xml": Policies.clean]) { root in
      let result = run(["check", "apis", "nosuch"], cwd: root)
      #expect(result.status == 2)
      // The missing path is an error, not a finding in a file.
      #expect(result.stderr.hasSuffix("policy-rewrite check: 1 file scanned, 0 findings in 0 files, 1 with errors\n"))
    }
  }

  @Test("usage: --version, a typo'd command, --jobs -1, --write with standard input, --client-id")
  func usage() throws {
    try withTemporaryTree(["apis/a/policy.xml": Policies.injection()]) { root in
      let version = run(["--version"], cwd: root)
      #expect(version.status == 0)
      #expect(text(version.stdout) == "policy-rewrite 0.1.0\n")

      let typo = run(["chek", "."], cwd: root)
      #expect(typo.status == 2)
      #expect(typo.stderr.hasPrefix("error: unknown command 'chek'; did you mean 'check'?\n"), "\(typo.stderr)")

      let jobs = run(["check", "--jobs", "-1", "."], cwd: root)
      #expect(jobs.status == 2)
      #expect(jobs.stderr.contains("--jobs must be at least 1"), "\(jobs.stderr)")

      let stdin = run(
        ["migrate", "--write", "--resource", CLI.resource, "-"], cwd: root, stdin: Data("<policies/>".utf8))
      #expect(stdin.status == 2)
      #expect(stdin.stderr.contains("--write and --output-dir need files"), "\(stdin.stderr)")

      let clientID = run(["migrate", "--client-id", "a\"b", "--resource", CLI.resource, "."], cwd: root)
      #expect(clientID.status == 2)
      #expect(clientID.stderr.contains("invalid --client-id 'a\"b'"), "\(clientID.stderr)")
      expectFile(root, "apis/a/policy.xml", Policies.injection())
    }
  }

  @Test("--stdin-filename reads standard input as that kind of file")
  func stdinFilename() throws {
    let terraform = """
      resource "azurerm_api_management_api_policy" "a" {
        xml_content = <<XML
      <policies>
        <inbound>
          <base />
          <set-header name="x-functions-key"><value>{{a-key}}</value></set-header>
        </inbound>
      </policies>
      XML
      }

      """
    try withTemporaryTree([:]) { root in
      let asXML = run(["migrate", "--resource", CLI.resource, "-"], cwd: root, stdin: Data(terraform.utf8))
      #expect(asXML.status == 2, "a .tf file is not XML")
      let result = run(
        ["migrate", "--resource", CLI.resource, "--stdin-filename", "infra/main.tf", "-"], cwd: root,
        stdin: Data(terraform.utf8))
      #expect(result.status == 0, "\(result.stderr)")
      #expect(
        text(result.stdout)
          == terraform.replacingOccurrences(
            of: "<set-header name=\"x-functions-key\"><value>{{a-key}}</value></set-header>",
            with: "<authentication-managed-identity resource=\"\(CLI.resource)\" />"))
    }
  }

  /// Runs the binary on a pseudo-terminal (util-linux `script`), so that `--color auto` sees a
  /// terminal; returns what the terminal showed.
  static func onTerminal(_ arguments: [String], environment: [String: String], cwd: URL) -> String? {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return nil }
    let command = ([CLI.binary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
    let result = CLI.execute(
      URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"], cwd: cwd, environment: environment)
    return text(result.stdout)
  }

  @Test("colour on a terminal: diffs and findings, off with a non-empty NO_COLOR or TERM=dumb")
  func colour() throws {
    try withTemporaryTree(["apis/a/policy.xml": Policies.injection()]) { root in
      let arguments = ["migrate", "--resource", CLI.resource, "apis"]
      let coloured = try #require(
        Self.onTerminal(arguments, environment: ["TERM": "xterm", "NO_COLOR": ""], cwd: root),
        "util-linux script is needed to give the command a terminal")
      #expect(coloured.contains("\u{1B}[32m+        <authentication-managed-identity"), "\(coloured)")
      #expect(coloured.contains("\u{1B}[1;31m") == false, "no error here")
      for environment in [["TERM": "xterm", "NO_COLOR": "1"], ["TERM": "dumb"]] {
        let plain = try #require(Self.onTerminal(arguments, environment: environment, cwd: root))
        #expect(!plain.contains("\u{1B}["), "\(environment): \(plain)")
        #expect(plain.contains("+        <authentication-managed-identity"))
      }
    }
  }

  @Test("--format github writes the summary once (standard output and error share the workflow log)")
  func githubSummaryOnce() throws {
    try withTemporaryTree(["apis/a/policy.xml": Policies.injection()]) { root in
      let result = run(["check", "--format", "github", "apis"], cwd: root)
      #expect(result.status == 1)
      let out = text(result.stdout) + result.stderr
      #expect(out.components(separatedBy: "policy-rewrite check:").count == 2, "\(out)")
    }
  }
}
