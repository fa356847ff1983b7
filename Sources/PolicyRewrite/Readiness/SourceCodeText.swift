import PolicyDOM

/// Function code with its comments blanked, for the trigger scanner: a copy of the bytes in
/// which every comment byte (but line feeds) is a space, so a pattern never matches inside a
/// comment and offsets and lines stay those of the file. String literals are kept.
struct SourceCodeText {
  /// The comment syntax of a language.
  enum Syntax {
    /// `//` and `/* */` comments; `"`, `'` and `` ` `` strings (C#, Java, JavaScript, TypeScript).
    case cLike
    /// `#` comments; `'`, `"`, `'''` and `"""` strings.
    case python
  }

  /// The blanked text.
  let text: String
  private let lines: LineMap

  init(_ bytes: [UInt8], syntax: Syntax) {
    var copy = bytes
    switch syntax {
    case .cLike: Self.blankCLikeComments(&copy)
    case .python: Self.blankPythonComments(&copy)
    }
    text = String(decoding: copy, as: UTF8.self)
    lines = LineMap(bytes)
  }

  /// The 1-based line of a position in ``text``.
  func line(of index: String.Index) -> Int {
    lines.location(of: text.utf8.distance(from: text.startIndex, to: index)).line
  }

  /// A trigger declared at `index`.
  func trigger(
    _ function: String, _ level: HTTPTriggerScanner.Level, at index: String.Index, _ language: HTTPTrigger.Language
  ) -> HTTPTrigger {
    HTTPTrigger(
      function: function, authLevel: level.level, isDefault: level.isDefault, written: level.written,
      line: line(of: index), language: language)
  }

  /// The text of a call's arguments: from just after the `(` at `open` to its matching `)`
  /// (strings and nested brackets skipped), or `nil` when the parenthesis is not closed.
  func arguments(openingAt open: String.Index) -> Substring? {
    let utf8 = text.utf8
    var depth = 0
    var quote: UInt8?
    var index = open
    while index < utf8.endIndex {
      let byte = utf8[index]
      if let current = quote {
        if byte == UInt8(ascii: "\\") {
          index = utf8.index(after: index)
          if index == utf8.endIndex { return nil }
        } else if byte == current {
          quote = nil
        }
      } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`") {
        quote = byte
      } else if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
        depth += 1
      } else if byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
        depth -= 1
        if depth == 0 { return text[utf8.index(after: open)..<index] }
      }
      index = utf8.index(after: index)
    }
    return nil
  }

  private static func blankCLikeComments(_ bytes: inout [UInt8]) {
    var i = 0
    var quote: UInt8?
    while i < bytes.count {
      let byte = bytes[i]
      if let current = quote {
        if byte == UInt8(ascii: "\\") {
          i += 1
        } else if byte == current || (byte == .lineFeed && current != UInt8(ascii: "`")) {
          quote = nil
        }
        i += 1
      } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`") {
        quote = byte
        i += 1
      } else if byte == UInt8(ascii: "/"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "/") {
        while i < bytes.count, bytes[i] != .lineFeed {
          bytes[i] = .space
          i += 1
        }
      } else if byte == UInt8(ascii: "/"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "*") {
        var j = i + 2
        while j + 1 < bytes.count, !(bytes[j] == UInt8(ascii: "*") && bytes[j + 1] == UInt8(ascii: "/")) { j += 1 }
        let end = min(bytes.count, j + 2)
        for k in i..<end where bytes[k] != .lineFeed { bytes[k] = .space }
        i = end
      } else {
        i += 1
      }
    }
  }

  private static func blankPythonComments(_ bytes: inout [UInt8]) {
    var i = 0
    while i < bytes.count {
      let byte = bytes[i]
      if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
        let triple = i + 2 < bytes.count && bytes[i + 1] == byte && bytes[i + 2] == byte
        i += triple ? 3 : 1
        while i < bytes.count {
          if bytes[i] == UInt8(ascii: "\\") {
            i += 2
            continue
          }
          if !triple, bytes[i] == .lineFeed { break }
          if bytes[i] == byte, !triple || (i + 2 < bytes.count && bytes[i + 1] == byte && bytes[i + 2] == byte) {
            i += triple ? 3 : 1
            break
          }
          i += 1
        }
      } else if byte == UInt8(ascii: "#") {
        while i < bytes.count, bytes[i] != .lineFeed {
          bytes[i] = .space
          i += 1
        }
      } else {
        i += 1
      }
    }
  }
}
