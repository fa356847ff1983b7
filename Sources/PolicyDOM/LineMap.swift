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

  /// Indexes the lines of `bytes`.
  public init(_ bytes: [UInt8]) {
    var starts = [0]
    for (offset, byte) in bytes.enumerated() where byte == .lineFeed { starts.append(offset + 1) }
    var checkpoints: [Int] = []
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
    self.lineStarts = starts
    self.bytes = bytes
    self.checkpoints = checkpoints
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
    return (low + 1, 1 + max(0, characters(before: offset) - characters(before: start)))
  }
}
