import Foundation
import PolicyDOM
import PolicyRewrite
import PolicyRewriteCLI
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// SIGKILL at random moments during `migrate --write` over a large tree: every file must be
/// exactly its old bytes or exactly its new bytes afterwards, never anything else.
@Suite(.serialized)
struct KillTests {
  static let fileCount = 2000
  static let minimumKills = Int(ProcessInfo.processInfo.environment["POLICY_REWRITE_KILLS"] ?? "") ?? 200
  static let seed: UInt64 = 0x0C0F_FEE0_2000

  @Test("SIGKILL at random moments leaves every file old or new")
  func randomKills() throws {
    let old = Reliability.largeTree(count: Self.fileCount)
    let expected = try Reliability.migratedTree(old)
    let paths = old.keys.sorted()
    try #require(paths.allSatisfy { expected.new[$0] != old[$0] }, "every file of the tree changes")
    let folders = Set(paths.map { String($0.split(separator: "/").prefix(2).joined(separator: "/")) }).sorted()
    print("kill test: \(paths.count) files, a full run takes \(String(format: "%.2f", expected.seconds)) s")

    var random = Reliability.Random(seed: Self.seed)
    var kills = 0
    var runs = 0
    var filesChecked = 0
    var leftoverTotal = 0
    var killsWithWrites = 0
    var thirdState: [String] = []
    var runTime = 0.0
    var checkTime = 0.0
    let started = Date()

    try withTemporaryTree(bytes: old) { root in
      while kills < Self.minimumKills {
        runs += 1
        // Half the runs take the whole tree; the others start at a random folder, so that the
        // kills also land while the later files are written.
        let arguments: [String]
        if runs % 2 == 0 {
          arguments = ["apis"]
        } else {
          arguments = Array(folders[Int.random(in: 0..<folders.count, using: &random)...])
        }
        // Any moment of the first 0.7 s: start-up, the walk, reading, the first writes
        // (the rotating start folder moves those writes across the tree).
        let delay = Double.random(in: 0...min(expected.seconds, 0.7), using: &random)
        let t0 = Date()
        let child = try Reliability.Child(["migrate", "--write", "--resource", CLI.resource] + arguments, cwd: root)
        usleep(useconds_t(delay * 1_000_000))
        child.send(SIGKILL)
        let outcome = child.wait(timeout: 300)
        let t1 = Date()
        runTime += t1.timeIntervalSince(t0) - delay
        let killed = outcome.signaled && outcome.status == SIGKILL
        if killed {
          kills += 1
        } else {
          #expect(outcome.status == 0, "run \(runs) ended by itself but not cleanly: \(outcome.summary)")
        }

        // Every file is old or new; temporary files are counted, then removed.
        var changed: [String] = []
        for path in paths {
          let now = CLI.read(root, path)
          filesChecked += 1
          if Reliability.same(now, old[path]) { continue }
          if Reliability.same(now, expected.new[path]) {
            changed.append(path)
          } else {
            thirdState.append("run \(runs): \(path) (\(now?.count ?? -1) bytes)")
          }
        }
        if !changed.isEmpty && killed { killsWithWrites += 1 }
        let entries = Reliability.entries(root)
        let leftovers = entries.map(\.path).filter(Reliability.isTemporary)
        leftoverTotal += leftovers.count
        for name in leftovers { unlink(root.path + "/" + name) }
        let extra = entries.filter { $0.kind != .directory && old[$0.path] == nil && !Reliability.isTemporary($0.path) }
          .map(\.path)
        #expect(extra.isEmpty, "run \(runs): unexpected files \(extra.prefix(5))")
        // Back to the old bytes for the next run.
        // (unlink and create: truncating or renaming over a file makes ext4 flush it, which is slow)
        for path in changed { try Reliability.recreate(root.path + "/" + path, old[path]!) }
        checkTime += Date().timeIntervalSince(t1)
        if thirdState.count > 20 { break }
      }
    }
    let seconds = Date().timeIntervalSince(started)
    print(
      "kill test: \(kills) SIGKILLs in \(runs) runs (\(killsWithWrites) after some files were written), "
        + "\(filesChecked) files checked, \(thirdState.count) in a third state, "
        + "\(leftoverTotal) leftover temporary files (expected after SIGKILL; ignored), "
        + String(format: "%.0f s (%.1f s waiting past the kill moment, %.1f s checking)", seconds, runTime, checkTime))
    #expect(kills >= Self.minimumKills)
    #expect(thirdState.isEmpty, "files neither old nor new: \(thirdState.prefix(20))")
    #expect(
      killsWithWrites >= Self.minimumKills / 4, "too few kills landed while files were written: \(killsWithWrites)")
  }
}
