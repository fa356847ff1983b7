import Foundation
import PolicyRewriteCLI
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The subprocess runner of the tests and what the reliability suites share
/// (hostile input, write safety, kills): a child process with a deadline and signals,
/// temporary-file detection, deterministic bytes, large trees.
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

    /// The outcome of a child that could not be started.
    static func notStarted(_ error: any Error) -> Outcome {
      Outcome(status: -1, signaled: false, timedOut: false, stdout: Data(), stderr: "cannot run: \(error)", seconds: 0)
    }

    /// Whether the child ended by itself (no signal, no deadline) with `expected`: what every
    /// end-to-end test asserts, so that a crash never passes for an expected status (SIGINT
    /// and SIGHUP have the numbers of statuses 2 and 1).
    func exited(_ expected: Int32) -> Bool { !signaled && !timedOut && status == expected }

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

  /// The end of a child, told once by its process's termination handler to any waiter,
  /// blocking or suspended.
  final class Ending: Sendable {
    private struct State {
      var ended = false
      var timedOut = false
      var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())
    /// Wakes the blocking waiter.
    private let semaphore = DispatchSemaphore(value: 0)

    /// Called once, when the child has ended and been reaped.
    func end() {
      let waiters = state.withLock { state in
        state.ended = true
        defer { state.waiters = [] }
        return state.waiters
      }
      semaphore.signal()
      for waiter in waiters { waiter.resume() }
    }

    /// Kills the child with SIGKILL if it is still running (its pid is still ours until it
    /// has been reaped), and records that it ran out of time.
    func expire(_ pid: Int32) {
      state.withLock { state in
        guard !state.ended else { return }
        state.timedOut = true
        kill(pid, SIGKILL)
      }
    }

    var timedOut: Bool { state.withLock { $0.timedOut } }

    /// Blocks until the end or `deadline`; whether the child ended.
    func wait(until deadline: DispatchTime) -> Bool {
      guard semaphore.wait(timeout: deadline) == .success else { return false }
      semaphore.signal()
      return true
    }

    /// Suspends until the end, holding no thread.
    func wait() async {
      await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
        let ended = state.withLock { state in
          if !state.ended { state.waiters.append(waiter) }
          return state.ended
        }
        if ended { waiter.resume() }
      }
    }
  }

  /// A running child whose output goes to files, so a large output cannot block it.
  ///
  /// `wait(timeout:)` blocks (or, from async code, suspends) until the child ends; its
  /// termination handler tells it. Nothing polls.
  final class Child {
    let process = Process()
    private let scratch: URL
    private let started = Date()
    private let ending = Ending()

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
      environment["RECORD_GOLDENS"] = nil
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
      let ending = self.ending
      process.terminationHandler = { _ in ending.end() }
      try process.run()
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    var pid: Int32 { process.processIdentifier }

    /// Sends `signal` to the child.
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Blocks until the child ends; past `timeout` seconds (times ``timeoutScale``) it is
    /// killed with SIGKILL and the outcome says `timedOut`.
    func wait(timeout: Double = 120) -> Outcome {
      if !ending.wait(until: .now() + timeout * Reliability.timeoutScale) {
        ending.expire(pid)
        _ = ending.wait(until: .distantFuture)
      }
      return outcome()
    }

    /// Suspends until the child ends, holding no thread meanwhile (so that other tests run);
    /// past `timeout` seconds (times ``timeoutScale``) it is killed with SIGKILL.
    func wait(timeout: Double = 120) async -> Outcome {
      let (ending, pid) = (self.ending, self.pid)
      let deadline = Task {
        try await Task.sleep(for: .seconds(timeout * Reliability.timeoutScale))
        ending.expire(pid)
      }
      await ending.wait()
      deadline.cancel()
      return outcome()
    }

    /// What the ended child did.
    private func outcome() -> Outcome {
      let out = (try? Data(contentsOf: scratch.appendingPathComponent("stdout"))) ?? Data()
      let err = (try? Data(contentsOf: scratch.appendingPathComponent("stderr"))) ?? Data()
      return Outcome(
        status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
        timedOut: ending.timedOut, stdout: out, stderr: String(decoding: err, as: UTF8.self),
        seconds: Date().timeIntervalSince(started))
    }
  }

  /// Runs the built binary (or `executable`) to its end, killing it after `timeout` seconds.
  static func run(
    _ arguments: [String], cwd: URL, stdin: Data? = nil, timeout: Double = 120, executable: URL = CLI.binary,
    environment: [String: String] = [:]
  ) -> Outcome {
    do {
      return try Child(arguments, cwd: cwd, stdin: stdin, executable: executable, environment: environment)
        .wait(timeout: timeout)
    } catch {
      return .notStarted(error)
    }
  }

  /// ``run(_:cwd:stdin:timeout:executable:environment:)`` for async tests: the test holds no
  /// thread while the child runs.
  static func run(
    _ arguments: [String], cwd: URL, stdin: Data? = nil, timeout: Double = 120, executable: URL = CLI.binary,
    environment: [String: String] = [:]
  ) async -> Outcome {
    do {
      return try await Child(arguments, cwd: cwd, stdin: stdin, executable: executable, environment: environment)
        .wait(timeout: timeout)
    } catch {
      return .notStarted(error)
    }
  }

  /// The relative paths of leftover temporary files (`.NAME.policy-rewrite-XXXXXX`) below `root`.
  static func temporaryFiles(_ root: URL) -> [String] {
    entries(root).map(\.path).filter(isTemporary)
  }

  /// Every entry below `root` (hidden ones too), relative, with its kind; links not followed;
  /// folders named in `skipping` are listed but not entered. The one tree walk of the tests.
  static func entries(_ root: URL, skipping: Set<String> = []) -> [(path: String, kind: FileSystem.Kind)] {
    var result: [(String, FileSystem.Kind)] = []
    func walk(_ folder: String, _ relative: String) {
      for entry in (try? FileSystem.entries(of: folder)) ?? [] {
        let path = relative.isEmpty ? entry.name : relative + "/" + entry.name
        result.append((path, entry.kind))
        if entry.kind == .directory && !skipping.contains(entry.name) { walk(folder + "/" + entry.name, path) }
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

  /// `count` key-injecting policies of about `size` bytes in folders of 50, all different.
  static func largeTree(count: Int, size: Int = 4096) -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    for index in 0..<count {
      let path = String(format: "apis/api-%03d/op-%05d/policy.xml", index / 50, index)
      files[path] = Array(paddedInjection(index, size: size).utf8)
    }
    return files
  }

  /// What `migrate --write` makes of `tree`, from a run on a pristine copy, and how long it took.
  static func migratedTree(_ tree: [String: [UInt8]]) throws -> (new: [String: [UInt8]], seconds: Double) {
    try withTemporaryTree(bytes: tree) { root in
      let outcome = Reliability.run(
        ["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root, timeout: 300)
      try #require(outcome.status == 0, "\(outcome.summary)")
      let new = CLI.snapshot(root)
      try #require(Set(new.keys) == Set(tree.keys))
      return (new, outcome.seconds)
    }
  }

  /// 1-based line and column (in bytes) of `offset` in `bytes`.
  static func location(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
    bytes.withUnsafeBufferPointer { buffer in
      let prefix = UnsafeBufferPointer(rebasing: buffer[..<offset])
      guard let base = prefix.baseAddress, !prefix.isEmpty else { return (1, offset + 1) }
      var line = 1
      var lineStart = 0
      var cursor = 0
      // memchr: a byte-by-byte loop over 100 MB is slow in debug builds.
      while cursor < prefix.count, let hit = memchr(base + cursor, 0x0A, prefix.count - cursor) {
        let index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        line += 1
        lineStart = index + 1
        cursor = index + 1
      }
      return (line, offset - lineStart + 1)
    }
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
    // The named values of the clean-up lists follow their heading, one an indented line.
    var inList = false
    return stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init).filter { line in
      if inList && line.hasPrefix("  ") { return false }
      inList = line.hasPrefix("named values ")
      if line.hasPrefix("policy-rewrite ") || line.hasPrefix("named values ") || line.hasPrefix("resources: ")
        || line.hasPrefix("no global policy among the scanned files: ")
      {
        return false
      }
      // The per-file lines of migrate name a file after their label.
      for label in ["would change: ", "rewrote: ", "wrote: ", "needs review: "] where line.hasPrefix(label) {
        return !paths.contains { String(line.dropFirst(label.count)).hasPrefix($0) }
      }
      return !paths.contains { line.hasPrefix($0 + ":") }
    }
  }
}
