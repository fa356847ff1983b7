import Foundation
import PolicyDOM
import PolicyRewrite
import PolicyRewriteCLI
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// SIGKILL at random moments during `migrate --write`: every file must be exactly its old
/// bytes or exactly its new bytes afterwards, never anything else.
///
/// The kills are shared by a few workers, each with its own small tree on its own thread:
/// a run spends most of its time flushing files to disk, so the workers overlap without
/// competing for the cores.
@Suite(.slow, .tags(.slow))
struct KillTests {
  static let workers = 4
  static let filesPerWorker = 100
  static let minimumKills = Int(ProcessInfo.processInfo.environment["POLICY_REWRITE_KILLS"] ?? "") ?? 200
  static let seed: UInt64 = 0x0C0F_FEE0_2000

  /// What one worker saw.
  struct Tally: Sendable {
    var kills = 0
    var runs = 0
    var filesChecked = 0
    var leftovers = 0
    var killsWithWrites = 0
    var thirdState: [String] = []
    var unexpected: [String] = []
  }

  @Test("SIGKILL at random moments leaves every file old or new")
  func randomKills() async throws {
    let old = Reliability.largeTree(count: Self.filesPerWorker)
    let expected = try Reliability.migratedTree(old)
    let paths = old.keys.sorted()
    try #require(paths.allSatisfy { expected.new[$0] != old[$0] }, "every file of the tree changes")
    print(
      "kill test: \(Self.workers) × \(paths.count) files, a full run takes \(String(format: "%.2f", expected.seconds)) s"
    )

    let started = Date()
    let killsPerWorker = (Self.minimumKills + Self.workers - 1) / Self.workers
    let tallies = Tallies()
    let group = DispatchGroup()
    for worker in 0..<Self.workers {
      group.enter()
      let thread = Thread {
        defer { group.leave() }
        let tally = Self.killLoop(
          kills: killsPerWorker, seed: Self.seed &+ UInt64(worker), old: old, new: expected.new,
          fullRun: expected.seconds)
        tallies.add(tally)
      }
      thread.stackSize = 1 << 22
      thread.start()
    }
    // The workers are threads of their own; the test waits for them holding no thread.
    await withCheckedContinuation { done in group.notify(queue: .global()) { done.resume() } }
    let total = tallies.total
    let seconds = Date().timeIntervalSince(started)
    print(
      "kill test: \(total.kills) SIGKILLs in \(total.runs) runs (\(total.killsWithWrites) after some files were written), "
        + "\(total.filesChecked) files checked, \(total.thirdState.count) in a third state, "
        + "\(total.leftovers) leftover temporary files (expected after SIGKILL; ignored), "
        + String(format: "%.0f s", seconds))
    #expect(total.unexpected.isEmpty, "\(total.unexpected.prefix(10))")
    #expect(total.kills >= Self.minimumKills)
    #expect(total.thirdState.isEmpty, "files neither old nor new: \(total.thirdState.prefix(20))")
    #expect(
      total.killsWithWrites >= Self.minimumKills / 4,
      "too few kills landed while files were written: \(total.killsWithWrites)")
  }

  /// Kills `migrate --write` over a private copy of `old` until `kills` kills, checking every
  /// file after each run and restoring the old bytes for the next.
  static func killLoop(kills target: Int, seed: UInt64, old: [String: [UInt8]], new: [String: [UInt8]], fullRun: Double)
    -> Tally
  {
    var tally = Tally()
    let paths = old.keys.sorted()
    let folders = Set(paths.map { String($0.split(separator: "/").prefix(2).joined(separator: "/")) }).sorted()
    var random = Reliability.Random(seed: seed)
    var span = fullRun
    do {
      try withTemporaryTree(bytes: old) { root in
        while tally.kills < target {
          tally.runs += 1
          // Half the runs take the whole tree; the others start at a random folder, so that the
          // kills also land while the later files are written.
          let arguments: [String]
          if tally.runs % 2 == 0 {
            arguments = ["apis"]
          } else {
            arguments = Array(folders[Int.random(in: 0..<folders.count, using: &random)...])
          }
          // Any moment of a run: start-up, the walk, reading, the writes. `span` follows the
          // machine's load: it shrinks toward the length of runs that end before their kill and
          // grows after kills that land before any write.
          let delay = Double.random(in: 0...span, using: &random)
          let child = try Reliability.Child(["migrate", "--write", "--resource", CLI.resource] + arguments, cwd: root)
          // Not a poll: the one moment at which this run is killed.
          usleep(useconds_t(delay * 1_000_000))
          child.send(SIGKILL)
          let outcome = child.wait(timeout: 300)
          let killed = outcome.signaled && outcome.status == SIGKILL
          if killed {
            tally.kills += 1
          } else if outcome.status == 0 {
            span = (span + outcome.seconds) / 2
          } else {
            tally.unexpected.append("run \(tally.runs) ended by itself but not cleanly: \(outcome.summary)")
          }

          // Every file is old or new; temporary files are counted, then removed.
          var changed: [String] = []
          for path in paths {
            let now = CLI.read(root, path)
            tally.filesChecked += 1
            if Reliability.same(now, old[path]) { continue }
            if Reliability.same(now, new[path]) {
              changed.append(path)
            } else {
              tally.thirdState.append("seed \(seed) run \(tally.runs): \(path) (\(now?.count ?? -1) bytes)")
            }
          }
          if killed && changed.isEmpty { span *= 1.2 }
          if !changed.isEmpty && killed { tally.killsWithWrites += 1 }
          let entries = Reliability.entries(root)
          let leftovers = entries.map(\.path).filter(Reliability.isTemporary)
          tally.leftovers += leftovers.count
          for name in leftovers { unlink(root.path + "/" + name) }
          let extra = entries.filter {
            $0.kind != .directory && old[$0.path] == nil && !Reliability.isTemporary($0.path)
          }
          .map(\.path)
          if !extra.isEmpty { tally.unexpected.append("run \(tally.runs): unexpected files \(extra.prefix(5))") }
          // Back to the old bytes for the next run.
          // (unlink and create: truncating or renaming over a file makes ext4 flush it, which is slow)
          for path in changed { try Reliability.recreate(root.path + "/" + path, old[path]!) }
          if tally.thirdState.count > 20 || tally.unexpected.count > 20 { break }
        }
      }
    } catch {
      tally.unexpected.append("seed \(seed): \(error)")
    }
    return tally
  }

  /// The workers' tallies, added up.
  final class Tallies: Sendable {
    private let sum = Mutex(Tally())

    func add(_ tally: Tally) {
      sum.withLock { sum in
        sum.kills += tally.kills
        sum.runs += tally.runs
        sum.filesChecked += tally.filesChecked
        sum.leftovers += tally.leftovers
        sum.killsWithWrites += tally.killsWithWrites
        sum.thirdState += tally.thirdState
        sum.unexpected += tally.unexpected
      }
    }

    var total: Tally { sum.withLock { $0 } }
  }
}
