import PolicyDOM

/// Line-aware positions in a document's bytes, for placing and removing whole lines.
struct LineLayout {
  let bytes: [UInt8]
  /// The byte that ends a line: LF, or CR in a file whose lines end with CR alone (classic
  /// Mac OS), where reading LF placed an inserted element on the `<base />` line and left
  /// `\r    \r` where an element was removed.
  let newline: UInt8

  init(bytes: [UInt8]) {
    self.bytes = bytes
    newline = !bytes.contains(.lineFeed) && bytes.contains(.carriageReturn) ? .carriageReturn : .lineFeed
  }

  /// The offset of the first byte of the line holding `offset`.
  func lineStart(_ offset: Int) -> Int {
    var i = offset
    while i > 0, bytes[i - 1] != newline { i -= 1 }
    return i
  }

  /// Whether only spaces and tabs stand between the line's start and `offset`.
  func startsLine(_ offset: Int) -> Bool {
    // Only blanks are walked over, so a long line costs nothing.
    var i = offset
    while i > 0, bytes[i - 1].isBlank { i -= 1 }
    return i == 0 || bytes[i - 1] == newline
  }

  /// When only spaces and tabs (and, if asked, XML comments) stand between `offset` and the
  /// end of its line, the offset just past the line terminator (or the end of the file);
  /// otherwise `nil`.
  func endOfLine(after offset: Int, skippingComments: Bool = false) -> Int? {
    var i = offset
    while i < bytes.count {
      if bytes[i].isBlank {
        i += 1
      } else if skippingComments, bytes.hasLiteral("<!--", at: i),
        let close = bytes.firstOffset(of: "-->", from: i + 4),
        !bytes[i..<close].contains(newline)
      {
        i = close + 3
      } else {
        break
      }
    }
    if i == bytes.count { return i }
    if bytes[i] == newline { return i + 1 }
    if bytes[i] == .carriageReturn, i + 1 < bytes.count, bytes[i + 1] == .lineFeed { return i + 2 }
    return nil
  }

  /// The spaces and tabs that start the line holding `offset`.
  func indentation(of offset: Int) -> ArraySlice<UInt8> {
    let start = lineStart(offset)
    var end = start
    while end < bytes.count, bytes[end].isBlank { end += 1 }
    return bytes[start..<end]
  }

  /// The line terminator ending the line that holds `offset`; the file's first one when that
  /// line has none; `\n` when the file has none.
  func terminator(of offset: Int) -> [UInt8] {
    if newline == .carriageReturn { return [.carriageReturn] }
    if let lf = bytes[offset...].firstIndex(of: .lineFeed) {
      return lf > 0 && bytes[lf - 1] == .carriageReturn ? [.carriageReturn, .lineFeed] : [.lineFeed]
    }
    if let lf = bytes.firstIndex(of: .lineFeed) {
      return lf > 0 && bytes[lf - 1] == .carriageReturn ? [.carriageReturn, .lineFeed] : [.lineFeed]
    }
    return [.lineFeed]
  }

  /// The range that removes the element at `range`, with its indentation and one line
  /// terminator when it stands alone on its lines.
  func removal(of range: Range<Int>) -> Range<Int> {
    guard startsLine(range.lowerBound), let end = endOfLine(after: range.upperBound) else { return range }
    return lineStart(range.lowerBound)..<end
  }
}
