import Foundation
import PolicyRewriteCLI
import Testing

/// Helpers for the end-to-end tests that run the built `policy-rewrite` binary as a
/// subprocess on temporary folder trees.
enum CLI {
  /// The resource used when a test does not care which one.
  static let resource = "11111111-2222-3333-4444-555555555555"
  /// A second resource, for tests that tell resources apart.
  static let otherResource = "api://other-func"

  /// The built executable: next to the test bundle, else `../../.build/debug` from this file.
  static let binary: URL = {
    var candidates: [URL] = []
    let bundle = Bundle.main.bundleURL
    candidates.append(bundle.appendingPathComponent("policy-rewrite"))
    candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("policy-rewrite"))
    if let executable = Bundle.main.executableURL {
      candidates.append(executable.deletingLastPathComponent().appendingPathComponent("policy-rewrite"))
    }
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
      candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("policy-rewrite"))
    }
    if let first = CommandLine.arguments.first {
      candidates.append(
        URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("policy-rewrite"))
    }
    let package = TestPaths.packageRoot
    candidates.append(package.appendingPathComponent(".build/debug/policy-rewrite"))
    for candidate in candidates {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
        FileManager.default.isExecutableFile(atPath: candidate.path)
      {
        return candidate
      }
    }
    return candidates.last!
  }()

  /// A unique new folder under the system's temporary folder.
  static func makeTemporaryFolder(_ prefix: String = "policy-rewrite-cli") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.resolvingSymlinksInPath()
  }

  /// Runs any executable to its end (see ``Reliability/Child``: output through files, so a
  /// large output cannot fill a pipe).
  static func execute(
    _ executable: URL, _ arguments: [String], cwd: URL, stdin: Data? = nil, environment: [String: String] = [:]
  ) -> (status: Int32, stdout: Data, stderr: String) {
    let outcome = Reliability.run(
      arguments, cwd: cwd, stdin: stdin, timeout: 3600, executable: executable, environment: environment)
    // Every end-to-end run is held to ending by itself: a crash (a signal) or a hang fails the
    // test, whatever status it expects (a SIGINT has the number of the usage-error status).
    #expect(!outcome.signaled && !outcome.timedOut, "\(arguments.first ?? ""): \(outcome.summary)")
    return (outcome.signaled ? 128 + outcome.status : outcome.status, outcome.stdout, outcome.stderr)
  }

  /// Runs a tool found on `PATH` (`git`, `patch`).
  static func tool(_ name: String, _ arguments: [String], cwd: URL, stdin: Data? = nil) -> (
    status: Int32, stdout: Data, stderr: String
  ) {
    let env: [String: String] = [
      "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
      "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
    ]
    return execute(URL(fileURLWithPath: "/usr/bin/env"), [name] + arguments, cwd: cwd, stdin: stdin, environment: env)
  }

  /// Writes the tree's files below `root`, creating folders.
  static func write(_ files: [String: [UInt8]], under root: URL) throws {
    for (path, content) in files {
      let url = root.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(content).write(to: url)
    }
  }

  /// Every regular file below `root` by relative path (links not followed), skipping `.git`.
  static func snapshot(_ root: URL) -> [String: [UInt8]] {
    var result: [String: [UInt8]] = [:]
    for entry in Reliability.entries(root, skipping: [".git"]) where entry.kind == .file {
      result[entry.path] = read(root, entry.path) ?? []
    }
    return result
  }

  /// The bytes of a file below `root`, or `nil` when it cannot be read.
  static func read(_ root: URL, _ path: String) -> [UInt8]? {
    try? FileSystem.read(root.path + "/" + path).bytes
  }

  /// Every entry name below `root` (files, folders and links), relative, sorted.
  static func allNames(_ root: URL) -> [String] {
    Reliability.entries(root).map(\.path).sorted()
  }
}

/// Runs the built `policy-rewrite` with `args` in `cwd`.
func run(_ args: [String], cwd: URL, stdin: Data? = nil) -> (status: Int32, stdout: Data, stderr: String) {
  CLI.execute(CLI.binary, args, cwd: cwd, stdin: stdin)
}

extension CLI {
  /// `migrate --write --resource CLI.resource` with `extra` options on `path` in `root`: the
  /// status, stderr and the findings of `rule` (lines ending in `[rule]`).
  static func migrate(_ root: URL, rule: String, _ extra: [String] = [], path: String = ".") -> (
    status: Int32, stderr: String, found: [String]
  ) {
    let result = run(["migrate", "--write", "--resource", CLI.resource] + extra + [path], cwd: root)
    return (result.status, result.stderr, findingLines(result.stderr).filter { $0.hasSuffix("[\(rule)]") })
  }
}

/// Creates a temporary tree of text files, runs `body` with its root, and removes it.
func withTemporaryTree<T>(_ files: [String: String], _ body: (URL) throws -> T) throws -> T {
  try withTemporaryTree(bytes: files.mapValues { Array($0.utf8) }, body)
}

/// Creates a temporary tree of files given as bytes, runs `body` with its root, and removes it.
func withTemporaryTree<T>(bytes files: [String: [UInt8]], _ body: (URL) throws -> T) throws -> T {
  let root = try CLI.makeTemporaryTree(files)
  defer { CLI.removeTemporaryTree(root) }
  return try body(root)
}

/// ``withTemporaryTree(bytes:_:)`` for async tests.
func withTemporaryTree<T>(bytes files: [String: [UInt8]], _ body: (URL) async throws -> T) async throws -> T {
  let root = try CLI.makeTemporaryTree(files)
  defer { CLI.removeTemporaryTree(root) }
  return try await body(root)
}

extension CLI {
  /// A new temporary folder holding `files`.
  static func makeTemporaryTree(_ files: [String: [UInt8]]) throws -> URL {
    let root = try makeTemporaryFolder()
    try write(files, under: root)
    return root
  }

  /// Removes a temporary tree, making every folder writable first so that the removal
  /// cannot fail halfway.
  static func removeTemporaryTree(_ root: URL) {
    for entry in Reliability.entries(root) where entry.kind != .symbolicLink {
      try? FileManager.default.setAttributes(
        [.posixPermissions: 0o755], ofItemAtPath: root.appendingPathComponent(entry.path).path)
    }
    try? FileManager.default.removeItem(at: root)
  }
}

/// The text of output bytes.
func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

/// Policy documents for the CLI tests.
enum Policies {
  /// A Terraform tree: product `gold` applying `gold.xml` (`product`), holding API `orders`,
  /// which applies `orders.xml` (`api`).
  static func terraformProductAndAPI(product: String, api: String) -> [String: String] {
    [
      "main.tf": """
      resource "azurerm_api_management_product_policy" "gold" {
        product_id  = "gold"
        xml_content = file("./gold.xml")
      }
      resource "azurerm_api_management_product_api" "orders" {
        product_id = "gold"
        api_name   = "orders"
      }
      resource "azurerm_api_management_api_policy" "orders" {
        api_name    = "orders"
        xml_content = file("./orders.xml")
      }

      """,
      "gold.xml": product,
      "orders.xml": api,
    ]
  }

  /// An inbound key injection from `{{namedValue}}`, four-space indented, LF.
  static func injection(_ namedValue: String = "orders-func-key") -> String {
    """
    <policies>
        <inbound>
            <base />
            <set-backend-service backend-id="orders-func" />
            <set-header name="x-functions-key" exists-action="override">
                <value>{{\(namedValue)}}</value>
            </set-header>
        </inbound>
        <backend>
            <base />
        </backend>
        <outbound>
            <base />
        </outbound>
    </policies>

    """
  }

  /// A key injection from `{{namedValue}}` on one line after `<base />` in `<inbound>`; no
  /// final newline (the scope tests' keyed API, product or global policy).
  static func keyAfterBase(_ namedValue: String) -> String {
    """
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key" exists-action="override"><value>{{\(namedValue)}}</value></set-header>
        </inbound>
    </policies>
    """
  }

  /// ``keyAfterBase(_:)`` with `<backend>`, `<outbound>` and `<on-error>` that hold only
  /// `<base />`; no final newline.
  static func keyBeforeLaterSections(_ namedValue: String) -> String {
    """
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key" exists-action="override"><value>{{\(namedValue)}}</value></set-header>
        </inbound>
        <backend><base /></backend>
        <outbound><base /></outbound>
        <on-error><base /></on-error>
    </policies>
    """
  }

  /// A scope whose `inbound` (the text of its `<inbound>` element) comes first, then
  /// `<backend>`, `<outbound>` and `<on-error>`, of which `section` holds `element` after its
  /// `<base />`; with a final newline.
  static func laterSection(_ section: String, _ element: String, inbound: String) -> String {
    let sections = ["backend", "outbound", "on-error"].map { name in
      name == section
        ? "    <\(name)>\n        <base />\n        \(element)\n    </\(name)>"
        : "    <\(name)><base /></\(name)>"
    }
    return "<policies>\n    \(inbound)\n" + sections.joined(separator: "\n") + "\n</policies>\n"
  }

  /// An API policy whose key (from `{{orders-func-key}}`) stands in a `<when>` before its
  /// `<base />`: replaced in place, it runs before its parents' policies; final newline.
  static let keyBeforeBase = """
    <policies>
        <inbound>
            <choose>
                <when condition="@(context.Request.Method == &quot;GET&quot;)">
                    <set-header name="x-functions-key" exists-action="override"><value>{{orders-func-key}}</value></set-header>
                </when>
            </choose>
            <base />
        </inbound>
    </policies>

    """

  /// A scope that validates the caller's token after its `<base />`; final newline.
  static let tokenValidator = """
    <policies>
        <inbound>
            <base />
            <validate-jwt header-name="Authorization" failed-validation-httpcode="401" />
        </inbound>
    </policies>

    """

  /// A scope that deletes `Authorization` after `<base />` in `<inbound>`; no final newline.
  static let authorizationDeleter = """
    <policies>
        <inbound>
            <base />
            <set-header name="Authorization" exists-action="delete" />
        </inbound>
    </policies>
    """

  /// A scope with only a rate limit after `<base />` in `<inbound>`; no final newline.
  static let rateLimited = """
    <policies>
        <inbound>
            <base />
            <rate-limit calls="10" renewal-period="60" />
        </inbound>
    </policies>
    """

  /// What ``injection(_:)`` becomes with `resource`.
  static func migrated(_ resource: String = CLI.resource) -> String {
    """
    <policies>
        <inbound>
            <base />
            <authentication-managed-identity resource="\(resource)" />
            <set-backend-service backend-id="orders-func" />
        </inbound>
        <backend>
            <base />
        </backend>
        <outbound>
            <base />
        </outbound>
    </policies>

    """
  }

  /// A policy with no key at all.
  static let clean = """
    <policies>
        <inbound>
            <base />
            <rate-limit calls="10" renewal-period="60" />
        </inbound>
        <backend>
            <base />
        </backend>
    </policies>

    """

  /// A policy whose key injection is in `<outbound>`: left for review.
  static func review(_ namedValue: String = "notify-func-key") -> String {
    """
    <policies>
        <inbound>
            <base />
        </inbound>
        <outbound>
            <base />
            <set-header name="x-functions-key" exists-action="override">
                <value>{{\(namedValue)}}</value>
            </set-header>
        </outbound>
    </policies>

    """
  }

  /// Malformed XML: the end tag of `<inbound>` lacks its `>` (line 5).
  static let malformed = """
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key" exists-action="override"><value>{{bad-key}}</value></set-header>
        </inbound
    </policies>

    """

  /// A policy with a DOCTYPE.
  static let doctype = """
    <!DOCTYPE policies [<!ENTITY k "secret">]>
    <policies>
        <inbound>
            <base />
            <set-header name="x-functions-key" exists-action="override">
                <value>{{doctype-key}}</value>
            </set-header>
        </inbound>
    </policies>

    """

  /// A policy with an MI element for another resource next to an injection.
  static let conflict = """
    <policies>
        <inbound>
            <base />
            <authentication-managed-identity resource="api://somebody-else" />
            <set-header name="x-functions-key" exists-action="override">
                <value>{{conflict-key}}</value>
            </set-header>
        </inbound>
    </policies>

    """

  /// A Maven project file: XML, but not a policy.
  static let pom = """
    <?xml version="1.0" encoding="UTF-8"?>
    <project xmlns="http://maven.apache.org/POM/4.0.0">
      <modelVersion>4.0.0</modelVersion>
      <properties><x-functions-key>not a policy</x-functions-key></properties>
    </project>

    """
}

/// The lines of stderr that are findings (`PATH:LINE:COL: severity: ...`).
func findingLines(_ stderr: String) -> [String] {
  stderr.split(separator: "\n").map(String.init).filter {
    $0.contains(": error: ") || $0.contains(": warning: ") || $0.contains(": note: ")
  }
}

/// The paths named in `--- a/PATH` lines of a unified diff (lines split at LF bytes, since a
/// CRLF line is one `Character` in Swift).
func diffPaths(_ diff: Data) -> [String] {
  diff.split(separator: 0x0A, omittingEmptySubsequences: false).compactMap { line -> String? in
    let text = String(decoding: line, as: UTF8.self)
    guard text.hasPrefix("--- a/") else { return nil }
    var path = String(text.dropFirst(6))
    if path.hasSuffix("\t") { path.removeLast() }
    return path
  }
}

/// Expects two trees (from ``CLI/snapshot(_:)``) to be equal, naming the paths that differ.
func expectSameTree(
  _ actual: [String: [UInt8]], _ expected: [String: [UInt8]], _ context: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let differing = Set(actual.keys).union(expected.keys).filter { actual[$0] != expected[$0] }.sorted()
  let same = differing.isEmpty
  #expect(same, "\(context): these paths differ: \(differing)", sourceLocation: sourceLocation)
}

/// The bytes with control characters, a byte-order mark and non-ASCII bytes made visible, so
/// that a failing comparison shows where CR, LF or tabs differ; `<missing>` for `nil`.
func shown(_ bytes: [UInt8]?) -> String {
  guard let bytes else { return "<missing>" }
  var result = ""
  var body = bytes[...]
  if body.starts(with: [0xEF, 0xBB, 0xBF]) {
    result += "<BOM>"
    body = body.dropFirst(3)
  }
  for byte in body {
    switch byte {
    case 0x0D: result += "\\r"
    case 0x0A: result += "\\n\n"
    case 0x09: result += "\\t"
    case 0x20..<0x7F: result.append(Character(UnicodeScalar(byte)))
    default: result += "\\x" + String(byte, radix: 16, uppercase: true)
    }
  }
  return result
}

/// Expects the file at `path` below `root` to hold exactly `expected`.
func expectFile(
  _ root: URL, _ path: String, _ expected: String, _ context: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let actual = CLI.read(root, path)
  let same = actual == Array(expected.utf8)
  #expect(
    same, "\(path) \(context)\n--- expected ---\n\(shown(Array(expected.utf8)))\n--- actual ---\n\(shown(actual))",
    sourceLocation: sourceLocation)
}
