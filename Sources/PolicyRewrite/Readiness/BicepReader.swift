import PolicyDOM

/// Reads the `resource` declarations and `param`/`var` string values of a Bicep file into
/// ``IaCValue``s: enough to find Function Apps, their authentication and APIM instances,
/// without a full Bicep parser.
struct BicepReader {
  /// One `resource SYMBOL 'TYPE@VERSION' = { … }` at the top level.
  struct Declaration {
    var symbol: String
    var type: String
    var body: IaCValue
    var offset: Int
  }

  private let source: [UInt8]
  private var index = 0

  init(_ source: [UInt8]) {
    self.source = source
  }

  /// The top-level resources and the string values of parameters and variables.
  static func read(_ source: [UInt8]) -> (resources: [Declaration], values: [String: String]) {
    var reader = BicepReader(source)
    return reader.readAll()
  }

  private mutating func readAll() -> ([Declaration], [String: String]) {
    var resources: [Declaration] = []
    var values: [String: String] = [:]
    while index < source.count {
      let lineStart = index
      skipSpaces()
      let word = identifier()
      if word == "resource" {
        skipSpaces()
        let symbol = identifier()
        skipSpaces()
        if index < source.count, source[index] == UInt8(ascii: "'"), case .string(let typed) = string() {
          let type = String(typed.prefix { $0 != "@" })
          if let open = source[index...].firstIndex(of: UInt8(ascii: "{")) {
            index = open
            let body = value(depth: 0)
            resources.append(Declaration(symbol: symbol, type: type, body: body, offset: lineStart))
            continue
          }
        }
      } else if word == "param" || word == "var" {
        skipSpaces()
        let name = identifier()
        // `param name string = 'x'` or `var name = 'x'`.
        while index < source.count, source[index] != UInt8(ascii: "="), source[index] != .lineFeed { index += 1 }
        if index < source.count, source[index] == UInt8(ascii: "=") {
          index += 1
          skipSpaces()
          if index < source.count, source[index] == UInt8(ascii: "'"), case .string(let text) = string() {
            values[name] = text
          }
        }
      }
      skipLine()
    }
    return (resources, values)
  }

  private mutating func skipSpaces() {
    while index < source.count, source[index] == .space || source[index] == .tab { index += 1 }
  }

  private mutating func skipLine() {
    while index < source.count, source[index] != .lineFeed { index += 1 }
    if index < source.count { index += 1 }
  }

  private mutating func identifier() -> String {
    let start = index
    while index < source.count, Self.isIdentifierByte(source[index]) { index += 1 }
    return String(decoding: source[start..<index], as: UTF8.self)
  }

  private static func isIdentifierByte(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
      || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == .underscore
  }

  /// Skips blanks, newlines, commas and comments.
  private mutating func skipSeparators() {
    while index < source.count {
      let byte = source[index]
      if byte == .space || byte == .tab || byte == .lineFeed || byte == .carriageReturn || byte == UInt8(ascii: ",") {
        index += 1
      } else if byte == .slash, index + 1 < source.count, source[index + 1] == .slash {
        skipLine()
      } else if byte == .slash, index + 1 < source.count, source[index + 1] == UInt8(ascii: "*") {
        index += 2
        while index + 1 < source.count, !(source[index] == UInt8(ascii: "*") && source[index + 1] == .slash) {
          index += 1
        }
        index = min(source.count, index + 2)
      } else {
        return
      }
    }
  }

  /// Moves to the next item of an object or array that `closer` ends: `false`, with the closer
  /// read, at its end (or at the end of the source).
  private mutating func nextItem(closedBy closer: UInt8) -> Bool {
    skipSeparators()
    guard index < source.count else { return false }
    if source[index] == closer {
      index += 1
      return false
    }
    return true
  }

  private mutating func value(depth: Int) -> IaCValue {
    guard index < source.count, depth < 64 else { return .other("") }
    switch source[index] {
    case UInt8(ascii: "{"):
      index += 1
      var members: [IaCValue.Member] = []
      while nextItem(closedBy: UInt8(ascii: "}")) {
        let key: String
        if source[index] == UInt8(ascii: "'"), case .string(let text) = string() {
          key = text
        } else {
          key = identifier()
          if key.isEmpty {
            skipExpression()
            continue
          }
        }
        skipSpaces()
        guard index < source.count, source[index] == UInt8(ascii: ":") else {
          skipExpression()
          continue
        }
        index += 1
        skipSpaces()
        members.append(IaCValue.Member(key: key, value: value(depth: depth + 1)))
      }
      return .object(members)
    case UInt8(ascii: "["):
      index += 1
      var elements: [IaCValue] = []
      while nextItem(closedBy: UInt8(ascii: "]")) {
        let before = index
        elements.append(value(depth: depth + 1))
        if index == before { index += 1 }
      }
      return .array(elements)
    case UInt8(ascii: "'"):
      return string()
    default:
      let start = index
      skipExpression()
      return .other(String(decoding: source[start..<index], as: UTF8.self).trimmingXMLSpace)
    }
  }

  /// A single-quoted string (or a `'''` multi-line one), interpolations kept as written.
  private mutating func string() -> IaCValue {
    if source[index...].starts(with: "'''".utf8) {
      let start = index + 3
      var end = start
      while end + 2 < source.count, !source[end...].starts(with: "'''".utf8) { end += 1 }
      index = min(source.count, end + 3)
      return .string(String(decoding: source[start..<min(end, source.count)], as: UTF8.self))
    }
    index += 1
    var bytes: [UInt8] = []
    var depth = 0
    while index < source.count {
      let byte = source[index]
      if byte == .backslash, index + 1 < source.count {
        bytes.append(source[index + 1])
        index += 2
        continue
      }
      if depth == 0, byte == UInt8(ascii: "'") {
        index += 1
        break
      }
      if byte == .lineFeed, depth == 0 { break }
      if byte == UInt8(ascii: "$"), index + 1 < source.count, source[index + 1] == UInt8(ascii: "{") {
        depth += 1
        bytes += [byte, source[index + 1]]
        index += 2
        continue
      }
      if depth > 0, byte == UInt8(ascii: "}") { depth -= 1 }
      bytes.append(byte)
      index += 1
    }
    return .string(String(decoding: bytes, as: UTF8.self))
  }

  /// Skips an expression up to the end of its line, or a `,`, `}` or `]` outside brackets.
  private mutating func skipExpression() {
    var depth = 0
    while index < source.count {
      let byte = source[index]
      switch byte {
      case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
      case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
        if depth == 0 { return }
        depth -= 1
      case UInt8(ascii: "'"):
        _ = string()
        continue
      case .lineFeed, UInt8(ascii: ","):
        if depth == 0 { return }
      default: break
      }
      index += 1
    }
  }
}
