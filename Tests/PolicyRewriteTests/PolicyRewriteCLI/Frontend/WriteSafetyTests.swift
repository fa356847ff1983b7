import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

#if canImport(Glibc)
  import Glibc
#endif

/// How a test can make a file or folder read-only for the tool, whoever runs the tests.
///
/// Permission bits do not stop root, so as root the tool is either run as `nobody` through
/// `setpriv`, or the file or folder is made immutable with `chattr +i`.
enum ReadOnlyMethod: String, CaseIterable, CustomTestStringConvertible, Sendable {
  /// chmod 0444 / 0555, the tool run as an unprivileged user.
  case permissionBits
  /// chattr +i, the tool run as root.
  case immutable

  var testDescription: String { rawValue }

  static let nobody: UInt32 = 65534
  static let setpriv = URL(fileURLWithPath: "/usr/bin/setpriv")

  /// Whether permission bits stop the tool here: not root, or root with a working setpriv.
  static let permissionBitsAvailable: Bool = {
    if getuid() != 0 { return true }
    guard FileManager.default.isExecutableFile(atPath: setpriv.path) else { return false }
    let probe = Reliability.run(
      ["--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups", "--", CLI.binary.path, "--version"],
      cwd: URL(fileURLWithPath: "/"), timeout: 30, executable: setpriv)
    return probe.exited(0)
  }()

  /// Whether `chattr +i` works here (root, and a file system that supports it).
  static let immutableAvailable: Bool = {
    guard getuid() == 0, let folder = try? CLI.makeTemporaryFolder("policy-rewrite-chattr") else { return false }
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("probe")
    _ = FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8))
    guard chattr("+i", file.path) else { return false }
    let blocked = open(file.path, O_WRONLY | O_TRUNC) < 0
    _ = chattr("-i", file.path)
    return blocked
  }()

  var isAvailable: Bool { self == .permissionBits ? Self.permissionBitsAvailable : Self.immutableAvailable }

  /// Why the method cannot be used here, for the message of a skipped test.
  var unavailableReason: String {
    self == .immutable ? "chattr +i does not work here" : "cannot run the tool as an unprivileged user (setpriv)"
  }

  /// The tree of the read-only tests: `apis/locked` is made read-only, `apis/open` must still be migrated.
  static let lockedAndOpen: [String: [UInt8]] = [
    "apis/locked/policy.xml": Array(Policies.injection("locked-key").utf8),
    "apis/open/policy.xml": Array(Policies.injection().utf8),
  ]

  static func chattr(_ flag: String, _ path: String) -> Bool {
    CLI.tool("chattr", [flag, path], cwd: URL(fileURLWithPath: "/")).status == 0
  }

  /// Runs the tool so that the read-only state applies to it.
  func run(_ arguments: [String], cwd: URL) -> Reliability.Outcome {
    if self == .permissionBits && getuid() == 0 {
      return Reliability.run(
        ["--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", "--", CLI.binary.path] + arguments,
        cwd: cwd, executable: Self.setpriv)
    }
    return Reliability.run(arguments, cwd: cwd)
  }

  /// Runs `migrate --write` over a copy of ``lockedAndOpen`` whose `apis/locked` was made
  /// read-only: exit 2, one error line naming the locked file, its bytes unchanged, the open
  /// file migrated, no temporary file left.
  func expectLockedRefused(in root: URL, sourceLocation: SourceLocation = #_sourceLocation) {
    let outcome = run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
    #expect(outcome.exited(2), "\(self): \(outcome.summary)", sourceLocation: sourceLocation)
    let lines = outcome.stderr.split(separator: "\n").filter {
      $0.hasPrefix("apis/locked/policy.xml:") && $0.contains("error")
    }
    #expect(
      lines.count == 1, "\(self): no error line naming the file: \(outcome.summary)", sourceLocation: sourceLocation)
    #expect(
      CLI.read(root, "apis/locked/policy.xml") == Self.lockedAndOpen["apis/locked/policy.xml"],
      "\(self): the read-only file was written", sourceLocation: sourceLocation)
    #expect(
      CLI.read(root, "apis/open/policy.xml") == Array(Policies.migrated().utf8),
      "\(self): the other file was not migrated", sourceLocation: sourceLocation)
    #expect(
      Reliability.temporaryFiles(root).isEmpty, "\(self): left \(Reliability.temporaryFiles(root))",
      sourceLocation: sourceLocation)
  }

  /// Hands every entry below `root` (and `root`) to the user the tool runs as.
  func prepare(_ root: URL) {
    guard self == .permissionBits, getuid() == 0 else { return }
    for path in [""] + CLI.allNames(root) {
      lchown(root.appendingPathComponent(path).path, Self.nobody, Self.nobody)
    }
  }
}

/// In-place writes: atomic, mode kept, no temporary files, no writes through links or
/// outside the output folder, read-only files and folders refused, interrupts rolled back.
struct WriteSafetyTests {
  // MARK: Mode and temporary files

  @Test("in-place writes keep the mode and leave no temporary file")
  func modeKept() throws {
    let modes: [String: Int] = ["apis/a/policy.xml": 0o600, "apis/b/policy.xml": 0o640, "apis/c/policy.xml": 0o755]
    var files: [String: [UInt8]] = [:]
    for (index, path) in modes.keys.sorted().enumerated() { files[path] = Array(Policies.injection("k\(index)").utf8) }
    try withTemporaryTree(bytes: files) { root in
      for (path, mode) in modes { chmod(root.appendingPathComponent(path).path, mode_t(mode)) }
      let outcome = Reliability.run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(outcome.exited(0), "\(outcome.summary)")
      for (path, mode) in modes {
        #expect(CLI.read(root, path) == Array(Policies.migrated().utf8), "\(path) not migrated")
        let after = Reliability.mode(root.appendingPathComponent(path).path)
        #expect(after == mode, "\(path): mode \(String(after, radix: 8)), expected \(String(mode, radix: 8))")
      }
      #expect(Reliability.temporaryFiles(root).isEmpty, "left: \(Reliability.temporaryFiles(root))")
    }
  }

  @Test(
    "in-place writes by root keep the owner and group of the file",
    .enabled(if: getuid() == 0, "only root can give files to other users"))
  func ownerKept() throws {
    let owners: [String: (UInt32, UInt32)] = ["apis/a/policy.xml": (65534, 65534), "apis/b/policy.xml": (1234, 5678)]
    var files: [String: [UInt8]] = [:]
    for (index, path) in owners.keys.sorted().enumerated() { files[path] = Array(Policies.injection("o\(index)").utf8) }
    try withTemporaryTree(bytes: files) { root in
      for (path, owner) in owners {
        try #require(chown(root.appendingPathComponent(path).path, owner.0, owner.1) == 0)
        chmod(root.appendingPathComponent(path).path, 0o640)
      }
      let outcome = Reliability.run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(outcome.exited(0), "\(outcome.summary)")
      for (path, owner) in owners {
        #expect(CLI.read(root, path) == Array(Policies.migrated().utf8), "\(path) not migrated")
        let info = Reliability.lstatOf(root.appendingPathComponent(path).path)
        #expect(
          info?.st_uid == owner.0 && info?.st_gid == owner.1,
          "\(path): owner \(info?.st_uid ?? 0):\(info?.st_gid ?? 0), expected \(owner.0):\(owner.1)")
        #expect(Reliability.mode(root.appendingPathComponent(path).path) == 0o640)
      }
      #expect(Reliability.temporaryFiles(root).isEmpty)
    }
  }

  @Test("no temporary file is left after a run with errors")
  func noTemporaryFilesAfterErrors() throws {
    let files: [String: [UInt8]] = [
      "apis/good/policy.xml": Array(Policies.injection().utf8),
      "apis/bad/policy.xml": Array(Policies.malformed.utf8),
      "apis/doctype/policy.xml": Array(Policies.doctype.utf8),
      "apis/conflict/policy.xml": Array(Policies.conflict.utf8),
    ]
    try withTemporaryTree(bytes: files) { root in
      let outcome = Reliability.run(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
      #expect(outcome.exited(2), "\(outcome.summary)")
      #expect(CLI.read(root, "apis/good/policy.xml") == Array(Policies.migrated().utf8))
      for path in ["apis/bad/policy.xml", "apis/doctype/policy.xml"] { #expect(CLI.read(root, path) == files[path]) }
      #expect(Reliability.temporaryFiles(root).isEmpty, "left: \(Reliability.temporaryFiles(root))")
    }
  }

  // MARK: Read-only files and folders

  @Test("a read-only file: a clear error, nothing written", arguments: ReadOnlyMethod.allCases)
  func readOnlyFile(method: ReadOnlyMethod) throws {
    guard method.isAvailable else {
      try Test.cancel("read-only file via \(method): \(method.unavailableReason)")
    }
    try withTemporaryTree(bytes: ReadOnlyMethod.lockedAndOpen) { root in
      let locked = root.appendingPathComponent("apis/locked/policy.xml").path
      method.prepare(root)
      chmod(locked, 0o444)
      if method == .immutable { try #require(ReadOnlyMethod.chattr("+i", locked)) }
      defer { if method == .immutable { _ = ReadOnlyMethod.chattr("-i", locked) } }
      let before = Reliability.lstatOf(locked)

      method.expectLockedRefused(in: root)
      #expect(Reliability.sameStat(locked, before), "\(method): the read-only file was replaced")
      #expect(Reliability.mode(locked) == 0o444)
    }
  }

  @Test("a read-only folder: a clear error, the file untouched", arguments: ReadOnlyMethod.allCases)
  func readOnlyFolder(method: ReadOnlyMethod) throws {
    guard method.isAvailable else {
      try Test.cancel("read-only folder via \(method): \(method.unavailableReason)")
    }
    try withTemporaryTree(bytes: ReadOnlyMethod.lockedAndOpen) { root in
      let folder = root.appendingPathComponent("apis/locked").path
      let file = folder + "/policy.xml"
      method.prepare(root)
      chmod(folder, 0o555)
      if method == .immutable { try #require(ReadOnlyMethod.chattr("+i", folder)) }
      defer {
        if method == .immutable { _ = ReadOnlyMethod.chattr("-i", folder) }
        chmod(folder, 0o755)
      }
      let before = Reliability.lstatOf(file)

      method.expectLockedRefused(in: root)
      #expect(Reliability.sameStat(file, before), "\(method): the file was replaced")
      #expect(
        (try? FileManager.default.contentsOfDirectory(atPath: folder)) == ["policy.xml"],
        "\(method): something was created in the folder")
    }
  }

  // MARK: Changed on disk

  /// A file with `bytes` and `mode` in a new folder.
  private func scratchFile(_ bytes: [UInt8], mode: mode_t = 0o640) throws -> (folder: URL, path: String) {
    let folder = try CLI.makeTemporaryFolder("policy-rewrite-stamp")
    let path = folder.appendingPathComponent("policy.xml").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    chmod(path, mode)
    return (folder, path)
  }

  @Test("replace with a fresh stamp writes the new bytes and keeps the mode")
  func replaceFresh() throws {
    let (folder, path) = try scratchFile(Array(Policies.injection().utf8))
    defer { try? FileManager.default.removeItem(at: folder) }
    let (_, stamp) = try FileSystem.read(path)
    try FileSystem.replace(path, with: Array(Policies.migrated().utf8), expected: stamp)
    #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == Array(Policies.migrated().utf8))
    #expect(Reliability.mode(path) == 0o640)
    #expect(Reliability.temporaryFiles(folder).isEmpty)
  }

  enum Change: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case appended, sameSizeNewTime, renamedOver, deleted, replacedByLink, modeChanged
    var testDescription: String { rawValue }
  }

  @Test("replace refuses a file that changed on disk since it was read", arguments: Change.allCases)
  func replaceStale(change: Change) throws {
    let old = Array(Policies.injection().utf8)
    let (folder, path) = try scratchFile(old)
    defer { try? FileManager.default.removeItem(at: folder) }
    let elsewhere = folder.appendingPathComponent("elsewhere.xml").path
    try Data(old).write(to: URL(fileURLWithPath: elsewhere))
    let (_, stamp) = try FileSystem.read(path)

    var theirs = old
    switch change {
    case .appended:
      theirs = old + Array("<!-- edited -->\n".utf8)
      try Data(theirs).write(to: URL(fileURLWithPath: path))
    case .sameSizeNewTime:
      theirs = Array(Policies.injection("zzzzz-func-key").utf8.prefix(old.count))
      theirs += Array(repeating: 0x20, count: old.count - theirs.count)
      let fd = open(path, O_WRONLY)
      _ = theirs.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
      // Another second, so that even a coarse clock tells the two versions apart.
      var times = [timespec(tv_sec: time(nil) + 5, tv_nsec: 0), timespec(tv_sec: time(nil) + 5, tv_nsec: 0)]
      futimens(fd, &times)
      close(fd)
    case .renamedOver:
      let copy = folder.appendingPathComponent("copy.tmp").path
      try Data(old).write(to: URL(fileURLWithPath: copy))
      chmod(copy, 0o640)
      rename(copy, path)
    case .deleted:
      unlink(path)
    case .replacedByLink:
      unlink(path)
      symlink(elsewhere, path)
    case .modeChanged:
      chmod(path, 0o600)
    }
    let afterChange = Reliability.lstatOf(path)

    #expect(throws: FileSystemError.self, "\(change): a stale stamp was accepted") {
      try FileSystem.replace(path, with: Array(Policies.migrated().utf8), expected: stamp)
    }
    switch change {
    case .deleted:
      #expect(Reliability.lstatOf(path) == nil, "the deleted file was written again")
    case .replacedByLink:
      #expect(FileSystem.kind(of: path) == .symbolicLink, "the link was replaced")
      #expect(Array(try Data(contentsOf: URL(fileURLWithPath: elsewhere))) == old, "written through the link")
    default:
      #expect(
        Array(try Data(contentsOf: URL(fileURLWithPath: path))) == theirs,
        "\(change): the other writer's bytes were overwritten")
      #expect(Reliability.sameStat(path, afterChange), "\(change): the file was replaced")
    }
    #expect(Reliability.temporaryFiles(folder).isEmpty, "\(change): left \(Reliability.temporaryFiles(folder))")
  }

  @Test("the stale-stamp error says the file changed on disk")
  func staleMessage() throws {
    let (folder, path) = try scratchFile(Array(Policies.injection().utf8))
    defer { try? FileManager.default.removeItem(at: folder) }
    let (_, stamp) = try FileSystem.read(path)
    try Data(Policies.clean.utf8).write(to: URL(fileURLWithPath: path))
    do {
      try FileSystem.replace(path, with: Array(Policies.migrated().utf8), expected: stamp)
      Issue.record("no error")
    } catch {
      #expect(error.path == path)
      #expect(error.reason.contains("changed"), "reason: \(error.reason)")
    }
  }

  // MARK: Links

  @Test("links inside trees are not followed and never written through")
  func linksNotFollowed() throws {
    let outside = try CLI.makeTemporaryFolder("policy-rewrite-outside")
    defer { try? FileManager.default.removeItem(at: outside) }
    let victim = Array(Policies.injection("victim-key").utf8)
    try CLI.write(["victim.xml": victim, "dir/policy.xml": victim, "hard.xml": victim], under: outside)
    let outsideBefore = CLI.snapshot(outside)

    try withTemporaryTree(bytes: ["apis/real/policy.xml": Array(Policies.injection().utf8)]) { root in
      let apis = root.appendingPathComponent("apis")
      try FileManager.default.createDirectory(
        at: apis.appendingPathComponent("link"), withIntermediateDirectories: true)
      symlink(outside.appendingPathComponent("victim.xml").path, apis.appendingPathComponent("link/policy.xml").path)
      symlink(outside.appendingPathComponent("dir").path, apis.appendingPathComponent("linkdir").path)
      symlink("../real/policy.xml", apis.appendingPathComponent("link/inner.xml").path)
      try FileManager.default.createDirectory(
        at: apis.appendingPathComponent("hard"), withIntermediateDirectories: true)
      link(outside.appendingPathComponent("hard.xml").path, apis.appendingPathComponent("hard/policy.xml").path)
      let links = ["apis/link/policy.xml", "apis/linkdir", "apis/link/inner.xml"]
      let targets = links.map {
        try? FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent($0).path)
      }

      for arguments in [
        ["apis"], ["apis/link/policy.xml", "apis/linkdir", "apis/link/inner.xml", "apis/real/policy.xml"],
      ] {
        let outcome = Reliability.run(["migrate", "--write", "--resource", CLI.resource] + arguments, cwd: root)
        // Links met inside a tree are skipped; links named on the command line are errors.
        let expected: Int32 = arguments.count == 1 ? 0 : 2
        #expect(outcome.status == expected && !outcome.signaled, "\(arguments): \(outcome.summary)")
        #expect(CLI.snapshot(outside) == outsideBefore, "\(arguments): a file outside the tree changed")
        for (link, target) in zip(links, targets) {
          #expect(
            FileSystem.kind(of: root.appendingPathComponent(link).path) == .symbolicLink, "\(link) is no longer a link")
          let now = try? FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent(link).path)
          #expect(now == target, "\(link) now points to \(now ?? "nothing")")
        }
        #expect(CLI.read(root, "apis/real/policy.xml") == Array(Policies.migrated().utf8))
        #expect(Reliability.temporaryFiles(root).isEmpty && Reliability.temporaryFiles(outside).isEmpty)
      }
      // The hard-linked copy in the tree is a file of the tree: migrated by replacing the
      // name, which leaves the other name's bytes alone.
      #expect(CLI.read(root, "apis/hard/policy.xml") == Array(Policies.migrated().utf8))
      #expect(CLI.read(outside, "hard.xml") == victim, "written through a hard link")
    }
  }

  // MARK: --output-dir

  @Test("--output-dir never writes outside that folder, whatever links it holds")
  func outputDirectoryConfined() throws {
    let outside = try CLI.makeTemporaryFolder("policy-rewrite-outside")
    defer { try? FileManager.default.removeItem(at: outside) }
    let victim = Array(Policies.clean.utf8)
    try CLI.write(["victim.xml": victim, "existing/keep.txt": Array("keep\n".utf8)], under: outside)
    let outsideBefore = CLI.snapshot(outside)
    let outsideNames = CLI.allNames(outside)

    let files: [String: [UInt8]] = [
      "src/apis/linked/policy.xml": Array(Policies.injection("a-key").utf8),
      "src/apis/victim/policy.xml": Array(Policies.injection("b-key").utf8),
      "src/apis/deep/linked/policy.xml": Array(Policies.injection("c-key").utf8),
      "src/apis/plain/policy.xml": Array(Policies.injection("d-key").utf8),
      "src/apis/a..b/..policy.xml": Array(Policies.injection("e-key").utf8),
      "src/apis/.../policy.xml": Array(Policies.injection("f-key").utf8),
    ]
    try withTemporaryTree(bytes: files) { root in
      let out = root.appendingPathComponent("out")
      try FileManager.default.createDirectory(
        at: out.appendingPathComponent("apis/deep"), withIntermediateDirectories: true)
      try FileManager.default.createDirectory(
        at: out.appendingPathComponent("apis/victim"), withIntermediateDirectories: true)
      // A folder link, a file link, and a folder link deeper down.
      symlink(outside.path, out.appendingPathComponent("apis/linked").path)
      symlink(
        outside.appendingPathComponent("victim.xml").path, out.appendingPathComponent("apis/victim/policy.xml").path)
      symlink(outside.appendingPathComponent("existing").path, out.appendingPathComponent("apis/deep/linked").path)
      let sourceBefore = CLI.snapshot(root.appendingPathComponent("src"))

      // Each argument spelling gives the relative paths apis/...: the links are in the way.
      for arguments in [["src"], ["./src/"], ["src//"], [root.appendingPathComponent("src").path]] {
        let outcome = Reliability.run(
          ["migrate", "--output-dir", "out", "--resource", CLI.resource] + arguments, cwd: root)
        #expect(outcome.exited(2), "\(arguments): \(outcome.summary)")
        #expect(CLI.snapshot(outside) == outsideBefore, "\(arguments): a file outside the output folder changed")
        #expect(CLI.allNames(outside) == outsideNames, "\(arguments): something was created outside the output folder")
        #expect(CLI.snapshot(root.appendingPathComponent("src")) == sourceBefore, "\(arguments): an original changed")
        for path in ["apis/linked/policy.xml", "apis/victim/policy.xml", "apis/deep/linked/policy.xml"] {
          let named = outcome.stderr.split(separator: "\n").contains { $0.contains(path) && $0.contains("error") }
          #expect(named, "\(arguments): no error for \(path): \(outcome.summary)")
        }
        #expect(FileSystem.kind(of: out.appendingPathComponent("apis/victim/policy.xml").path) == .symbolicLink)
        #expect(Reliability.temporaryFiles(root).isEmpty && Reliability.temporaryFiles(outside).isEmpty)
      }
      // `..` in the argument: paths are relative to it (linked/policy.xml, ...), still below out.
      for arguments in [
        ["src/apis/../apis"], ["src/apis/linked/../victim/policy.xml"], ["../" + root.lastPathComponent + "/src"],
      ] {
        let outcome = Reliability.run(
          ["migrate", "--output-dir", "out", "--resource", CLI.resource] + arguments, cwd: root)
        #expect(!outcome.signaled && !outcome.timedOut, "\(arguments): \(outcome.summary)")
        #expect(CLI.snapshot(outside) == outsideBefore, "\(arguments): a file outside the output folder changed")
        #expect(CLI.allNames(outside) == outsideNames, "\(arguments): something was created outside the output folder")
        #expect(CLI.snapshot(root.appendingPathComponent("src")) == sourceBefore, "\(arguments): an original changed")
        let rootNames = Set(CLI.allNames(root).filter { !$0.hasPrefix("out/") && !$0.hasPrefix("src/") })
        #expect(rootNames == ["out", "src"], "\(arguments): written next to the output folder: \(rootNames.sorted())")
      }
      // The files without links in their way are written, inside the folder.
      #expect(CLI.read(out, "apis/plain/policy.xml") == Array(Policies.migrated().utf8))
      #expect(CLI.read(out, "apis/a..b/..policy.xml") == Array(Policies.migrated().utf8))
      #expect(CLI.read(out, "apis/.../policy.xml") == Array(Policies.migrated().utf8))
      // Everything in the output folder is below it: no entry resolves outside except the links made above.
      for name in CLI.allNames(out) where FileSystem.kind(of: out.appendingPathComponent(name).path) == .file {
        let resolved = out.appendingPathComponent(name).resolvingSymlinksInPath().path
        #expect(resolved.hasPrefix(out.path + "/"), "\(name) resolves to \(resolved)")
      }
    }
  }

  // MARK: Signals

  /// The tree of the signal tests and what migrate makes of it, and the time of a whole run
  /// over one file of it (computed once).
  static let interruptTree: (old: [String: [UInt8]], new: [String: [UInt8]], seconds: Double, oneFileSeconds: Double)? =
    {
      let old = Reliability.largeTree(count: 600)
      guard let migrated = try? Reliability.migratedTree(old), let first = old.min(by: { $0.key < $1.key }),
        let one = try? Reliability.migratedTree([first.key: first.value])
      else { return nil }
      return (old, migrated.new, migrated.seconds, one.seconds)
    }()

  @Test(
    "SIGINT, SIGTERM, SIGHUP and SIGPIPE during migrate --write: exit 128 + signal, every file old or new, no temporary file",
    .slow, .tags(.slow), arguments: [SIGINT, SIGTERM, SIGHUP, SIGPIPE])
  func interrupted(signal: Int32) async throws {
    let tree = try #require(Self.interruptTree, "cannot migrate the pristine tree")
    let paths = tree.old.keys.sorted()
    #expect(paths.allSatisfy { tree.new[$0] != tree.old[$0] }, "every file of the tree changes")

    // Three interrupts at different moments of the run, each in a fresh copy of the tree: sent
    // by the watching thread itself once the 1st, the 200th and the 400th file is renamed into
    // place (a little later: the thread must wake up). The moment is an event (inotify), not a
    // time: a delay landed before or after the writes depending on the machine's load.
    for moment in [1, 200, 400] {
      try await withTemporaryTree(bytes: tree.old) { root in
        let folders = Set(paths.map { (root.path + "/" + $0).split(separator: "/").dropLast().joined(separator: "/") })
        let watcher = try #require(RenameWatcher(folders: folders.map { "/" + $0 }), "inotify is not available")
        let child = try Reliability.Child(["migrate", "--write", "--resource", CLI.resource, "apis"], cwd: root)
        let pid = child.process.processIdentifier
        let renamed = await watcher.wait(forRenames: moment, seconds: 120) { _ = kill(pid, signal) }
        let outcome = await child.wait()
        var oldCount = 0
        var newCount = 0
        var third: [String] = []
        for path in paths {
          let now = CLI.read(root, path)
          if Reliability.same(now, tree.old[path]) {
            oldCount += 1
          } else if Reliability.same(now, tree.new[path]) {
            newCount += 1
          } else {
            third.append(path)
          }
        }
        let leftovers = Reliability.temporaryFiles(root)
        print(
          "signal \(signal) after rename \(moment): status \(outcome.status), \(newCount) new, \(oldCount) old, \(third.count) other, \(leftovers.count) temporary files"
        )
        #expect(renamed >= moment, "the run renamed \(renamed) files before it ended: \(outcome.summary)")
        #expect(third.isEmpty, "files in a third state: \(third.prefix(10))")
        #expect(
          leftovers.isEmpty, "signal \(signal) after rename \(moment): temporary files left: \(leftovers.prefix(10))")
        // The signal landed while files were being written: some are new, some old.
        #expect(outcome.exited(128 + signal), "\(outcome.summary)")
        #expect(newCount >= moment && oldCount > 0, "\(newCount) new, \(oldCount) old")
      }
    }
  }
}

/// Counts the files renamed into a set of folders (inotify `IN_MOVED_TO`, names not starting
/// with `.`), so that a test can act right after the N-th write of a run rather than after a
/// guessed delay.
final class RenameWatcher: @unchecked Sendable {
  private let descriptor: Int32

  init?(folders: [String]) {
    descriptor = inotify_init1(Int32(IN_CLOEXEC))
    guard descriptor >= 0 else { return nil }
    for folder in folders where inotify_add_watch(descriptor, folder, UInt32(IN_MOVED_TO)) < 0 {
      close(descriptor)
      return nil
    }
  }

  deinit { close(descriptor) }

  /// Waits, on a thread of its own, until `count` files have been renamed or `seconds` have
  /// passed, then runs `action` on that thread at once; returns how many were renamed.
  func wait(forRenames count: Int, seconds: Double, then action: @escaping @Sendable () -> Void) async -> Int {
    await withCheckedContinuation { continuation in
      let thread = Thread { [self] in
        let renamed = self.count(upTo: count, seconds: seconds)
        action()
        continuation.resume(returning: renamed)
      }
      thread.start()
    }
  }

  private func count(upTo count: Int, seconds: Double) -> Int {
    let deadline = Date().addingTimeInterval(seconds)
    var renamed = 0
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while renamed < count {
      let left = deadline.timeIntervalSinceNow
      guard left > 0 else { break }
      var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
      guard poll(&entry, 1, Int32(min(left, 60) * 1000)) > 0 else { continue }
      let read = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
      guard read > 0 else { break }
      var offset = 0
      while offset + 16 <= read {
        let length = buffer.withUnsafeBytes { Int($0.load(fromByteOffset: offset + 12, as: UInt32.self)) }
        let name = buffer[(offset + 16)..<min(read, offset + 16 + length)]
        if let first = name.first, first != UInt8(ascii: ".") { renamed += 1 }
        offset += 16 + length
      }
    }
    return renamed
  }
}
