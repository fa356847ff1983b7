import FoundationEssentials
import PolicyDOM

/// Finds where a JSON text stops being valid JSON (RFC 8259), so that a configuration file's
/// error can point at its line and column; Foundation's decoder does not say where.
package enum JSONSyntax {
  /// The byte offset of the first syntax error in `bytes`, or `nil` when the text is valid JSON.
  package static func firstError(in bytes: [UInt8]) -> Int? {
    var scanner = Scanner(bytes: bytes)
    do {
      scanner.skipSpace()
      try scanner.value(depth: 0)
      scanner.skipSpace()
      return scanner.offset == bytes.count ? nil : scanner.offset
    } catch {
      return min(scanner.offset, bytes.count)
    }
  }

  /// The byte offset of the first key of an object that an earlier key of the same object
  /// already names (compared by value, escapes decoded), or `nil`; `nil` too when the text is
  /// not valid JSON (``firstError(in:)`` says where).
  package static func firstDuplicateKey(in bytes: [UInt8]) -> Int? {
    var scanner = Scanner(bytes: bytes)
    scanner.findsDuplicates = true
    do {
      scanner.skipSpace()
      try scanner.value(depth: 0)
    } catch {
      return nil
    }
    return scanner.duplicate
  }

  /// The 1-based line and column (in characters) of `offset` in `bytes`.
  package static func location(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
    let location = LineMap(bytes).location(of: min(offset, bytes.count))
    return (location.line, location.column)
  }

  /// The offset of the first JSON string in `bytes` whose value is `text` (for pointing at a
  /// key or a value), however it is escaped: a value written with `\"` was not found by its
  /// raw bytes and was reported at 1:1.
  package static func offset(ofString text: String, in bytes: [UInt8]) -> Int? {
    offset(ofString: text, in: bytes, from: 0)
  }

  /// ``offset(ofString:in:)`` from `from`, which must not stand inside a string (a string found
  /// earlier starts at such an offset).
  package static func offset(ofString text: String, in bytes: [UInt8], from: Int) -> Int? {
    var i = max(0, from)
    while i < bytes.count {
      guard bytes[i] == .doubleQuote else {
        i += 1
        continue
      }
      var end = i + 1
      var escaped = false
      while end < bytes.count {
        if bytes[end] == .backslash {
          escaped = true
          end += 2
        } else if bytes[end] == .doubleQuote {
          break
        } else {
          end += 1
        }
      }
      guard end < bytes.count else { return nil }
      let token = bytes[i...end]
      let value =
        escaped
        ? (try? JSONDecoder().decode(String.self, from: Data(token)))
        : String(decoding: token.dropFirst().dropLast(), as: UTF8.self)
      if value == text { return i }
      i = end + 1
    }
    return nil
  }

  private struct Invalid: Error {}

  private struct Scanner {
    let bytes: [UInt8]
    var offset = 0
    /// Whether the keys of each object are compared.
    var findsDuplicates = false
    /// The offset of the first key repeated in its object.
    var duplicate: Int?

    /// Nesting beyond this is refused rather than recursed into.
    static let maximumDepth = 512

    mutating func skipSpace() {
      while offset < bytes.count, bytes[offset].isXMLSpace { offset += 1 }
    }

    mutating func expect(_ byte: UInt8) throws(Invalid) {
      guard offset < bytes.count, bytes[offset] == byte else { throw Invalid() }
      offset += 1
    }

    mutating func value(depth: Int) throws(Invalid) {
      guard depth < Self.maximumDepth, offset < bytes.count else { throw Invalid() }
      switch bytes[offset] {
      case UInt8(ascii: "{"): try container(close: UInt8(ascii: "}"), depth: depth, keyed: true)
      case UInt8(ascii: "["): try container(close: UInt8(ascii: "]"), depth: depth, keyed: false)
      case .doubleQuote: try string()
      case UInt8(ascii: "t"): try literal("true")
      case UInt8(ascii: "f"): try literal("false")
      case UInt8(ascii: "n"): try literal("null")
      default: try number()
      }
    }

    mutating func container(close: UInt8, depth: Int, keyed: Bool) throws(Invalid) {
      offset += 1
      skipSpace()
      if offset < bytes.count, bytes[offset] == close {
        offset += 1
        return
      }
      var keys = Set<String>()
      while true {
        if keyed {
          let start = offset
          try string()
          if findsDuplicates {
            let token = bytes[start..<offset]
            let key =
              token.contains(.backslash)
              ? (try? JSONDecoder().decode(String.self, from: Data(token))) ?? ""
              : String(decoding: token.dropFirst().dropLast(), as: UTF8.self)
            if !keys.insert(key).inserted, duplicate == nil { duplicate = start }
          }
          skipSpace()
          try expect(UInt8(ascii: ":"))
          skipSpace()
        }
        try value(depth: depth + 1)
        skipSpace()
        guard offset < bytes.count else { throw Invalid() }
        if bytes[offset] == close {
          offset += 1
          return
        }
        try expect(UInt8(ascii: ","))
        skipSpace()
      }
    }

    mutating func string() throws(Invalid) {
      try expect(.doubleQuote)
      while offset < bytes.count {
        let byte = bytes[offset]
        if byte == .doubleQuote {
          offset += 1
          return
        }
        if byte < 0x20 { throw Invalid() }
        if byte == .backslash {
          offset += 1
          guard offset < bytes.count else { throw Invalid() }
          switch bytes[offset] {
          case UInt8(ascii: "u"):
            for _ in 0..<4 {
              offset += 1
              guard offset < bytes.count, bytes[offset].isHexDigit else { throw Invalid() }
            }
          case .doubleQuote, .backslash, .slash, UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
            UInt8(ascii: "r"), UInt8(ascii: "t"):
            break
          default:
            throw Invalid()
          }
        }
        offset += 1
      }
      throw Invalid()
    }

    mutating func literal(_ word: StaticString) throws(Invalid) {
      guard bytes.hasLiteral(word, at: offset) else { throw Invalid() }
      offset += word.utf8CodeUnitCount
    }

    mutating func number() throws(Invalid) {
      let start = offset
      if offset < bytes.count, bytes[offset] == .hyphen { offset += 1 }
      func digits(_ scanner: inout Scanner) -> Int {
        let first = scanner.offset
        while scanner.offset < scanner.bytes.count, (0x30...0x39).contains(scanner.bytes[scanner.offset]) {
          scanner.offset += 1
        }
        return scanner.offset - first
      }
      // No leading zeros: `0` alone, or a digit 1–9 and more digits.
      let integerStart = offset
      let count = digits(&self)
      guard count > 0 else {
        offset = start
        throw Invalid()
      }
      if count > 1, bytes[integerStart] == UInt8(ascii: "0") {
        offset = integerStart + 1
        throw Invalid()
      }
      if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
        offset += 1
        guard digits(&self) > 0 else { throw Invalid() }
      }
      if offset < bytes.count, bytes[offset] | 0x20 == UInt8(ascii: "e") {
        offset += 1
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == .hyphen { offset += 1 }
        guard digits(&self) > 0 else { throw Invalid() }
      }
    }
  }
}
