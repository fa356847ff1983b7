import Testing

@testable import PolicyDOM

/// `LineMap` counts a column one by one over a short stretch and from its checkpoints over a
/// long one: both give the line and column of counting from the file's start.
@Suite struct LineMapTests {
  /// The line and column of `offset`, counted from the start.
  static func naive(_ bytes: [UInt8], _ offset: Int) -> (Int, Int) {
    var line = 1
    var column = 1
    let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    for i in 0..<min(max(offset, 0), bytes.count) {
      if bytes[i] == .lineFeed {
        line += 1
        column = 1
      } else if i >= bom || line > 1, bytes[i] & 0xC0 != 0x80 {
        column += 1
      }
    }
    return (line, column)
  }

  @Test func locationsAreThoseOfCountingFromTheStart() {
    var generator = Reliability.Random(seed: 0x11E)
    let pieces: [[UInt8]] = [
      Array("a".utf8), Array("\n".utf8), Array("\r\n".utf8), Array("\u{E9}".utf8), Array("\u{1F600}".utf8),
      Array("<x/>".utf8),
    ]
    for round in 0..<200 {
      var bytes: [UInt8] = round % 3 == 0 ? [0xEF, 0xBB, 0xBF] : []
      let long = round % 4 == 0
      let count = Int(generator.next() % (long ? 12_000 : 300))
      for _ in 0..<count {
        let piece = pieces[Int(generator.next() % UInt64(pieces.count))]
        // Long files have few line ends, so that some lines are longer than a block.
        if long, piece == Array("\n".utf8), generator.next() % 50 != 0 { continue }
        bytes += piece
      }
      let map = LineMap(bytes)
      for _ in 0..<20 {
        let offset = Int(generator.next() % UInt64(bytes.count + 2))
        let (line, column) = map.location(of: offset)
        let expected = Self.naive(bytes, offset)
        #expect(line == expected.0 && column == expected.1, "offset \(offset) of \(bytes.count) bytes")
      }
    }
  }
}
