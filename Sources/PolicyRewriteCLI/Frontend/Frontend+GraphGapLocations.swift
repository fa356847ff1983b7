import PolicyDOM
import PolicyRewrite

/// Where the policy graph's gaps (`unresolved-fragment`, `scope-unknown`) are reported: the
/// line and column of the include or declaration, read from the file.
extension Frontend {
  /// The line and column of `offset` in the file at `path`; `nil` when the file cannot be read.
  func gapLocation(in path: String, offset: Int) -> RewriteConfiguration.Position? {
    guard let bytes = readAhead.bytes(Array(path.utf8)), offset <= bytes.count else { return nil }
    let (line, column) = LineMap(bytes).location(of: offset)
    return RewriteConfiguration.Position(line: line, column: column)
  }

  /// `line` of the file at `path`, at the first `needle` on it (an element's name: the
  /// column of its `<`), or else at its first character that is not white space; column 1 when
  /// the file cannot be read.
  func gapLocation(in path: String, line: Int, at needle: StaticString? = nil) -> RewriteConfiguration.Position {
    guard let bytes = readAhead.bytes(Array(path.utf8)), line >= 1 else {
      return RewriteConfiguration.Position(line: max(line, 1), column: 1)
    }
    let map = LineMap(bytes)
    guard let start = map.start(ofLine: line) else { return RewriteConfiguration.Position(line: line, column: 1) }
    let end = bytes[start...].firstIndex(of: .lineFeed) ?? bytes.count
    var offset = start
    if let needle, let found = bytes.firstOffset(of: needle, from: start), found < end {
      offset = found > start && bytes[found - 1] == .lessThan ? found - 1 : found
    } else {
      while offset < end, bytes[offset].isBlank { offset += 1 }
    }
    let (_, column) = map.location(of: offset)
    return RewriteConfiguration.Position(line: line, column: column)
  }
}
