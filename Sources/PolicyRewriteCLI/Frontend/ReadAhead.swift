import Synchronization

/// Files read before the run's own pass over them (by the cross-file Authorization pass),
/// kept, up to ``capacity`` bytes in all, so that the run does not read them a second time.
///
/// Each file is handed out once, with the stamp taken when it was read: a write still checks
/// that stamp right before its rename, so a file changed since is left alone as before.
final class ReadAhead: Sendable {
  /// The most bytes kept at once.
  let capacity: Int
  private let state = Mutex(State())
  private let reads = Atomic<Int>(0)

  private struct State: ~Copyable {
    var files: [Path: (bytes: [UInt8], stamp: FileStamp)] = [:]
    /// The bytes kept: the files' and those reserved (``reserve(_:)``).
    var size = 0
    /// How many files were kept so far, and what they cost (their mean cost, entries included).
    var keptFiles = 0
    var keptBytes = 0
    /// How many files the passes before the run's own may read (``expect(_:)``).
    var expectedFiles = 0
    /// The kept files' storage (the first byte's address), to tell their bytes from others.
    var storage: Set<UInt> = []
  }

  /// How many files were read from disk through the store (a work counter: a run reads each
  /// policy once, whatever pass needs it first).
  var diskReads: Int { reads.load(ordering: .relaxed) }

  /// A path as a dictionary key, hashed as one block of bytes (an array of bytes hashes them
  /// one at a time).
  private struct Path: Hashable {
    let bytes: [UInt8]

    func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
  }

  /// What keeping one file costs beside its bytes: its entry in the table (a key and a value,
  /// in a table at most three quarters full) and its array's header. A store of small files
  /// spends much of its budget here: 50,000 files of 1.3 kB took a 2.6 MB table.
  static let entryOverhead =
    (MemoryLayout<Path>.stride + MemoryLayout<(bytes: [UInt8], stamp: FileStamp)>.stride) * 4 / 3 + 32

  /// A store that keeps up to `capacity` bytes.
  init(capacity: Int) {
    self.capacity = capacity
  }

  /// Keeps the bytes read from `path`, unless they and their entry (``entryOverhead``) would go
  /// over the capacity.
  func keep(_ path: [UInt8], bytes: [UInt8], stamp: FileStamp) {
    state.withLock { state in
      let key = Path(bytes: path)
      let cost = bytes.count + Self.entryOverhead
      guard state.files[key] == nil, state.size + cost <= capacity else { return }
      state.files[key] = (bytes, stamp)
      state.size += cost
      if let address = Self.address(of: bytes) { state.storage.insert(address) }
      state.keptFiles += 1
      state.keptBytes += cost
    }
  }

  /// Says that the passes before the run's own may read up to `count` files: room is
  /// reserved for other memory only when they are expected to fit beside it.
  func expect(_ count: Int) {
    state.withLock { state in state.expectedFiles = count }
  }

  /// The file at `path`: the bytes and stamp kept for it (given up by the store), or else
  /// read now.
  func read(_ path: [UInt8]) throws(FileSystemError) -> (bytes: [UInt8], stamp: FileStamp) {
    if let kept = take(path) { return kept }
    return try readFromDisk(path)
  }

  /// The bytes of the file at `path` for a pass before the run's own: the bytes kept for it
  /// (still kept), or else read now and kept; `nil` when it cannot be read.
  func bytes(_ path: [UInt8]) -> [UInt8]? {
    if let kept = peek(path) { return kept }
    guard let (bytes, stamp) = try? readFromDisk(path) else { return nil }
    keep(path, bytes: bytes, stamp: stamp)
    return bytes
  }

  /// The file at `path`, read now, counted in ``diskReads``.
  private func readFromDisk(_ path: [UInt8]) throws(FileSystemError) -> (bytes: [UInt8], stamp: FileStamp) {
    reads.add(1, ordering: .relaxed)
    return try FileSystem.read(path)
  }

  /// The bytes kept for `path`, still kept; `nil` when none are.
  func peek(_ path: [UInt8]) -> [UInt8]? {
    state.withLock { state in state.files.isEmpty ? nil : state.files[Path(bytes: path)]?.bytes }
  }

  /// Counts `size` more bytes as kept (memory kept for the run's own pass by another store,
  /// such as parsed documents), unless they would go over the capacity with the files still
  /// expected (``expect(_:)``, at a quarter more than the mean size of those kept so far):
  /// the files come first, as a file not kept is read again.
  /// - Returns: Whether they were counted.
  func reserve(_ size: Int) -> Bool {
    reserve(size, for: nil)
  }

  /// ``reserve(_:)`` for memory made of `bytes` (a document parsed from them): only while the
  /// store keeps those very bytes for the run's own pass, which then hands them on.
  func reserve(_ size: Int, for bytes: [UInt8]) -> Bool {
    reserve(size, for: Self.address(of: bytes) ?? 0)
  }

  /// Counts `size` more bytes as kept for a small record made of `bytes` (a parse's verdict,
  /// far smaller than a file): only while the store keeps those very bytes, and within the
  /// capacity, whatever files are still expected.
  func reserveRecord(_ size: Int, for bytes: [UInt8]) -> Bool {
    reserve(size, for: Self.address(of: bytes) ?? 0, leavingRoomForExpectedFiles: false)
  }

  private func reserve(_ size: Int, for address: UInt?, leavingRoomForExpectedFiles: Bool = true) -> Bool {
    state.withLock { state in
      if let address, !state.storage.contains(address) { return false }
      var expected = 0
      if leavingRoomForExpectedFiles {
        let mean = state.keptFiles == 0 ? 0 : state.keptBytes / state.keptFiles
        // A quarter more than the mean so far: the first files read (parent scopes,
        // fragments) need not be of the mean size.
        expected = max(0, state.expectedFiles - state.keptFiles) * mean * 5 / 4
      }
      guard state.size + size + expected <= capacity else { return false }
      state.size += size
      return true
    }
  }

  /// Counts `size` bytes counted by ``reserve(_:)`` as no longer kept.
  func release(_ size: Int) {
    state.withLock { state in state.size -= size }
  }

  /// The bytes and stamp kept for `path`, given up by the store; `nil` when none are kept.
  func take(_ path: [UInt8]) -> (bytes: [UInt8], stamp: FileStamp)? {
    state.withLock { state in
      guard !state.files.isEmpty, let file = state.files.removeValue(forKey: Path(bytes: path)) else { return nil }
      state.size -= file.bytes.count + Self.entryOverhead
      if let address = Self.address(of: file.bytes) { state.storage.remove(address) }
      return file
    }
  }

  /// The first byte's address of `bytes`' storage; `nil` for an empty array.
  private static func address(of bytes: [UInt8]) -> UInt? {
    bytes.withUnsafeBufferPointer { $0.baseAddress.map { UInt(bitPattern: $0) } }
  }
}
