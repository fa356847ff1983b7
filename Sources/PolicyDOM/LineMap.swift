#if canImport(Glibc)
  import Glibc
#endif

/// Converts byte offsets into 1-based lines and columns.
///
/// Lines end at `\n` (a `\r` before it belongs to the line's terminator). Columns count
/// characters, not bytes: UTF-8 continuation bytes and a leading byte-order mark are skipped.
public struct LineMap: Sendable {
  private let lineStarts: [Int]
  private let bytes: [UInt8]
  /// The number of characters before each multiple of `checkpointStride`, and before the end.
  ///
  /// A column used to be counted from the start of its line, byte by byte: on a file of one
  /// long line with many findings that was quadratic (a 1 MB line with 20,000 findings took
  /// 40 s). With checkpoints, a column costs at most two strides of counting.
  private let checkpoints: [Int]
  private static let checkpointStride = 4096

  /// Indexes the lines of `bytes` (their starts found by `memchr`; the characters counted by
  /// block only when a line can be longer than a block).
  public init(_ bytes: [UInt8]) {
    var starts = [0]
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      var from = 0
      while from < buffer.count, let hit = memchr(base + from, Int32(UInt8.lineFeed), buffer.count - from) {
        from = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
        starts.append(from)
      }
    }
    var checkpoints: [Int] = []
    if bytes.count > Self.checkpointStride {
      checkpoints.reserveCapacity(bytes.count / Self.checkpointStride + 2)
      var characters = 0
      var blockStart = 0
      while blockStart < bytes.count {
        checkpoints.append(characters)
        let blockEnd = min(blockStart + Self.checkpointStride, bytes.count)
        for i in blockStart..<blockEnd where bytes[i] & 0xC0 != 0x80 { characters += 1 }
        blockStart = blockEnd
      }
      checkpoints.append(characters)
    }
    self.lineStarts = starts
    self.bytes = bytes
    self.checkpoints = checkpoints
  }

  /// The offset where 1-based `line` starts; `nil` past the last line.
  public func start(ofLine line: Int) -> Int? {
    line >= 1 && line <= lineStarts.count ? lineStarts[line - 1] : nil
  }

  /// The number of characters from `start` to `offset`: counted one by one over at most a
  /// block, else from the checkpoints (which a file of more than one block has).
  private func characters(from start: Int, to offset: Int) -> Int {
    let start = min(max(start, 0), bytes.count)
    let offset = min(max(offset, 0), bytes.count)
    guard offset > start else { return 0 }
    guard offset - start > Self.checkpointStride else {
      var count = 0
      for i in start..<offset where bytes[i] & 0xC0 != 0x80 { count += 1 }
      return count
    }
    return characters(before: offset) - characters(before: start)
  }

  /// The number of characters (bytes that are not UTF-8 continuation bytes) before `offset`.
  private func characters(before offset: Int) -> Int {
    let offset = min(max(offset, 0), bytes.count)
    let block = offset / Self.checkpointStride
    var count = checkpoints[block]
    for i in (block * Self.checkpointStride)..<offset where bytes[i] & 0xC0 != 0x80 { count += 1 }
    return count
  }

  /// The 1-based line and column of the byte at `offset`.
  public func location(of offset: Int) -> (line: Int, column: Int) {
    let low = max(0, lineStarts.partitioningIndex { $0 > offset } - 1)
    var start = lineStarts[low]
    if low == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = min(3, offset) }
    return (low + 1, 1 + characters(from: start, to: offset))
  }
}
