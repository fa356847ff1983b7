import Foundation
import PolicyDOM
import PolicyRewrite
import PolicyRewriteCLI
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Broken and hostile input: each file is refused with exit 2 and one error line naming it
/// (with line:col where there is one), stays untouched, and the other files of the run are
/// still migrated.
@Suite(.slow, .tags(.slow))
struct HostileInputTests {
  static let goodPath = "apis/good/policy.xml"

  /// Runs `migrate --write` over a tree of the good file and `bytes` at `path`, and checks
  /// the contract. `line` is the expected line of the error (a range: libxml2 may report
  /// the line after), `column` the exact column when known.
  private func expectRefused(
    _ path: String, _ bytes: [UInt8], line expectedLine: ClosedRange<Int>? = nil, column expectedColumn: Int? = nil,
    messageContains: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
  ) async throws {
    let root = try CLI.makeTemporaryFolder("policy-rewrite-hostile")
    defer { try? FileManager.default.removeItem(at: root) }
    try CLI.write([Self.goodPath: Array(Policies.injection().utf8)], under: root)
    let hostileURL = root.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: hostileURL.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: hostileURL)
    let before = Reliability.lstatOf(hostileURL.path)

    let outcome = await Reliability.run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
    #expect(!outcome.timedOut, "did not finish in time: \(outcome.summary)", sourceLocation: sourceLocation)
    #expect(!outcome.signaled, "crashed: \(outcome.summary)", sourceLocation: sourceLocation)
    #expect(outcome.exited(2), "exit status: \(outcome.summary)", sourceLocation: sourceLocation)

    // The file is untouched: same inode, size, time and bytes.
    #expect(
      Reliability.sameStat(hostileURL.path, before), "\(path) was replaced or written", sourceLocation: sourceLocation)
    let after = try Data(contentsOf: hostileURL)
    #expect(after == Data(bytes), "\(path) changed", sourceLocation: sourceLocation)

    // The other file is still migrated.
    #expect(
      CLI.read(root, Self.goodPath) == Array(Policies.migrated().utf8),
      "the good file was not migrated: \(outcome.summary)", sourceLocation: sourceLocation)
    #expect(
      Reliability.temporaryFiles(root).isEmpty, "temporary files left: \(Reliability.temporaryFiles(root))",
      sourceLocation: sourceLocation)

    // Exactly one error line for the file: PATH:LINE:COL: error: MESSAGE [rule].
    let lines = outcome.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix(path + ":") }
    #expect(
      lines.count == 1, "expected one line for \(path), got:\n\(outcome.stderr.prefix(3000))",
      sourceLocation: sourceLocation)
    let stray = Reliability.strayLines(outcome.stderr, paths: [path, Self.goodPath])
    #expect(
      stray.isEmpty, "stderr lines that name no file (a multi-line message?): \(stray)", sourceLocation: sourceLocation)
    guard let line = lines.first else { return }
    let pattern = try Regex(
      "^" + NSRegularExpression.escapedPattern(for: path) + #":([0-9]+):([0-9]+): error: (.+) \[[a-z0-9-]+\]$"#)
    guard let match = try pattern.wholeMatch(in: line) else {
      Issue.record("not PATH:LINE:COL: error: MESSAGE [rule]: \(line.prefix(500))", sourceLocation: sourceLocation)
      return
    }
    let reportedLine = Int(match.output[1].substring ?? "") ?? -1
    let reportedColumn = Int(match.output[2].substring ?? "") ?? -1
    let message = String(match.output[3].substring ?? "")
    if let expectedLine {
      #expect(
        expectedLine.contains(reportedLine), "line \(reportedLine), expected \(expectedLine): \(line.prefix(300))",
        sourceLocation: sourceLocation)
    }
    if let expectedColumn {
      #expect(
        reportedColumn == expectedColumn, "column \(reportedColumn), expected \(expectedColumn): \(line.prefix(300))",
        sourceLocation: sourceLocation)
    }
    #expect(reportedColumn >= 1, sourceLocation: sourceLocation)
    if let messageContains {
      #expect(
        message.contains(messageContains), "message lacks '\(messageContains)': \(line.prefix(300))",
        sourceLocation: sourceLocation)
    }
  }

  // MARK: Broken files

  @Test("malformed XML: refused with its line")
  func malformed() async throws {
    // `</inbound` lacks its `>` on line 5; libxml2 notices it there or on line 6.
    try await expectRefused("apis/bad/policy.xml", Array(Policies.malformed.utf8), line: 5...6)
  }

  @Test("a truncated file is refused")
  func truncated() async throws {
    let whole = Array(Policies.injection("cut-func-key").utf8)
    let cut = Array(whole[..<(whole.count / 2)])
    let lastLine = Reliability.location(of: cut.count, in: cut).line
    try await expectRefused("apis/cut/policy.xml", cut, line: 1...lastLine + 1)
  }

  @Test("an empty file is refused")
  func empty() async throws {
    try await expectRefused("apis/empty/policy.xml", [], line: 1...1)
  }

  @Test("a binary file (random bytes with NULs) is refused")
  func binary() async throws {
    var random = Reliability.Random(seed: 0x5EED_B1AA)
    var bytes = (0..<65536).map { _ in UInt8.random(in: 0...255, using: &random) }
    for i in stride(from: 3, to: bytes.count, by: 97) { bytes[i] = 0 }
    try await expectRefused("apis/binary/policy.xml", bytes)
  }

  @Test("a binary file that starts like a policy is refused")
  func binaryAfterPolicyStart() async throws {
    var random = Reliability.Random(seed: 0x5EED_B1AB)
    var bytes = Array("<policies>\n    <inbound>\n".utf8)
    bytes += (0..<65536).map { i in i % 89 == 0 ? 0 : UInt8.random(in: 0...255, using: &random) }
    try await expectRefused("apis/binary2/policy.xml", bytes, line: 1...3)
  }

  @Test("invalid UTF-8 is refused with its line")
  func invalidUTF8() async throws {
    var bytes = Array(Policies.injection("utf8-func-key").utf8)
    let at = Reliability.offset(of: "{{utf8", in: bytes)!
    bytes.insert(contentsOf: [0xC3, 0x28, 0xFF, 0xFE], at: at)
    let line = Reliability.location(of: at, in: bytes).line
    try await expectRefused("apis/utf8/policy.xml", bytes, line: line...line)
  }

  @Test("UTF-16 LE with a byte-order mark is refused as UTF-16")
  func utf16LE() async throws {
    let bytes: [UInt8] =
      [0xFF, 0xFE] + Policies.injection("u16le-func-key").utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    try await expectRefused("apis/u16le/policy.xml", bytes, line: 1...1, messageContains: "UTF-16")
  }

  @Test("UTF-16 BE with a byte-order mark is refused as UTF-16")
  func utf16BE() async throws {
    let bytes: [UInt8] =
      [0xFE, 0xFF] + Policies.injection("u16be-func-key").utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    try await expectRefused("apis/u16be/policy.xml", bytes, line: 1...1, messageContains: "UTF-16")
  }

  // MARK: DOCTYPE, entities

  @Test("external and parameter entities are refused and the target file is never read into any output")
  func externalEntities() async throws {
    let secretFolder = try CLI.makeTemporaryFolder("policy-rewrite-secret")
    defer { try? FileManager.default.removeItem(at: secretFolder) }
    let marker = "XXE-MARKER-\(UUID().uuidString)"
    let secret = secretFolder.appendingPathComponent("secret.txt")
    try Data((marker + "\n").utf8).write(to: secret)
    let secretURL = "file://" + secret.path

    let general = """
      <?xml version="1.0"?>
      <!DOCTYPE policies [
        <!ENTITY xxe SYSTEM "\(secretURL)">
      ]>
      <policies>
          <inbound>
              <base />
              <set-header name="x-functions-key" exists-action="override">
                  <value>&xxe;</value>
              </set-header>
          </inbound>
      </policies>

      """
    // Error-based exfiltration through parameter entities.
    let parameter = """
      <?xml version="1.0"?>
      <!DOCTYPE policies [
        <!ENTITY % file SYSTEM "\(secretURL)">
        <!ENTITY % eval "<!ENTITY &#x25; exfil SYSTEM 'file:///nonexistent/%file;'>">
        %eval;
        %exfil;
        <!ENTITY % ext SYSTEM "\(secretURL)">
        %ext;
      ]>
      <policies>
          <inbound>
              <base />
              <set-header name="x-functions-key" exists-action="override">
                  <value>{{pe-func-key}}</value>
              </set-header>
          </inbound>
      </policies>

      """
    let external = """
      <?xml version="1.0"?>
      <!DOCTYPE policies SYSTEM "\(secretURL)">
      <policies><inbound><base /><set-header name="x-functions-key"><value>{{dtd-key}}</value></set-header></inbound></policies>

      """
    try await expectRefused("apis/xxe/policy.xml", Array(general.utf8), line: 2...2)
    try await expectRefused("apis/pe/policy.xml", Array(parameter.utf8), line: 2...2)
    try await expectRefused("apis/dtd/policy.xml", Array(external.utf8), line: 2...2)

    // Every command and output format, over a tree holding all three, on files and on stdin.
    let root = try CLI.makeTemporaryFolder("policy-rewrite-xxe")
    defer { try? FileManager.default.removeItem(at: root) }
    try CLI.write(
      [
        "apis/xxe/policy.xml": Array(general.utf8), "apis/pe/policy.xml": Array(parameter.utf8),
        "apis/dtd/policy.xml": Array(external.utf8), Self.goodPath: Array(Policies.injection().utf8),
      ], under: root)
    let runs: [([String], Data?)] = [
      (["migrate", "--resource", CLI.resource, "--diff", "apis"], nil),
      (["migrate", "--resource", CLI.resource, "--format", "json", "apis"], nil),
      (["migrate", "--resource", CLI.resource, "--output-dir", "out", "apis"], nil),
      (["migrate", "--write", "--resource", CLI.resource, "--format", "sarif", "apis"], nil),
      (["check", "apis"], nil),
      (["check", "--format", "json", "apis"], nil),
      (["check", "--format", "sarif", "apis"], nil),
      (["check", "--format", "github", "apis"], nil),
      (["migrate", "--resource", CLI.resource, "-"], Data(general.utf8)),
      (["migrate", "--resource", CLI.resource, "-"], Data(parameter.utf8)),
      (["check", "-"], Data(parameter.utf8)),
    ]
    for (arguments, stdin) in runs {
      let outcome = await Reliability.run(arguments, cwd: root, stdin: stdin)
      #expect(outcome.exited(2), "\(arguments): \(outcome.summary)")
      #expect(!text(outcome.stdout).contains(marker), "\(arguments): the secret is on stdout")
      #expect(!outcome.stderr.contains(marker), "\(arguments): the secret is on stderr")
    }
    for (path, content) in CLI.snapshot(root) {
      #expect(!String(decoding: content, as: UTF8.self).contains(marker), "the secret was written to \(path)")
    }
    #expect(CLI.read(root, "apis/xxe/policy.xml") == Array(general.utf8))
    #expect(CLI.read(root, "apis/pe/policy.xml") == Array(parameter.utf8))
  }

  @Test("billion laughs is refused")
  func billionLaughs() async throws {
    var document = "<?xml version=\"1.0\"?>\n<!DOCTYPE policies [\n  <!ENTITY lol0 \"lol\">\n"
    for level in 1...9 {
      document += "  <!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">\n"
    }
    document +=
      "]>\n<policies><inbound><base /><set-header name=\"x-functions-key\"><value>&lol9;</value></set-header></inbound></policies>\n"
    try await expectRefused("apis/lol/policy.xml", Array(document.utf8), line: 2...2)
  }

  @Test("quadratic blow-up is refused")
  func quadraticBlowUp() async throws {
    let entity = String(repeating: "x", count: 100_000)
    let document =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE policies [<!ENTITY a \"\(entity)\">]>\n<policies><inbound><base />"
      + String(repeating: "&a;", count: 100_000) + "</inbound></policies>\n"
    try await expectRefused("apis/quadratic/policy.xml", Array(document.utf8), line: 2...2)
  }

  // MARK: Size and depth

  @Test("nesting 10,000 levels deep is refused", arguments: [10_000, 1_000_000])
  func deepNesting(depth: Int) async throws {
    var bytes = Array("<policies>\n<inbound>\n<base />\n".utf8)
    bytes += Array((String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)).utf8)
    bytes += Array("\n</inbound>\n</policies>\n".utf8)
    try await expectRefused("apis/deep\(depth)/policy.xml", bytes, line: 4...4)
  }

  @Test("a 100 MB file with an error near its end is refused at the right line")
  func hundredMegabytes() async throws {
    let header =
      "<policies>\n    <inbound>\n        <base />\n"
      + Policies.injection("big-func-key")
      .components(separatedBy: "\n").filter { $0.contains("set-header") || $0.contains("<value>") }.joined(
        separator: "\n") + "\n"
    let body = "        <set-variable name=\"v\" value=\"abcdefghijklmnopqrstuvwxyz0123456789\" />\n"
    let tail = Array("    </inbound>\n    <outbound\n</policies>\n".utf8)
    var bytes = Array(header.utf8)
    let count = (100 * 1024 * 1024 - bytes.count - tail.count) / body.utf8.count
    // One repeated string (a few large copies): appending 1.6 million lines one by one is
    // slow in a debug build.
    bytes += Array(String(repeating: body, count: count).utf8)
    bytes += tail
    #expect(bytes.count >= 100 * 1024 * 1024 - body.utf8.count)
    let broken = Reliability.location(of: bytes.count - tail.count + 15, in: bytes).line  // `<outbound`
    try await expectRefused("apis/big/policy.xml", bytes, line: broken...broken + 1)
  }

  @Test("a single line of 10 MB with an error at its end is refused at the right column")
  func tenMegabyteLine() async throws {
    var bytes = Array(
      "<policies><inbound><base /><set-header name=\"x-functions-key\"><value>{{line-key}}</value></set-header>".utf8)
    let element = Array("<set-variable name=\"v\" value=\"abcdefghij\" />".utf8)
    while bytes.count < 10 * 1024 * 1024 { bytes += element }
    bytes += Array("</inbound><outbound</policies>\n".utf8)
    try await expectRefused("apis/line/policy.xml", bytes, line: 1...1)
  }

  @Test("an unterminated attribute value of 1 MB is refused")
  func megabyteAttribute() async throws {
    var bytes = Array(
      "<policies>\n<inbound>\n<base />\n<set-header name=\"x-functions-key\"><value>{{attr-key}}</value></set-header>\n<set-variable name=\"v\" value=\""
        .utf8)
    bytes += [UInt8](repeating: 0x61, count: 1024 * 1024)
    bytes += Array(" />\n</inbound>\n</policies>\n".utf8)
    try await expectRefused("apis/attr/policy.xml", bytes, line: 5...7)
  }

  @Test("long lines and large attribute values that are well-formed are migrated")
  func largeWellFormed() async throws {
    var line = Array(
      "<policies><inbound><base /><set-header name=\"x-functions-key\" exists-action=\"override\"><value>{{k}}</value></set-header>"
        .utf8)
    let element = Array("<set-variable name=\"v\" value=\"abcdefghij\" />".utf8)
    while line.count < 10 * 1024 * 1024 { line += element }
    line += Array("</inbound></policies>\n".utf8)
    var attribute = Array(
      "<policies>\n<inbound>\n<base />\n<set-header name=\"x-functions-key\" exists-action=\"override\"><value>{{k}}</value></set-header>\n<set-variable name=\"v\" value=\""
        .utf8)
    attribute += [UInt8](repeating: 0x61, count: 1024 * 1024)
    attribute += Array("\" />\n</inbound>\n</policies>\n".utf8)
    try await withTemporaryTree(bytes: ["line.xml": line, "attribute.xml": attribute]) { root in
      let outcome = await Reliability.run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(outcome.exited(0), "\(outcome.summary)")
      for path in ["line.xml", "attribute.xml"] {
        let after = CLI.read(root, path) ?? []
        #expect(Reliability.offset(of: "x-functions-key", in: after) == nil, "\(path) still injects the key")
        #expect(Reliability.offset(of: "<authentication-managed-identity", in: after) != nil, "\(path) not migrated")
      }
      #expect(Reliability.temporaryFiles(root).isEmpty)
    }
  }

  // MARK: Policy expressions

  @Test("an unterminated @( is an error at the @", arguments: ["attribute", "text"])
  func unterminatedParenthesis(place: String) async throws {
    let bytes = Array(
      (place == "attribute"
        ? "<policies>\n  <inbound>\n    <base />\n    <set-variable name=\"x\" value=\"@(context.Request.Headers.GetValueOrDefault(&quot;a&quot;, &quot;&quot;)\" />\n    <set-header name=\"x-functions-key\"><value>{{k}}</value></set-header>\n  </inbound>\n</policies>\n"
        : "<policies>\n  <inbound>\n    <base />\n    <set-header name=\"x-functions-key\"><value>{{k}}</value></set-header>\n    <set-body>@(context.Request.Body.As<string>(</set-body>\n  </inbound>\n</policies>\n")
        .utf8)
    let at = Reliability.offset(of: "@(", in: bytes)!
    let (line, column) = Reliability.location(of: at, in: bytes)
    try await expectRefused("apis/paren-\(place)/policy.xml", bytes, line: line...line, column: column)
  }

  @Test("an unterminated @{ is an error at the @", arguments: ["attribute", "text"])
  func unterminatedBrace(place: String) async throws {
    let bytes = Array(
      (place == "attribute"
        ? "<policies>\n  <inbound>\n    <base />\n    <set-variable name=\"x\" value=\"@{ return &quot;a&quot;; \" />\n    <set-header name=\"x-functions-key\"><value>{{k}}</value></set-header>\n  </inbound>\n</policies>\n"
        : "<policies>\n  <inbound>\n    <base />\n    <set-header name=\"x-functions-key\"><value>{{k}}</value></set-header>\n    <set-body>@{\n      var x = new JObject();\n      return x.ToString();\n    </set-body>\n  </inbound>\n</policies>\n")
        .utf8)
    let at = Reliability.offset(of: "@{", in: bytes)!
    let (line, column) = Reliability.location(of: at, in: bytes)
    try await expectRefused("apis/brace-\(place)/policy.xml", bytes, line: line...line, column: column)
  }

  @Test("an unterminated expression at the very end of a file is an error")
  func unterminatedAtEnd() async throws {
    for (name, tail) in [("paren", "@("), ("brace", "@{"), ("nested", "@(((((((((({{{{{{")] {
      let bytes = Array(
        "<policies>\n  <inbound>\n    <set-header name=\"x-functions-key\"><value>{{k}}</value></set-header>\n    <set-body>\(tail)"
          .utf8)
      let at = Reliability.offset(of: tail, in: bytes)!
      let (line, column) = Reliability.location(of: at, in: bytes)
      try await expectRefused("apis/end-\(name)/policy.xml", bytes, line: line...line, column: column)
    }
  }
}
