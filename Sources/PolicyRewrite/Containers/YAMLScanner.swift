import PolicyDOM

/// The one syntax check made on an APIOps `configuration.<env>.yaml` before its backend
/// credentials are read: that the file does not end inside a quoted scalar or a flow
/// collection (`[…]`, `{…}`), and closes no bracket it did not open: what a truncated file or
/// a lost quote leaves.
///
/// Quotes start a scalar only where a scalar starts (after the indentation, `- `, `: `, `? `,
/// or `[`, `{` and `,` in a flow collection), so an apostrophe inside a plain scalar is text;
/// block scalars (`|`, `>`) are skipped by their indentation; `#` after a space starts a comment.
enum YAMLScanner {
  /// The first syntax error of `bytes`, at its offset, or `nil`.
  static func firstError(in bytes: [UInt8]) -> (offset: Int, message: String)? {
    let n = bytes.count
    var flow: [(offset: Int, bracket: UInt8)] = []
    var i = 0
    var atScalarStart = true
    // The indentation of the current line, and of the line that opened a block scalar.
    var lineIndent = 0
    var blockScalarIndent: Int?
    var lineStart = true
    while i < n {
      let b = bytes[i]
      if lineStart {
        var j = i
        while j < n, bytes[j] == .space { j += 1 }
        let blank = j >= n || bytes[j] == .lineFeed || bytes[j] == .carriageReturn
        if let parent = blockScalarIndent {
          if blank || j - i > parent {
            i = j
            while i < n, bytes[i] != .lineFeed { i += 1 }
            i += 1
            continue
          }
          blockScalarIndent = nil
        }
        lineIndent = j - i
        lineStart = false
        if flow.isEmpty { atScalarStart = true }
        i = j
        continue
      }
      if b == .lineFeed {
        lineStart = true
        i += 1
        continue
      }
      if b == .space || b == .tab || b == .carriageReturn {
        i += 1
        continue
      }
      if b == UInt8(ascii: "#"), i == 0 || [.space, .tab, .lineFeed].contains(bytes[i - 1]) {
        while i < n, bytes[i] != .lineFeed { i += 1 }
        continue
      }
      if atScalarStart, b == .doubleQuote || b == .singleQuote {
        var j = i + 1
        var closed = false
        while j < n {
          if b == .doubleQuote, bytes[j] == .backslash {
            j += 2
          } else if bytes[j] == b {
            if b == .singleQuote, j + 1 < n, bytes[j + 1] == .singleQuote {
              j += 2
            } else {
              closed = true
              break
            }
          } else {
            j += 1
          }
        }
        guard closed else { return (i, unterminatedScalar) }
        i = j + 1
        atScalarStart = false
        continue
      }
      if atScalarStart, flow.isEmpty, b == UInt8(ascii: "|") || b == .greaterThan {
        blockScalarIndent = lineIndent
        while i < n, bytes[i] != .lineFeed { i += 1 }
        continue
      }
      if b == .openBracket || b == .openBrace, atScalarStart || !flow.isEmpty {
        flow.append((i, b))
        atScalarStart = true
        i += 1
        continue
      }
      if !flow.isEmpty, b == .closeBracket || b == .closeBrace {
        let expected: UInt8 = b == .closeBrace ? .openBrace : .openBracket
        guard flow.last?.bracket == expected else {
          return (
            i,
            "unexpected '\(Character(Unicode.Scalar(b)))': it does not close the '\(Character(Unicode.Scalar(flow.last!.bracket)))' before it"
          )
        }
        flow.removeLast()
        atScalarStart = false
        i += 1
        continue
      }
      if !flow.isEmpty, b == UInt8(ascii: ",") {
        atScalarStart = true
        i += 1
        continue
      }
      if b == UInt8(ascii: ":") || b == .hyphen || b == .question,
        i + 1 >= n || [.space, .tab, .lineFeed, .carriageReturn].contains(bytes[i + 1])
          || (!flow.isEmpty && b == UInt8(ascii: ":"))
      {
        atScalarStart = true
        i += 1
        continue
      }
      // Plain scalar text.
      atScalarStart = false
      i += 1
    }
    if let open = flow.last {
      return (
        open.offset,
        "the \(open.bracket == .openBrace ? "flow mapping" : "flow sequence") is not closed: the file ends before its '\(open.bracket == .openBrace ? "}" : "]")'"
      )
    }
    return nil
  }

  static let unterminatedScalar = "the quoted string is not terminated: the file ends before its closing quote"
}
