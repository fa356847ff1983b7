import PolicyDOM
import Synchronization

/// Policy documents parsed by a pass before the run's own (the cross-scope `Authorization`
/// pass) and kept for the run's own pass over the same bytes, so that each policy is parsed
/// once.
///
/// A document is kept under its source's storage: the run hands both passes the same bytes
/// (one array, read once), and a document holds its source, so that storage is not freed or
/// reused while the document is kept. A document is handed out once, to the pass that parses
/// the same bytes with an equivalent reading (``PolicyDocument/ParseOptions``), and is then no
/// longer kept. At most ``capacity`` source bytes' worth of documents are kept at once (a
/// document of a large tree's every policy is not), and only while `reserve` grants their
/// memory (``estimatedSize(ofSource:)``) for their source, which is handed back through
/// `release` when a document is taken: the run holds what it keeps ahead of its own pass to
/// one budget, and keeps no document of bytes its own pass will not be handed (a policy
/// written inline in another file).
///
/// A document that is not kept leaves a verdict instead, when `reserveVerdict` grants its
/// small size (``verdictSize``): its source is well-formed, with that root. A run's own pass
/// that only checks well-formedness (``rootName(_:options:)``) takes the verdict instead of
/// masking and scanning the same bytes again. A verdict holds its source as a document does.
package final class ParsedDocuments: Sendable {
  /// The most source bytes whose documents are kept at once.
  package let capacity: Int
  private let reserve: @Sendable ([UInt8], Int) -> Bool
  private let release: @Sendable (Int) -> Void
  private let reserveVerdict: @Sendable ([UInt8], Int) -> Bool
  private let state = Mutex<State>(State())
  private let counts = Atomic<Int>(0)
  private let reuses = Atomic<Int>(0)
  private let keptCount = Atomic<Int>(0)
  private let verdictCount = Atomic<Int>(0)
  private let verdictTakes = Atomic<Int>(0)
  private let reparses = Atomic<Int>(0)

  /// A kept document (it is used by one task at a time: kept by one, then taken by another).
  private struct Kept: @unchecked Sendable {
    let document: PolicyDocument
    let options: PolicyDocument.ParseOptions
  }

  /// What a parse that was not kept found: its source reads without an error, to a root so
  /// named.
  private struct Verdict: Sendable {
    let source: [UInt8]
    let options: PolicyDocument.ParseOptions
    let root: String
  }

  private struct State: ~Copyable {
    var documents: [Key: Kept] = [:]
    var verdicts: [Key: Verdict] = [:]
    var size = 0
  }

  /// A source's storage: its first byte's address and its length.
  private struct Key: Hashable {
    let address: UInt
    let count: Int

    init?(_ source: [UInt8]) {
      guard let base = source.withUnsafeBufferPointer({ $0.baseAddress }) else { return nil }
      address = UInt(bitPattern: base)
      count = source.count
    }
  }

  /// A store that keeps documents of up to `capacity` source bytes, each while `reserve`
  /// grants its estimated memory for its source (given back through `release`).
  /// A verdict is kept for a document that is not, while `reserveVerdict` grants
  /// ``verdictSize`` for its source (given back through `release`).
  package init(
    capacity: Int, reserve: @escaping @Sendable (_ source: [UInt8], _ size: Int) -> Bool = { _, _ in true },
    release: @escaping @Sendable (Int) -> Void = { _ in },
    reserveVerdict: @escaping @Sendable (_ source: [UInt8], _ size: Int) -> Bool = { _, _ in false }
  ) {
    self.capacity = capacity
    self.reserve = reserve
    self.release = release
    self.reserveVerdict = reserveVerdict
  }

  /// About how much memory a verdict takes: its dictionary entry and its root's name.
  package static let verdictSize = 96

  /// How many verdicts were kept (a work counter).
  package var verdicts: Int { verdictCount.load(ordering: .relaxed) }

  /// How many verdicts were handed out by ``rootName(_:options:)`` (a work counter).
  package var verdictsTaken: Int { verdictTakes.load(ordering: .relaxed) }

  /// About how much memory the document of a source of `count` bytes takes: its element table
  /// (36 bytes an element, reserved for one element in 40 source bytes, and the names), its
  /// attributes' names, entries and decoded values (an APIOps policy of the benchmark trees:
  /// 1.3 KB, 22 elements and 13 attributes, about 3 KB in all). libxml2's tree, kept by a
  /// document until the scanner read them, took about twelve times its source.
  package static func estimatedSize(ofSource count: Int) -> Int { 3 * count }

  /// How many documents were parsed through ``parse(_:options:)`` (a work counter).
  package var parses: Int { counts.load(ordering: .relaxed) }

  /// How many ``parse(_:options:)`` calls a document still kept answered (a work counter).
  package var keptAnswers: Int { reparses.load(ordering: .relaxed) }

  /// How many documents were kept (a work counter).
  package var kept: Int { keptCount.load(ordering: .relaxed) }

  /// How many kept documents were handed out by ``take(_:options:)`` (a work counter).
  package var takes: Int { reuses.load(ordering: .relaxed) }

  /// The document of `source`: the one kept for these bytes (still kept), or else parsed now
  /// and kept (within the capacity) for the run's own pass.
  package func parse(_ source: [UInt8], options: PolicyDocument.ParseOptions = PolicyDocument.ParseOptions())
    throws(ParseError) -> PolicyDocument
  {
    let key = Key(source)
    if let key, let kept = state.withLock({ $0.documents.isEmpty ? nil : $0.documents[key] }),
      kept.document.source == source, Self.readsAlike(source, kept.options, options)
    {
      reparses.add(1, ordering: .relaxed)
      return kept.document
    }
    let document = try PolicyDocument.parse(source, options: options)
    counts.add(1, ordering: .relaxed)
    guard let key else { return document }
    let kept = Kept(document: document, options: options)
    let isKept = state.withLock { state in
      guard source.count <= capacity, state.documents[key] == nil, state.size + source.count <= capacity,
        reserve(source, Self.estimatedSize(ofSource: source.count))
      else { return false }
      state.documents[key] = kept
      state.size += source.count
      return true
    }
    if isKept {
      keptCount.add(1, ordering: .relaxed)
    } else if reserveVerdict(source, Self.verdictSize) {
      let verdict = Verdict(source: source, options: options, root: document.root.name)
      let isNew = state.withLock { state in
        guard state.verdicts[key] == nil else { return false }
        state.verdicts[key] = verdict
        return true
      }
      if isNew { verdictCount.add(1, ordering: .relaxed) } else { release(Self.verdictSize) }
    }
    return document
  }

  /// The root's name of `source` read with `options`, when a parse of these very bytes that
  /// was not kept left a verdict (no longer kept); `nil` otherwise. A document kept for them is
  /// given up too: the caller reads no tree.
  package func rootName(_ source: [UInt8], options: PolicyDocument.ParseOptions) -> String? {
    guard let key = Key(source) else { return nil }
    let verdict = state.withLock { state -> Verdict? in
      guard !state.verdicts.isEmpty else { return nil }
      return state.verdicts.removeValue(forKey: key)
    }
    // A kept document (there is no verdict then) is given up too.
    guard let found = verdict else { return take(source, options: options)?.root.name }
    release(Self.verdictSize)
    guard found.source == source, Self.readsAlike(source, found.options, options) else { return nil }
    verdictTakes.add(1, ordering: .relaxed)
    return found.root
  }

  /// The document kept for `source` read with `options` (no longer kept); `nil` when none is.
  package func take(_ source: [UInt8], options: PolicyDocument.ParseOptions) -> PolicyDocument? {
    guard let key = Key(source) else { return nil }
    let (found, hadVerdict) = state.withLock { state -> (Kept?, Bool) in
      // A verdict of the same bytes is given up too: the caller reads them now.
      let hadVerdict = !state.verdicts.isEmpty && state.verdicts.removeValue(forKey: key) != nil
      guard !state.documents.isEmpty, let kept = state.documents.removeValue(forKey: key) else {
        return (nil, hadVerdict)
      }
      state.size -= key.count
      return (kept, hadVerdict)
    }
    if hadVerdict { release(Self.verdictSize) }
    guard let found else { return nil }
    release(Self.estimatedSize(ofSource: source.count))
    guard found.document.source == source, Self.readsAlike(source, found.options, options) else { return nil }
    reuses.add(1, ordering: .relaxed)
    return found.document
  }

  /// Whether `source` reads the same with either options: template sequences are masked only
  /// in a source with a `$` or a `%` (``PolicyDocument/parse(_:options:)``).
  private static func readsAlike(
    _ source: [UInt8], _ first: PolicyDocument.ParseOptions, _ second: PolicyDocument.ParseOptions
  ) -> Bool {
    first == second || !source.contains { $0 == UInt8(ascii: "$") || $0 == UInt8(ascii: "%") }
  }
}

extension ParsedDocuments? {
  /// The document of `source`: parsed through the store when there is one (and kept for the
  /// run's own pass), else parsed.
  package func parse(_ source: [UInt8], options: PolicyDocument.ParseOptions = PolicyDocument.ParseOptions())
    throws(ParseError) -> PolicyDocument
  {
    if let self { return try self.parse(source, options: options) }
    return try PolicyDocument.parse(source, options: options)
  }
}
