/// Converts byte offsets into 1-based lines and columns.
///
/// Lines end at `\n` (a `\r` before it belongs to the line's terminator). Columns count
/// characters, not bytes: UTF-8 continuation bytes and a leading byte-order mark are skipped.
public struct LineMap: Sendable {
  private let lineStarts: [Int]
  private let bytes: [UInt8]

  /// Indexes the lines of `bytes`.
  public init(_ bytes: [UInt8]) {
    var starts = [0]
    for (offset, byte) in bytes.enumerated() where byte == .lineFeed { starts.append(offset + 1) }
    self.lineStarts = starts
    self.bytes = bytes
  }

  /// The 1-based line and column of the byte at `offset`.
  public func location(of offset: Int) -> (line: Int, column: Int) {
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
    }
    var start = lineStarts[low]
    if low == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = min(3, offset) }
    var column = 1
    var i = start
    while i < offset, i < bytes.count {
      if bytes[i] & 0xC0 != 0x80 { column += 1 }
      i += 1
    }
    return (low + 1, column)
  }
}
