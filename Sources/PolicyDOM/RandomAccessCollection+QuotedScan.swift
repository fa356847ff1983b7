extension RandomAccessCollection where Element == UInt8, Index == Int {
  /// The first offset in `range` that `isStop` accepts outside a quoted value (`"…"` or `'…'`,
  /// closed by the quote that opened it: the attribute values of a tag, the strings of a line),
  /// or `nil` when there is none. A quote is never a stop.
  @inlinable
  package func firstOffsetOutsideQuotes(in range: Range<Int>, where isStop: (Int) -> Bool) -> Int? {
    var quote: UInt8?
    for i in range {
      let byte = self[i]
      if let open = quote {
        if byte == open { quote = nil }
      } else if byte == .doubleQuote || byte == .singleQuote {
        quote = byte
      } else if isStop(i) {
        return i
      }
    }
    return nil
  }

  /// The offset of the `}` that closes a brace opened just before `start` (the braces between
  /// counted, `"…"` strings and their backslash escapes skipped), or of the first offset before
  /// it that `isStop` accepts; `nil` when the bytes end first.
  @inlinable
  package func closingBrace(from start: Int, stoppingAt isStop: (Int) -> Bool = { _ in false }) -> Int? {
    var depth = 1
    var inString = false
    var i = start
    while i < endIndex {
      if isStop(i) { return i }
      let byte = self[i]
      if inString {
        if byte == .backslash {
          i += 1
        } else if byte == .doubleQuote {
          inString = false
        }
      } else if byte == .doubleQuote {
        inString = true
      } else if byte == .openBrace {
        depth += 1
      } else if byte == .closeBrace {
        depth -= 1
        if depth == 0 { return i }
      }
      i += 1
    }
    return nil
  }
}
