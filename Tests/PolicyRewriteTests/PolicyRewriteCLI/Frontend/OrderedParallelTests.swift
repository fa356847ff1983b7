import Foundation
import Synchronization
import Testing

@testable import PolicyRewriteCLI

/// `OrderedParallel` hands every result back once, in item order, whatever the number of
/// items, threads and the window, and never works further ahead than the window allows.
struct OrderedParallelTests {
  @Test(arguments: [0, 1, 2, 7, 16, 17, 100, 129, 1_000, 4_099])
  func everyResultComesBackOnceInOrder(count: Int) {
    for jobs in [1, 2, 3, 8] {
      for window in [1, 4, 256] {
        var seen: [Int] = []
        OrderedParallel.run(count: count, jobs: jobs, window: window, work: { $0 * 3 }) { index, result in
          #expect(result == index * 3)
          seen.append(index)
        }
        #expect(seen == Array(0..<count), "count \(count), jobs \(jobs), window \(window)")
      }
    }
  }

  @Test func workStaysWithinTheWindowOfTheOldestResultNotHandedBack() {
    let consumed = Atomic<Int>(0)
    let furthest = Atomic<Int>(0)
    let window = 64
    OrderedParallel.run(
      count: 5_000, jobs: 4, window: window,
      work: { index in
        let ahead = index - consumed.load(ordering: .sequentiallyConsistent)
        furthest.max(ahead)
        return index
      },
      consume: { index, _ in consumed.store(index + 1, ordering: .sequentiallyConsistent) })
    // A batch is taken whole: the window plus one batch at most.
    #expect(furthest.load(ordering: .sequentiallyConsistent) < window + OrderedParallel.maximumBatch)
  }
}

extension Atomic where Value == Int {
  /// Raises the value to `candidate` when it is larger.
  fileprivate func max(_ candidate: Int) {
    var current = load(ordering: .sequentiallyConsistent)
    while candidate > current {
      let (exchanged, original) = compareExchange(
        expected: current, desired: candidate, ordering: .sequentiallyConsistent)
      if exchanged { return }
      current = original
    }
  }
}

/// Files read ahead are handed out once, within the store's capacity.
struct ReadAheadTests {
  @Test func keepsUpToItsCapacityAndHandsEachFileOutOnce() throws {
    try withTemporaryTree(["a.xml": "<a/>", "b.xml": "<bb/>"]) { root in
      let a = Array(root.appendingPathComponent("a.xml").path.utf8)
      let b = Array(root.appendingPathComponent("b.xml").path.utf8)
      let store = ReadAhead(capacity: ReadAhead.entryOverhead + 6)
      let (bytesA, stampA) = try FileSystem.read(a)
      let (bytesB, stampB) = try FileSystem.read(b)
      store.keep(a, bytes: Array("kept".utf8), stamp: stampA)
      store.keep(b, bytes: bytesB, stamp: stampB)  // 4 + 5 bytes and two entries: over the capacity, not kept
      #expect(store.take(b) == nil)
      // The kept bytes are handed out once; then the file is read.
      #expect(try store.read(a).bytes == Array("kept".utf8))
      #expect(try store.read(a).bytes == bytesA)
      #expect(store.take(a) == nil)
    }
  }

  @Test func roomIsReservedBesideTheFilesOnlyWhenTheFilesStillExpectedFitSinceAFileNotKeptIsReadAgain() throws {
    try withTemporaryTree(["a.xml": "<a/>"]) { root in
      let a = Array(root.appendingPathComponent("a.xml").path.utf8)
      let (bytes, stamp) = try FileSystem.read(a)
      // A file of 10 bytes costs its entry too.
      let file = 10 + ReadAhead.entryOverhead
      let store = ReadAhead(capacity: 11 * file + 10)
      store.expect(9)
      store.keep(a, bytes: Array(repeating: 0, count: 10), stamp: stamp)
      // One file kept and 8 more of its cost expected, counted a quarter larger: room for 10
      // bytes beside them.
      #expect(!store.reserve(11))
      #expect(store.reserve(10))
      store.release(10)
      store.expect(1)
      #expect(store.reserve(10 * file + 10))
      // The reserved room counts: a file that no longer fits is not kept.
      store.keep(Array("other".utf8), bytes: bytes, stamp: stamp)
      #expect(store.take(Array("other".utf8)) == nil)
      store.release(10 * file + 10)
      store.keep(Array("other".utf8), bytes: bytes, stamp: stamp)
      #expect(store.take(Array("other".utf8)) != nil)
    }
  }

  @Test func eachFileKeptCountsItsEntrySinceATableOfSmallFilesTookMoreThanTheBudgetSaid() throws {
    try withTemporaryTree(["a.xml": "<a/>"]) { root in
      let (_, stamp) = try FileSystem.read(Array(root.appendingPathComponent("a.xml").path.utf8))
      // Room for the bytes of three files of 10 bytes, not for their entries too.
      let store = ReadAhead(capacity: 3 * (10 + ReadAhead.entryOverhead) - 1)
      let paths = ["a", "b", "c"].map { Array($0.utf8) }
      for path in paths { store.keep(path, bytes: Array(repeating: 0, count: 10), stamp: stamp) }
      #expect(paths.map { store.take($0) != nil } == [true, true, false])
    }
  }

  @Test func roomForADocumentIsReservedOnlyForBytesTheStoreKeepsSinceTheRunIsHandedNoOthers() throws {
    try withTemporaryTree(["a.xml": "<a/>"]) { root in
      let a = Array(root.appendingPathComponent("a.xml").path.utf8)
      let (bytes, stamp) = try FileSystem.read(a)
      let store = ReadAhead(capacity: 1 << 20)
      store.expect(1)
      store.keep(a, bytes: bytes, stamp: stamp)
      // A policy written inline in another file: equal bytes, other storage.
      let inline = bytes.map { $0 }
      #expect(!store.reserve(10, for: inline))
      #expect(store.reserve(10, for: bytes))
      store.release(10)
      _ = store.take(a)
      #expect(!store.reserve(10, for: bytes))
    }
  }
}
