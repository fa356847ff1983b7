import Foundation
import PolicyDOM
import PolicyRewrite
import PolicyRewriteCLI
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Helpers shared by the reliability suites (hostile input, write safety, kills): a child
/// process with a deadline and signals, temporary-file detection, deterministic bytes.
enum Reliability {
  /// What a finished (or killed) child did.
  struct Outcome {
    /// The exit status, or the signal number when `signaled`.
    var status: Int32
    /// Whether the child ended on a signal (a crash, or a signal the test sent).
    var signaled: Bool
    /// Whether the test killed the child because it passed its deadline.
    var timedOut: Bool
    var stdout: Data
    var stderr: String
    var seconds: Double

    /// A summary for failure messages.
    var summary: String {
      let tail = stderr.count > 2000 ? "…" + String(stderr.suffix(2000)) : stderr
      return "status \(status)\(signaled ? " (signal)" : "")\(timedOut ? " TIMED OUT" : ""), "
        + String(format: "%.1f s", seconds) + ", stderr:\n\(tail)"
    }
  }

  /// How much longer than usual a child may take: `POLICY_REWRITE_TIMEOUT_SCALE` (set by
  /// scripts/sanitize, where the instrumented binary is several times slower), else 1.
  static let timeoutScale: Double = {
    let value = ProcessInfo.processInfo.environment["POLICY_REWRITE_TIMEOUT_SCALE"].flatMap(Double.init) ?? 1
    return max(value, 1)
  }()

  /// A running child whose output goes to files, so a large output cannot block it.
  final class Child {
    let process = Process()
    /// Signalled once, when the child has ended.
    private let exited = DispatchSemaphore(value: 0)
    private let scratch: URL
    private let started = Date()
    private var killedForTime = false

    init(
      _ arguments: [String], cwd: URL, stdin: Data? = nil, executable: URL = CLI.binary,
      environment overrides: [String: String] = [:]
    ) throws {
      scratch = try CLI.makeTemporaryFolder("policy-rewrite-child")
      let out = scratch.appendingPathComponent("stdout")
      let err = scratch.appendingPathComponent("stderr")
      let inp = scratch.appendingPathComponent("stdin")
      _ = FileManager.default.createFile(atPath: out.path, contents: nil)
      _ = FileManager.default.createFile(atPath: err.path, contents: nil)
      _ = FileManager.default.createFile(atPath: inp.path, contents: stdin ?? Data())
      process.executableURL = executable
      process.arguments = arguments
      process.currentDirectoryURL = cwd
      var environment = ProcessInfo.processInfo.environment
      environment["GITHUB_STEP_SUMMARY"] = nil
      environment["NO_COLOR"] = nil
      for (key, value) in overrides { environment[key] = value }
      process.environment = environment
      let output = try FileHandle(forWritingTo: out)
      let errors = try FileHandle(forWritingTo: err)
      let input = try FileHandle(forReadingFrom: inp)
      defer {
        try? output.close()
        try? errors.close()
        try? input.close()
      }
      process.standardOutput = output
      process.standardError = errors
      process.standardInput = input
      process.terminationHandler = { [exited] _ in exited.signal() }
      try process.run()
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    var pid: Int32 { process.processIdentifier }

    /// Sends `signal` to the child.
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the child to end; past `timeout` seconds (times ``timeoutScale``) it is
    /// killed with SIGKILL.
    func wait(timeout: Double = 120) -> Outcome {
      if exited.wait(timeout: .now() + timeout * Reliability.timeoutScale) == .timedOut {
        killedForTime = true
        kill(process.processIdentifier, SIGKILL)
        exited.wait()
      }
      process.waitUntilExit()
      let out = (try? Data(contentsOf: scratch.appendingPathComponent("stdout"))) ?? Data()
      let err = (try? Data(contentsOf: scratch.appendingPathComponent("stderr"))) ?? Data()
      return Outcome(
        status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
        timedOut: killedForTime, stdout: out, stderr: String(decoding: err, as: UTF8.self),
        seconds: Date().timeIntervalSince(started))
    }
  }

  /// Runs the built binary (or `executable`) to its end, killing it after `timeout` seconds.
  static func run(
    _ arguments: [String], cwd: URL, stdin: Data? = nil, timeout: Double = 120, executable: URL = CLI.binary
  ) -> Outcome {
    do {
      return try Child(arguments, cwd: cwd, stdin: stdin, executable: executable).wait(timeout: timeout)
    } catch {
      return Outcome(
        status: -1, signaled: false, timedOut: false, stdout: Data(), stderr: "cannot run: \(error)", seconds: 0)
    }
  }

  /// The relative paths of leftover temporary files (`.NAME.policy-rewrite-XXXXXX`) below `root`.
  static func temporaryFiles(_ root: URL) -> [String] {
    entries(root).map(\.path).filter(isTemporary)
  }

  /// Every entry below `root` (hidden ones too), relative, with its kind; links not followed.
  static func entries(_ root: URL) -> [(path: String, kind: FileSystem.Kind)] {
    var result: [(String, FileSystem.Kind)] = []
    func walk(_ folder: String, _ relative: String) {
      for entry in (try? FileSystem.entries(of: folder)) ?? [] {
        let path = relative.isEmpty ? entry.name : relative + "/" + entry.name
        result.append((path, entry.kind))
        if entry.kind == .directory { walk(folder + "/" + entry.name, path) }
      }
    }
    walk(root.path, "")
    return result
  }

  /// Whether `path` is the name of a temporary file of an atomic write.
  static func isTemporary(_ path: String) -> Bool {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    return name.hasPrefix(".") && name.contains(".policy-rewrite-")
  }

  /// Removes the file at `path` and creates it anew with `bytes`, mode 0644.
  static func recreate(_ path: String, _ bytes: [UInt8]) throws {
    unlink(path)
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    defer { close(fd) }
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
    guard written == bytes.count else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
  }

  /// Whether two byte arrays are equal (memcmp: `==` on arrays is slow in debug builds).
  static func same(_ a: [UInt8]?, _ b: [UInt8]?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return a.count == b.count
      && a.withUnsafeBytes { x in
        b.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
      }
  }

  /// The bytes of a regular file, or `nil` (read with plain system calls, for speed).
  static func bytes(_ root: URL, _ path: String) -> [UInt8]? {
    try? FileSystem.read(root.path + "/" + path).bytes
  }

  /// The `stat` of a path without following a final link.
  static func lstatOf(_ path: String) -> stat? {
    var info = stat()
    return lstat(path, &info) == 0 ? info : nil
  }

  /// Permission bits of a file.
  static func mode(_ path: String) -> Int {
    Int((lstatOf(path)?.st_mode ?? 0) & 0o7777)
  }

  /// Whether the file's inode, size and modification time are those of `before`.
  static func sameStat(_ path: String, _ before: stat?) -> Bool {
    guard let before, let after = lstatOf(path) else { return false }
    return before.st_ino == after.st_ino && before.st_size == after.st_size
      && before.st_mtim.tv_sec == after.st_mtim.tv_sec && before.st_mtim.tv_nsec == after.st_mtim.tv_nsec
  }

  /// Deterministic pseudo-random bytes (SplitMix64).
  struct Random: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  /// A key-injecting policy of about `size` bytes, unique to `index`; LF line ends.
  static func paddedInjection(_ index: Int, size: Int = 4096) -> String {
    var padding = ""
    var line = 0
    let head = Policies.injection("api-\(index)-func-key")
    while head.utf8.count + padding.utf8.count < size - 90 {
      padding += "        <set-variable name=\"v\(line)\" value=\"file \(index) line \(line) abcdefghijklmnopq\" />\n"
      line += 1
    }
    let base = head.range(of: "        <base />\n")!
    return head.replacingCharacters(in: base, with: "        <base />\n" + padding)
  }

  /// 1-based line and column (in bytes) of `offset` in `bytes`.
  static func location(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
    var line = 1
    var lineStart = 0
    for i in 0..<offset where bytes[i] == 0x0A {
      line += 1
      lineStart = i + 1
    }
    return (line, offset - lineStart + 1)
  }

  /// The offset of the first occurrence of `needle` in `bytes`.
  static func offset(of needle: String, in bytes: [UInt8]) -> Int? {
    let pattern = Array(needle.utf8)
    guard bytes.count >= pattern.count else { return nil }
    for i in 0...(bytes.count - pattern.count) where bytes[i] == pattern[0] {
      if bytes[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
    }
    return nil
  }

  /// Every stderr line that neither is a finding of a path in `paths` nor a summary line.
  static func strayLines(_ stderr: String, paths: [String]) -> [String] {
    stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init).filter { line in
      if line.hasPrefix("policy-rewrite ") || line.hasPrefix("named values ") { return false }
      return !paths.contains { line.hasPrefix($0 + ":") }
    }
  }
}

/// Broken and hostile input: each file is refused with exit 2 and one error line naming it
/// (with line:col where there is one), stays untouched, and the other files of the run are
/// still migrated.
@Suite(.serialized)
struct HostileInputTests {
  static let goodPath = "apis/good/policy.xml"

  /// Runs `migrate --write` over a tree of the good file and `bytes` at `path`, and checks
  /// the contract. `line` is the expected line of the error (a range: libxml2 may report
  /// the line after), `column` the exact column when known.
  private func expectRefused(
    _ path: String, _ bytes: [UInt8], line expectedLine: ClosedRange<Int>? = nil, column expectedColumn: Int? = nil,
    messageContains: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let root = try CLI.makeTemporaryFolder("policy-rewrite-hostile")
    defer { try? FileManager.default.removeItem(at: root) }
    try CLI.write([Self.goodPath: Array(Policies.injection().utf8)], under: root)
    let hostileURL = root.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: hostileURL.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: hostileURL)
    let before = Reliability.lstatOf(hostileURL.path)

    let outcome = Reliability.run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
    #expect(!outcome.timedOut, "did not finish in time: \(outcome.summary)", sourceLocation: sourceLocation)
    #expect(!outcome.signaled, "crashed: \(outcome.summary)", sourceLocation: sourceLocation)
    #expect(outcome.status == 2, "exit status: \(outcome.summary)", sourceLocation: sourceLocation)

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
  func malformed() throws {
    // `</inbound` lacks its `>` on line 5; libxml2 notices it there or on line 6.
    try expectRefused("apis/bad/policy.xml", Array(Policies.malformed.utf8), line: 5...6)
  }

  @Test("a truncated file is refused")
  func truncated() throws {
    let whole = Array(Policies.injection("cut-func-key").utf8)
    let cut = Array(whole[..<(whole.count / 2)])
    let lastLine = Reliability.location(of: cut.count, in: cut).line
    try expectRefused("apis/cut/policy.xml", cut, line: 1...lastLine + 1)
  }

  @Test("an empty file is refused")
  func empty() throws {
    try expectRefused("apis/empty/policy.xml", [], line: 1...1)
  }

  @Test("a binary file (random bytes with NULs) is refused")
  func binary() throws {
    var random = Reliability.Random(seed: 0x5EED_B1AA)
    var bytes = (0..<65536).map { _ in UInt8.random(in: 0...255, using: &random) }
    for i in stride(from: 3, to: bytes.count, by: 97) { bytes[i] = 0 }
    try expectRefused("apis/binary/policy.xml", bytes)
  }

  @Test("a binary file that starts like a policy is refused")
  func binaryAfterPolicyStart() throws {
    var random = Reliability.Random(seed: 0x5EED_B1AB)
    var bytes = Array("<policies>\n    <inbound>\n".utf8)
    bytes += (0..<65536).map { i in i % 89 == 0 ? 0 : UInt8.random(in: 0...255, using: &random) }
    try expectRefused("apis/binary2/policy.xml", bytes, line: 1...3)
  }

  @Test("invalid UTF-8 is refused with its line")
  func invalidUTF8() throws {
    var bytes = Array(Policies.injection("utf8-func-key").utf8)
    let at = Reliability.offset(of: "{{utf8", in: bytes)!
    bytes.insert(contentsOf: [0xC3, 0x28, 0xFF, 0xFE], at: at)
    let line = Reliability.location(of: at, in: bytes).line
    try expectRefused("apis/utf8/policy.xml", bytes, line: line...line)
  }

  @Test("UTF-16 LE with a byte-order mark is refused as UTF-16")
  func utf16LE() throws {
    let bytes: [UInt8] =
      [0xFF, 0xFE] + Policies.injection("u16le-func-key").utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    try expectRefused("apis/u16le/policy.xml", bytes, line: 1...1, messageContains: "UTF-16")
  }

  @Test("UTF-16 BE with a byte-order mark is refused as UTF-16")
  func utf16BE() throws {
    let bytes: [UInt8] =
      [0xFE, 0xFF] + Policies.injection("u16be-func-key").utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    try expectRefused("apis/u16be/policy.xml", bytes, line: 1...1, messageContains: "UTF-16")
  }

  // MARK: DOCTYPE, entities

  @Test("external and parameter entities are refused and the target file is never read into any output")
  func externalEntities() throws {
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
    try expectRefused("apis/xxe/policy.xml", Array(general.utf8), line: 2...2)
    try expectRefused("apis/pe/policy.xml", Array(parameter.utf8), line: 2...2)
    try expectRefused("apis/dtd/policy.xml", Array(external.utf8), line: 2...2)

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
      let outcome = Reliability.run(arguments, cwd: root, stdin: stdin)
      #expect(outcome.status == 2 && !outcome.signaled, "\(arguments): \(outcome.summary)")
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
  func billionLaughs() throws {
    var document = "<?xml version=\"1.0\"?>\n<!DOCTYPE policies [\n  <!ENTITY lol0 \"lol\">\n"
    for level in 1...9 {
      document += "  <!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">\n"
    }
    document +=
      "]>\n<policies><inbound><base /><set-header name=\"x-functions-key\"><value>&lol9;</value></set-header></inbound></policies>\n"
    try expectRefused("apis/lol/policy.xml", Array(document.utf8), line: 2...2)
  }

  @Test("quadratic blow-up is refused")
  func quadraticBlowUp() throws {
    let entity = String(repeating: "x", count: 100_000)
    let document =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE policies [<!ENTITY a \"\(entity)\">]>\n<policies><inbound><base />"
      + String(repeating: "&a;", count: 100_000) + "</inbound></policies>\n"
    try expectRefused("apis/quadratic/policy.xml", Array(document.utf8), line: 2...2)
  }

  // MARK: Size and depth

  @Test("nesting 10,000 levels deep is refused", arguments: [10_000, 1_000_000])
  func deepNesting(depth: Int) throws {
    var bytes = Array("<policies>\n<inbound>\n<base />\n".utf8)
    bytes.reserveCapacity(depth * 7 + 100)
    for _ in 0..<depth { bytes += [0x3C, 0x61, 0x3E] }  // <a>
    for _ in 0..<depth { bytes += [0x3C, 0x2F, 0x61, 0x3E] }  // </a>
    bytes += Array("\n</inbound>\n</policies>\n".utf8)
    try expectRefused("apis/deep\(depth)/policy.xml", bytes, line: 4...4)
  }

  @Test("a 100 MB file with an error near its end is refused at the right line")
  func hundredMegabytes() throws {
    let header =
      "<policies>\n    <inbound>\n        <base />\n"
      + Policies.injection("big-func-key")
      .components(separatedBy: "\n").filter { $0.contains("set-header") || $0.contains("<value>") }.joined(
        separator: "\n") + "\n"
    let body = Array("        <set-variable name=\"v\" value=\"abcdefghijklmnopqrstuvwxyz0123456789\" />\n".utf8)
    let tail = Array("    </inbound>\n    <outbound\n</policies>\n".utf8)
    var bytes = Array(header.utf8)
    let count = (100 * 1024 * 1024 - bytes.count - tail.count) / body.count
    bytes.reserveCapacity(100 * 1024 * 1024 + 1024)
    for _ in 0..<count { bytes += body }
    bytes += tail
    #expect(bytes.count >= 100 * 1024 * 1024 - body.count)
    let broken = Reliability.location(of: bytes.count - tail.count + 15, in: bytes).line  // `<outbound`
    try expectRefused("apis/big/policy.xml", bytes, line: broken...broken + 1)
  }

  @Test("a single line of 10 MB with an error at its end is refused at the right column")
  func tenMegabyteLine() throws {
    var bytes = Array(
      "<policies><inbound><base /><set-header name=\"x-functions-key\"><value>{{line-key}}</value></set-header>".utf8)
    let element = Array("<set-variable name=\"v\" value=\"abcdefghij\" />".utf8)
    while bytes.count < 10 * 1024 * 1024 { bytes += element }
    bytes += Array("</inbound><outbound</policies>\n".utf8)
    try expectRefused("apis/line/policy.xml", bytes, line: 1...1)
  }

  @Test("an unterminated attribute value of 1 MB is refused")
  func megabyteAttribute() throws {
    var bytes = Array(
      "<policies>\n<inbound>\n<base />\n<set-header name=\"x-functions-key\"><value>{{attr-key}}</value></set-header>\n<set-variable name=\"v\" value=\""
        .utf8)
    bytes += [UInt8](repeating: 0x61, count: 1024 * 1024)
    bytes += Array(" />\n</inbound>\n</policies>\n".utf8)
    try expectRefused("apis/attr/policy.xml", bytes, line: 5...7)
  }

  @Test("long lines and large attribute values that are well-formed are migrated")
  func largeWellFormed() throws {
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
    try withTemporaryTree(bytes: ["line.xml": line, "attribute.xml": attribute]) { root in
      let outcome = Reliability.run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(outcome.status == 0 && !outcome.signaled && !outcome.timedOut, "\(outcome.summary)")
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
  func unterminatedParenthesis(place: String) throws {
    let bytes = Array(
      (place == "attribute"
        ? "<policies>\n  <inbound>\n    <base />\n    <set-variable name=\"x\" value=\"@(context.Request.Headers.GetValueOrDefault(&quot;a&quot;, &quot;&quot;)\" />\n    <set-header name=\"x-functions-key\"><value>{{k}}</value></set-header>\n  </inbound>\n</policies>\n"
        : "<policies>\n  <inbound>\n    <base />\n    <set-header name=\"x-functions-key\"><value>{{k}}</value></set-header>\n    <set-body>@(context.Request.Body.As<string>(</set-body>\n  </inbound>\n</policies>\n")
        .utf8)
    let at = Reliability.offset(of: "@(", in: bytes)!
    let (line, column) = Reliability.location(of: at, in: bytes)
    try expectRefused("apis/paren-\(place)/policy.xml", bytes, line: line...line, column: column)
  }

  @Test("an unterminated @{ is an error at the @", arguments: ["attribute", "text"])
  func unterminatedBrace(place: String) throws {
    let bytes = Array(
      (place == "attribute"
        ? "<policies>\n  <inbound>\n    <base />\n    <set-variable name=\"x\" value=\"@{ return &quot;a&quot;; \" />\n    <set-header name=\"x-functions-key\"><value>{{k}}</value></set-header>\n  </inbound>\n</policies>\n"
        : "<policies>\n  <inbound>\n    <base />\n    <set-header name=\"x-functions-key\"><value>{{k}}</value></set-header>\n    <set-body>@{\n      var x = new JObject();\n      return x.ToString();\n    </set-body>\n  </inbound>\n</policies>\n")
        .utf8)
    let at = Reliability.offset(of: "@{", in: bytes)!
    let (line, column) = Reliability.location(of: at, in: bytes)
    try expectRefused("apis/brace-\(place)/policy.xml", bytes, line: line...line, column: column)
  }

  @Test("an unterminated expression at the very end of a file is an error")
  func unterminatedAtEnd() throws {
    for (name, tail) in [("paren", "@("), ("brace", "@{"), ("nested", "@(((((((((({{{{{{")] {
      let bytes = Array(
        "<policies>\n  <inbound>\n    <set-header name=\"x-functions-key\"><value>{{k}}</value></set-header>\n    <set-body>\(tail)"
          .utf8)
      let at = Reliability.offset(of: tail, in: bytes)!
      let (line, column) = Reliability.location(of: at, in: bytes)
      try expectRefused("apis/end-\(name)/policy.xml", bytes, line: line...line, column: column)
    }
  }
}
