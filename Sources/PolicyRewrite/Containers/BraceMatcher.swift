import PolicyDOM

/// The matching `}` of every `{` of a file, found in one pass, for the backend-credential
/// scan: a search from each `{` to its match made a file of 40,000 unclosed `credentials: {`
/// quadratic (each search ran to the end of the file).
///
/// The pass reads the file as ``BackendCredentialScanner/matchingBrace(in:openingAt:singleQuotedStrings:)``
/// reads it from a `{`: `"` strings with their template holes, and, in Bicep, `'` strings.
/// A search from a `{` outside strings follows the same path as the pass from there on, so
/// the table gives the same answer; a `{` that the pass read inside a string (where a
/// search from it would start outside one) is searched for on its own, up to the end of the
/// range its caller reads (a search on to the end of the file made a file of many
/// `credentials: {"a": "header: {"}` quadratic: each such search ran to the end).
struct BraceMatcher {
  /// The work of the searches made outside the table, counted for the tests that hold them
  /// linear.
  final class Work {
    /// The bytes read by searches from a `{` outside the table and by the scanner's walks from
    /// a key to its `{`.
    var steps = 0
  }

  /// The work done so far.
  let work = Work()
  private let bytes: [UInt8]
  private let singleQuotedStrings: Bool
  /// The offset after the matching `}` (the end of the file when there is none), by the
  /// offset of each `{` outside strings.
  private var closes: [Int: Int] = [:]

  init(_ bytes: [UInt8], singleQuotedStrings: Bool) {
    self.bytes = bytes
    self.singleQuotedStrings = singleQuotedStrings
    let scanner = HCLScanner(bytes: bytes)
    var open: [Int] = []
    var i = 0
    while i < bytes.count {
      if let end = Self.endOfString(bytes, at: i, scanner: scanner, singleQuotedStrings: singleQuotedStrings) {
        i = end
        continue
      }
      let b = bytes[i]
      if b == .openBrace { open.append(i) }
      if b == .closeBrace, let last = open.popLast() { closes[last] = i + 1 }
      i += 1
    }
    for offset in open { closes[offset] = bytes.count }
  }

  /// How many `{` the pass answered.
  var indexed: Int { closes.count }

  /// The offset after the `}` matching the `{` at `open`, or `limit` (by default the end of the
  /// file) when none does before it.
  func close(of open: Int, limit: Int? = nil) -> Int {
    let limit = min(limit ?? bytes.count, bytes.count)
    if let close = closes[open] { return min(close, max(limit, open)) }
    let close = BackendCredentialScanner.matchingBrace(
      in: bytes, openingAt: open, singleQuotedStrings: singleQuotedStrings, limit: limit)
    work.steps += close - open
    return close
  }

  /// When a string starts at `i` (`"`, and `'` in Bicep), the offset after it; otherwise `nil`.
  static func endOfString(_ bytes: [UInt8], at i: Int, scanner: HCLScanner, singleQuotedStrings: Bool) -> Int? {
    if bytes[i] == .doubleQuote { return scanner.skipString(from: i + 1) }
    if bytes[i] == .singleQuote, singleQuotedStrings { return skipSingleQuoted(bytes, from: i + 1) }
    return nil
  }

  /// The offset after a Bicep `'` string whose content starts at `index`: its next unescaped
  /// `'`, or the end of its line.
  static func skipSingleQuoted(_ bytes: [UInt8], from index: Int) -> Int {
    var i = index
    while i < bytes.count, bytes[i] != .singleQuote, bytes[i] != .lineFeed { i += bytes[i] == .backslash ? 2 : 1 }
    return i + 1
  }
}
