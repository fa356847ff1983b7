import PolicyDOM

/// A policy document held in a container string, decoded, with the map from decoded offsets
/// to offsets in the container file.
struct EmbeddedPolicy {
  /// The decoded policy text.
  var decoded: [UInt8]
  /// For each decoded byte, the container offset where its encoded form starts; one more
  /// entry for the end of the string's content.
  var offsets: [Int]
  /// How inserted text is written in this string.
  var escaping: StringEscaping
  /// Whether a parse error is reported as such: the string can only be a policy (a heredoc
  /// holding `<policies>`), rather than a piece of one built by an expression.
  var reportsParseErrors = false

  /// The container bytes of the string's content.
  var encodedRange: Range<Int> { offsets[0]..<offsets[offsets.count - 1] }

  /// The edit of the container that makes the same change as `edit` of the decoded text:
  /// the encoded form of the removed range goes, the replacement is encoded.
  func containerEdit(for edit: TextEdit) -> TextEdit {
    TextEdit(
      range: offsets[edit.range.lowerBound]..<offsets[edit.range.upperBound],
      replacement: escaping.encode(edit.replacement))
  }

  /// The container offsets of the decoded text's 1-based lines and columns (in characters,
  /// as ``LineMap`` counts them), in the order given.
  ///
  /// The locations are visited in document order by one cursor, so that many findings on one
  /// long line cost one pass, not one pass each.
  func containerOffsets(of locations: [(line: Int, column: Int)]) -> [Int] {
    let order = locations.indices.sorted {
      (locations[$0].line, locations[$0].column) < (locations[$1].line, locations[$1].column)
    }
    var result = [Int](repeating: offsets[offsets.count - 1], count: locations.count)
    let n = decoded.count
    var offset = decoded.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var line = 1
    var column = 1
    for index in order {
      let target = locations[index]
      while offset < n, line < target.line || (line == target.line && column < target.column) {
        if decoded[offset] == .lineFeed {
          if line == target.line { break }
          line += 1
          column = 1
          offset += 1
          continue
        }
        offset += 1
        while offset < n, decoded[offset] & 0xC0 == 0x80 { offset += 1 }
        column += 1
      }
      result[index] = offsets[min(offset, n)]
    }
    return result
  }
}

/// Builds an ``EmbeddedPolicy`` while a container string is decoded.
struct DecodedText {
  private(set) var bytes: [UInt8] = []
  private(set) var offsets: [Int] = []

  init(capacity: Int) {
    bytes.reserveCapacity(capacity)
    offsets.reserveCapacity(capacity + 1)
  }

  /// Appends decoded bytes whose encoded form starts at `offset`.
  mutating func append(_ decoded: UInt8, at offset: Int) {
    bytes.append(decoded)
    offsets.append(offset)
  }

  /// Appends the bytes of `range` as they are: each decodes to itself.
  mutating func append(verbatim range: Range<Int>, of source: [UInt8]) {
    bytes.append(contentsOf: source[range])
    offsets.append(contentsOf: range)
  }

  /// Appends the bytes of `source` from `start` up to the next backslash (or `stop`), which
  /// decode to themselves, as one run; returns where the run ends.
  mutating func appendUnescaped(_ source: [UInt8], from start: Int, upTo stop: Int) -> Int {
    var end = start
    while end < stop, source[end] != .backslash { end += 1 }
    if end > start { append(verbatim: start..<end, of: source) }
    return end
  }

  /// Appends the UTF-8 encoding of `scalar`, encoded at `offset`; U+FFFD when it is not one.
  mutating func append(scalar value: UInt32, at offset: Int) {
    let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
    for byte in String(Character(scalar)).utf8 { append(byte, at: offset) }
  }

  /// The finished policy, with the string's content ending at `end`.
  consuming func policy(endingAt end: Int, escaping: StringEscaping) -> EmbeddedPolicy {
    offsets.append(end)
    return EmbeddedPolicy(decoded: bytes, offsets: offsets, escaping: escaping)
  }

  /// The value of `count` hexadecimal digits at `start`, or `nil`.
  static func hexValue(_ bytes: [UInt8], from start: Int, count: Int, end: Int) -> UInt32? {
    guard count > 0, start + count <= end else { return nil }
    var value: UInt32 = 0
    for k in start..<(start + count) {
      guard let digit = hexDigit(bytes[k]) else { return nil }
      value = value << 4 | digit
    }
    return value
  }

  static func hexDigit(_ byte: UInt8) -> UInt32? {
    switch byte {
    case 0x30...0x39: UInt32(byte - 0x30)
    case 0x41...0x46: UInt32(byte - 0x41 + 10)
    case 0x61...0x66: UInt32(byte - 0x61 + 10)
    default: nil
    }
  }
}
