import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

#if canImport(Glibc)
  import Glibc
#endif

/// Attacks and accidents at the edges of the process: closed standard descriptors, closed
/// pipes, files changed or swapped at the worst moment, output folders that overlap the
/// input, odd file names, resource limits.
@Suite(.serialized)
struct AdversarialTests {
  static let shell = URL(fileURLWithPath: "/bin/sh")

  /// Runs the built binary through `sh -c SCRIPT`, where the script runs `"$0" "$@"` (the
  /// binary and `arguments`) with the redirections or limits it sets.
  static func runThroughShell(_ script: String, _ arguments: [String], cwd: URL, timeout: Double = 120)
    -> Reliability.Outcome
  {
    Reliability.run(["-c", script, CLI.binary.path] + arguments, cwd: cwd, timeout: timeout, executable: shell)
  }

  /// Counts how many files of `tree` below `root` are old, new, or something else.
  static func states(_ root: URL, old: [String: [UInt8]], new: [String: [UInt8]]) -> (
    old: Int, new: Int, other: [String]
  ) {
    var result = (old: 0, new: 0, other: [String]())
    for path in old.keys.sorted() {
      let now = CLI.read(root, path)
      if Reliability.same(now, old[path]) {
        result.old += 1
      } else if Reliability.same(now, new[path]) {
        result.new += 1
      } else {
        result.other.append(path)
      }
    }
    return result
  }

  static let smallTree: (old: [String: [UInt8]], new: [String: [UInt8]])? = {
    let old = Reliability.largeTree(count: 300, size: 1024)
    guard let migrated = try? Reliability.migratedTree(old) else { return nil }
    return (old, migrated.new)
  }()

  // MARK: Standard descriptors

  @Test(
    "migrate --write with standard output, error or both closed: every file migrated, never a report in a file",
    .slow, .tags(.slow), arguments: ["1>&-", "2>&-", "1>&- 2>&-"])
  func closedStandardDescriptors(redirection: String) throws {
    let tree = try #require(Self.smallTree)
    try withTemporaryTree(bytes: tree.old) { root in
      let outcome = Self.runThroughShell(
        "exec \"$0\" \"$@\" \(redirection)", ["migrate", "--write", "--diff", "--resource", CLI.resource, "apis"],
        cwd: root)
      let states = Self.states(root, old: tree.old, new: tree.new)
      #expect(states.other.isEmpty, "\(redirection): files in a third state: \(states.other.prefix(5))")
      #expect(states.new == tree.old.count, "\(redirection): \(states.old) files left old")
      #expect(Reliability.temporaryFiles(root).isEmpty)
      // The diffs (standard output) or the totals (standard error) were lost: not a success.
      #expect(outcome.exited(2), "\(redirection): \(outcome.summary)")
    }
  }

  @Test("a run with nothing to write on a closed standard output still succeeds")
  func closedOutputWithNothingToWrite() throws {
    try withTemporaryTree(["apis/a/policy.xml": Policies.injection()]) { root in
      let outcome = Self.runThroughShell(
        "exec \"$0\" \"$@\" 1>&-", ["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(outcome.exited(0), "\(outcome.summary)")
      expectFile(root, "apis/a/policy.xml", Policies.migrated())
    }
  }

  // MARK: Closed pipe

  @Test(
    "migrate --write --diff into a pipe closed early: every file old or new, no temporary file", .slow, .tags(.slow))
  func closedPipe() throws {
    let tree = try #require(Self.smallTree)
    try withTemporaryTree(bytes: tree.old) { root in
      // `head` reads one line and exits; the next writes of the diff meet a closed pipe.
      let outcome = Reliability.run(
        [
          "-c", "\"$0\" \"$@\" | head -n 1 >/dev/null; echo \"status ${PIPESTATUS[0]}\"", CLI.binary.path,
          "migrate", "--write", "--diff", "--jobs", "2", "--resource", CLI.resource, "apis",
        ], cwd: root, executable: URL(fileURLWithPath: "/bin/bash"))
      let states = Self.states(root, old: tree.old, new: tree.new)
      #expect(states.other.isEmpty, "files in a third state: \(states.other.prefix(5))")
      #expect(Reliability.temporaryFiles(root).isEmpty, "left: \(Reliability.temporaryFiles(root).prefix(5))")
      let status = text(outcome.stdout).trimmingCharacters(in: .whitespacesAndNewlines)
      #expect(status == "status 141", "\(status); \(outcome.summary)")
    }
  }

  // MARK: Changed on disk

  @Test("a file appended to after its temporary file is written is not overwritten", .slow, .tags(.slow))
  func appendDuringWrite() throws {
    try withTemporaryTree(["policy.xml": Policies.injection()]) { root in
      let path = Array(root.appendingPathComponent("policy.xml").path.utf8)
      let (_, stamp) = try FileSystem.read(path)
      let staged = try FileSystem.stageReplacement(path, with: Array(Policies.migrated().utf8), expected: stamp)
      // Another writer appends while the new bytes are flushed.
      let handle = try FileHandle(forWritingTo: root.appendingPathComponent("policy.xml"))
      try handle.seekToEnd()
      try handle.write(contentsOf: Data("<!-- appended -->\n".utf8))
      try handle.close()
      #expect(throws: FileSystemError.self) { try staged.commit() }
      expectFile(root, "policy.xml", Policies.injection() + "<!-- appended -->\n", "the append was lost")
      #expect(Reliability.temporaryFiles(root).isEmpty)
    }
  }

  // MARK: FIFOs

  @Test("a FIFO where a file is read gives an error at once, never blocks")
  func fifoIsNotOpenedForReading() throws {
    try withTemporaryTree(["apis/a/policy.xml": Policies.injection()]) { root in
      try #require(mkfifo(root.appendingPathComponent("map.json").path, 0o644) == 0)
      let outcome = Reliability.run(
        ["migrate", "--resource-map", "map.json", "apis"], cwd: root, timeout: 60)
      #expect(!outcome.timedOut, "blocked on the FIFO: \(outcome.summary)")
      #expect(outcome.exited(2), "\(outcome.summary)")
      #expect(outcome.stderr.contains("not a regular file"), "\(outcome.summary)")
    }
  }

  @Test("a FIFO swapped in for a file after the walk is refused without blocking")
  func fifoSwappedIn() throws {
    try withTemporaryTree(["policy.xml": Policies.injection()]) { root in
      let path = root.appendingPathComponent("policy.xml").path
      unlink(path)
      try #require(mkfifo(path, 0o644) == 0)
      // What a worker does with a file the walk found: it must not wait for a writer.
      #expect(throws: FileSystemError.self) { try FileSystem.read(path) }
    }
  }

  // MARK: Threads

  @Test(
    "--jobs 100000 under a memory limit: capped, and threads the system refuses are done without", .slow, .tags(.slow))
  func jobsUnderMemoryLimit() throws {
    let tree = try #require(Self.smallTree)
    try withTemporaryTree(bytes: tree.old) { root in
      // Thread stacks of 1 GB in 3 GB of address space: the system refuses all but a few
      // threads (EAGAIN), while ordinary allocations still succeed.
      let outcome = Self.runThroughShell(
        "ulimit -s 1000000 && ulimit -v 3000000 && exec \"$0\" \"$@\"",
        ["migrate", "--write", "--jobs", "100000", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(outcome.exited(0), "\(outcome.summary)")
      let states = Self.states(root, old: tree.old, new: tree.new)
      #expect(states.new == tree.old.count && states.other.isEmpty, "\(states.old) old, \(states.other.count) other")
      #expect(Reliability.temporaryFiles(root).isEmpty, "left: \(Reliability.temporaryFiles(root).prefix(5))")
    }
  }

  // MARK: --output-dir

  @Test("--output-dir that is or contains an input folder is refused; nothing written", arguments: [".", "apis", "./"])
  func outputDirectoryOverlapsInput(directory: String) throws {
    try withTemporaryTree(["apis/policy.xml": Policies.injection(), "apis/apis/policy.xml": Policies.injection("b")]) {
      root in
      chmod(root.appendingPathComponent("apis/policy.xml").path, 0o600)
      let before = CLI.snapshot(root)
      let inode = Reliability.lstatOf(root.appendingPathComponent("apis/policy.xml").path)
      let outcome = Reliability.run(
        ["migrate", "--output-dir", directory, "--resource", CLI.resource, "apis"], cwd: root)
      #expect(outcome.exited(2), "\(outcome.summary)")
      #expect(outcome.stderr.contains("output folder"), "\(outcome.summary)")
      expectSameTree(CLI.snapshot(root), before, "--output-dir \(directory)")
      #expect(Reliability.sameStat(root.appendingPathComponent("apis/policy.xml").path, inode))
      #expect(Reliability.mode(root.appendingPathComponent("apis/policy.xml").path) == 0o600)
    }
  }

  @Test("copies keep the source's permission bits whatever the umask", arguments: [0o600, 0o640, 0o755])
  func outputDirectoryKeepsModes(mode: Int) throws {
    try withTemporaryTree(["src/policy.xml": Policies.injection()]) { root in
      chmod(root.appendingPathComponent("src/policy.xml").path, mode_t(mode))
      let outcome = Self.runThroughShell(
        "umask 000 && exec \"$0\" \"$@\"", ["migrate", "--output-dir", "out", "--resource", CLI.resource, "src"],
        cwd: root)
      #expect(outcome.exited(0), "\(outcome.summary)")
      expectFile(root, "out/policy.xml", Policies.migrated())
      let copied = Reliability.mode(root.appendingPathComponent("out/policy.xml").path)
      #expect(copied == mode, "mode \(String(copied, radix: 8)), expected \(String(mode, radix: 8))")
    }
  }

  @Test("--output-dir out/../out2 creates only out2")
  func outputDirectoryWithDotDot() throws {
    try withTemporaryTree(["src/policy.xml": Policies.injection()]) { root in
      let outcome = Reliability.run(
        ["migrate", "--output-dir", "out/../out2", "--resource", CLI.resource, "src"], cwd: root)
      #expect(outcome.exited(0), "\(outcome.summary)")
      expectFile(root, "out2/policy.xml", Policies.migrated())
      #expect(FileSystem.kind(of: root.appendingPathComponent("out").path) == .missing, "a stray out folder")
    }
  }

  @Test("an output folder that is a symbolic link is refused, not followed")
  func outputDirectoryIsALink() throws {
    let outside = try CLI.makeTemporaryFolder("policy-rewrite-outside")
    defer { try? FileManager.default.removeItem(at: outside) }
    try withTemporaryTree(["src/policy.xml": Policies.injection()]) { root in
      symlink(outside.path, root.appendingPathComponent("out").path)
      let outcome = Reliability.run(["migrate", "--output-dir", "out", "--resource", CLI.resource, "src"], cwd: root)
      #expect(outcome.exited(2), "\(outcome.summary)")
      #expect(CLI.allNames(outside).isEmpty, "written through the link: \(CLI.allNames(outside))")
    }
  }

  @Test("--output-dir with standard input is a usage error, not ignored")
  func outputDirectoryWithStandardInput() throws {
    try withTemporaryTree([:]) { root in
      let outcome = Reliability.run(
        ["migrate", "--output-dir", "out", "--resource", CLI.resource, "-"], cwd: root,
        stdin: Data(Policies.injection().utf8))
      #expect(outcome.exited(2), "\(outcome.summary)")
      #expect(outcome.stderr.contains("--output-dir"), "\(outcome.summary)")
      #expect(outcome.stdout.isEmpty)
    }
  }

  // MARK: Names

  @Test("a file whose name is 255 bytes long is rewritten in place")
  func longestName() throws {
    let name = String(repeating: "n", count: 251) + ".xml"
    try withTemporaryTree([name: Policies.injection()]) { root in
      let outcome = Reliability.run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(outcome.exited(0), "\(outcome.summary)")
      expectFile(root, name, Policies.migrated())
      #expect(Reliability.temporaryFiles(root).isEmpty)
    }
  }

  @Test("names that differ only in Unicode normalisation, and names that are not UTF-8, are each read")
  func namesAsBytes() throws {
    let root = try CLI.makeTemporaryFolder("policy-rewrite-names")
    defer { try? FileManager.default.removeItem(at: root) }
    let composed: [UInt8] = Array("apis/caf".utf8) + [0xC3, 0xA9]  // é as one code point
    let decomposed: [UInt8] = Array("apis/cafe".utf8) + [0xCC, 0x81]  // e + combining acute
    let invalid: [UInt8] = Array("apis/bad".utf8) + [0xFF, 0xFE]
    mkdir(root.path + "/apis", 0o755)
    for (index, folder) in [composed, decomposed, invalid].enumerated() {
      let folderPath = Array(root.path.utf8) + [.slash] + folder
      try #require(FileSystem.withPath(folderPath) { mkdir($0, 0o755) } == 0)
      try FileSystem.create(
        relative: folder + Array("/policy.xml".utf8), with: Array(Policies.injection("key-\(index)").utf8),
        under: Array(root.path.utf8), mode: 0o644)
    }
    let checked = Reliability.run(["check", "apis"], cwd: root)
    #expect(checked.exited(1), "\(checked.summary)")
    #expect(checked.stderr.contains("3 files scanned"), "\(checked.summary)")
    for index in 0..<3 { #expect(checked.stderr.contains("key-\(index)"), "key-\(index) not seen: \(checked.summary)") }
    let migrated = Reliability.run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
    #expect(migrated.exited(0), "\(migrated.summary)")
    for folder in [composed, decomposed, invalid] {
      let path = Array(root.path.utf8) + [.slash] + folder + Array("/policy.xml".utf8)
      let bytes = try FileSystem.read(path).bytes
      #expect(bytes == Array(Policies.migrated().utf8), "\(FileSystem.display(path)) not migrated")
    }
    // No named value is listed as safe to delete while it is read nowhere.
    #expect(!migrated.stderr.contains("still referenced"), "\(migrated.summary)")
  }

  @Test("a hard-linked file is rewritten with a warning that its other names keep the old bytes")
  func hardLinkWarning() throws {
    try withTemporaryTree(["apis/policy.xml": Policies.injection()]) { root in
      try #require(
        link(root.appendingPathComponent("apis/policy.xml").path, root.appendingPathComponent("other").path) == 0)
      let outcome = Reliability.run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(outcome.exited(0), "\(outcome.summary)")
      expectFile(root, "apis/policy.xml", Policies.migrated())
      expectFile(root, "other", Policies.injection())
      let warned = findingLines(outcome.stderr).contains { $0.contains("apis/policy.xml") && $0.contains("hard link") }
      #expect(warned, "\(outcome.summary)")
    }
  }

  @Test(
    "a non-root user keeps the file's group when it belongs to it",
    .enabled(
      if: getuid() == 0 && ReadOnlyMethod.permissionBitsAvailable,
      "needs root and setpriv to set up a user with a second group"))
  func groupKeptForNonRoot() throws {
    try withTemporaryTree(["apis/policy.xml": Policies.injection()]) { root in
      let nobody = ReadOnlyMethod.nobody
      let group: UInt32 = 4242
      for path in ["", "apis", "apis/policy.xml"] {
        lchown(root.appendingPathComponent(path).path, nobody, path == "apis/policy.xml" ? group : nobody)
      }
      chmod(root.appendingPathComponent("apis/policy.xml").path, 0o660)
      let outcome = Reliability.run(
        [
          "--reuid=\(nobody)", "--regid=\(nobody)", "--groups=\(group)", "--", CLI.binary.path, "migrate", "--write",
          "--resource", CLI.resource, "apis",
        ], cwd: root, executable: ReadOnlyMethod.setpriv)
      #expect(outcome.exited(0), "\(outcome.summary)")
      expectFile(root, "apis/policy.xml", Policies.migrated())
      let info = Reliability.lstatOf(root.appendingPathComponent("apis/policy.xml").path)
      #expect(info?.st_gid == group, "group \(info?.st_gid ?? 0), expected \(group)")
      #expect(Reliability.mode(root.appendingPathComponent("apis/policy.xml").path) == 0o660)
    }
  }
}

extension AdversarialTests {
  /// A tmpfs of `options` mounted on a new folder, or `nil` when mounting is not allowed here.
  static func mountSmallFileSystem(_ options: String) -> URL? {
    guard getuid() == 0, let folder = try? CLI.makeTemporaryFolder("policy-rewrite-full") else { return nil }
    let mounted = CLI.tool("mount", ["-t", "tmpfs", "-o", options, "tmpfs", folder.path], cwd: folder)
    return mounted.status == 0 ? folder : nil
  }

  @Test(
    "a full disk (space, then inodes): every file old or new, no temporary file, exit 2", .slow, .tags(.slow),
    arguments: ["space", "inodes"])
  func fullDisk(resource: String) throws {
    guard let mount = Self.mountSmallFileSystem(resource == "space" ? "size=1m" : "size=8m,nr_inodes=48") else {
      try Test.cancel("cannot mount a tmpfs here (needs root)")
    }
    defer {
      _ = CLI.tool("umount", [mount.path], cwd: URL(fileURLWithPath: "/"))
      try? FileManager.default.removeItem(at: mount)
    }
    var old: [String: [UInt8]] = [:]
    for index in 0..<20 { old["apis/a\(index).xml"] = Array(Reliability.paddedInjection(index, size: 8192).utf8) }
    try CLI.write(old, under: mount)
    // Fill what is left: with bytes, or with empty files.
    if resource == "space" {
      let filler = open(mount.path + "/filler", O_WRONLY | O_CREAT, 0o644)
      let block = [UInt8](repeating: 0x20, count: 4096)
      while block.withUnsafeBytes({ write(filler, $0.baseAddress!, $0.count) }) > 0 {}
      close(filler)
    } else {
      var index = 0
      while open(mount.path + "/i\(index)", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644) >= 0 { index += 1 }
    }
    for arguments in [["--write"], ["--output-dir", "out"]] {
      let outcome = Reliability.run(["migrate", "--resource", CLI.resource] + arguments + ["apis"], cwd: mount)
      #expect(outcome.exited(2), "\(arguments): \(outcome.summary)")
      for (path, bytes) in old { #expect(CLI.read(mount, path) == bytes, "\(path) changed") }
      #expect(Reliability.temporaryFiles(mount).isEmpty, "left: \(Reliability.temporaryFiles(mount))")
      #expect(findingLines(outcome.stderr).contains { $0.contains("No space left") }, "\(outcome.summary)")
    }
  }
}
