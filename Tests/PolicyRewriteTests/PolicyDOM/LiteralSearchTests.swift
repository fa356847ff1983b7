import Testing

@testable import PolicyDOM

/// `firstOffset(of:from:caseInsensitive:)` looks for a literal's rarest byte, not its first:
/// it must still find the first occurrence, in either case, from any start.
@Suite struct LiteralSearchTests {
  /// The first occurrence by comparing at every offset.
  static func naive(_ bytes: [UInt8], _ literal: StaticString, from start: Int, caseInsensitive: Bool) -> Int? {
    let pattern = literal.withUTF8Buffer { Array($0) }
    guard start >= 0, !pattern.isEmpty, bytes.count >= pattern.count, start <= bytes.count - pattern.count else {
      return nil
    }
    for offset in start...(bytes.count - pattern.count) {
      let matches = pattern.indices.allSatisfy { k in
        caseInsensitive
          ? bytes[offset + k].asciiLowercased == pattern[k].asciiLowercased : bytes[offset + k] == pattern[k]
      }
      if matches { return offset }
    }
    return nil
  }

  static let literals: [StaticString] = [
    "authorization", "include-fragment", "&#", "a", "z", "-->", "set-header", "policy-rewrite", "aZa", "<base",
    "x-functions-key", "zz", "Authorization",
  ]

  @Test func findsTheFirstOccurrenceLikeAComparisonAtEveryOffset() {
    var generator = Reliability.Random(seed: 0xF1257)
    let alphabet = Array("aAzZuUtThHoOrRiIn-#&xXkKeEsSbBlLcCdDgGfFmMpPyY <>!".utf8)
    for round in 0..<3_000 {
      let literal = Self.literals[round % Self.literals.count]
      let count = Int(generator.next() % 60)
      var bytes = (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
      // Plant the literal (in a random case) now and then.
      if count > 20, generator.next() % 2 == 0 {
        let pattern = literal.withUTF8Buffer { Array($0) }
        let at = Int(generator.next() % UInt64(count - pattern.count))
        for (k, byte) in pattern.enumerated() {
          bytes[at + k] = generator.next() % 2 == 0 ? byte : (byte >= 0x61 && byte <= 0x7A ? byte - 32 : byte)
        }
      }
      let start = Int(generator.next() % UInt64(count + 2)) - 1
      for caseInsensitive in [false, true] {
        #expect(
          bytes.firstOffset(of: literal, from: start, caseInsensitive: caseInsensitive)
            == Self.naive(bytes, literal, from: start, caseInsensitive: caseInsensitive),
          "\(literal) in \(String(decoding: bytes, as: UTF8.self)) from \(start), case-insensitive: \(caseInsensitive)")
      }
    }
  }

  @Test func findsLiteralsAtTheEdges() {
    let bytes = Array("authorizationAUTHORIZATION".utf8)
    #expect(bytes.firstOffset(of: "authorization", from: 0) == 0)
    #expect(bytes.firstOffset(of: "authorization", from: 1) == nil)
    #expect(bytes.firstOffset(of: "authorization", from: 1, caseInsensitive: true) == 13)
    #expect(bytes.firstOffset(of: "authorization", from: 14, caseInsensitive: true) == nil)
    #expect([UInt8]().firstOffset(of: "a", from: 0) == nil)
    #expect(Array("a".utf8).firstOffset(of: "a", from: 0) == 0)
    #expect(bytes.containsLiteral("ZATION") && !bytes.containsLiteral("zations", caseInsensitive: true))
  }
}
