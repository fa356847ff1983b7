import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#endif

/// One escaping function per output syntax. Every file name, message and value that comes
/// from a file or the command line goes through the function of the syntax it is written
/// in, so that no name or content can end a line, start a command or markup, or reach the
/// terminal as a control sequence.
package enum Escaping {
  // MARK: Terminal text

  /// Text for a terminal (the text format): control characters (C0, DEL, C1, so the ESC of
  /// ANSI sequences too) and the bidirectional overrides are written as `\n`, `\t`, `\r`,
  /// `\xNN` or `\u{NNNN}`; everything else stays.
  package static func terminal(_ text: String) -> String {
    // Printable ASCII, the usual path and message, needs nothing.
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x0A: result += "\\n"
      case 0x09: result += "\\t"
      case 0x0D: result += "\\r"
      case 0x00..<0x20, 0x7F: result += "\\x" + String(scalar.value, radix: 16, uppercase: true).zeroPadded(to: 2)
      case 0x80..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
        result += "\\u{" + String(scalar.value, radix: 16, uppercase: true).zeroPadded(to: 4) + "}"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// A path for a terminal, as ``terminal(_:)``, written `./::…` when it starts with `::`:
  /// a GitHub runner reads a workflow command (`::stop-commands::`, `::add-mask::`) from any
  /// line a step prints that starts so, and a path often starts a line.
  package static func terminalPath(_ path: String) -> String {
    let escaped = terminal(path)
    return escaped.hasPrefix("::") ? "./" + escaped : escaped
  }

  /// A long list for a line of text output: the first `limit` items, then `and N more; see
  /// --format json` (which lists them all), so that a run with 20,000 named values does not
  /// print them on one line.
  static func cappedList(_ items: [String], separator: String = ", ", limit: Int = 20) -> String {
    guard items.count > limit else { return items.joined(separator: separator) }
    return items.prefix(limit).joined(separator: separator) + " and \(items.count - limit) more; see --format json"
  }

  /// A long list for text output, one indented item a line: the first `limit` items, then
  /// `and N more; see --format json`.
  static func cappedLines(_ items: [String], limit: Int = 20) -> [String] {
    let shown = items.prefix(limit).map { "  " + $0 }
    return items.count > limit ? shown + ["  and \(items.count - limit) more; see --format json"] : shown
  }

  // MARK: GitHub workflow commands

  /// A workflow command's message, or any line written among commands (actions/toolkit
  /// `escapeData`): `%`, CR and LF percent-encoded, so the text stays on its line; the other
  /// control characters (C0, DEL, C1, so the ESC of ANSI sequences too) and the bidirectional
  /// overrides written as ``terminal(_:)`` writes them (`\x1B`), so that none reaches the log.
  static func workflowData(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x25: result += "%25"
      case 0x0D: result += "%0D"
      case 0x0A: result += "%0A"
      case 0x00..<0x20, 0x7F..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
        result += terminal(String(scalar))
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// A workflow command's property value (actions/toolkit `escapeProperty`): as
  /// ``workflowData(_:)``, and `:` and `,` percent-encoded.
  static func workflowProperty(_ text: String) -> String {
    var result = ""
    for scalar in workflowData(text).unicodeScalars {
      switch scalar {
      case ":": result += "%3A"
      case ",": result += "%2C"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// A token no file can guess, for `::stop-commands::TOKEN` around text that is not made of
  /// workflow commands (diffs, plain finding lines): the runner then reads none of it as a
  /// command.
  static func stopCommandsToken() -> String {
    var generator = SystemRandomNumberGenerator()
    return "policy-rewrite-" + (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
  }

  // MARK: Markdown (job summary)

  /// Text for a Markdown table cell or paragraph: line ends and other control characters
  /// become spaces, bidirectional controls are shown as `\u{202E}`, HTML's `<`, `>` and `&` become entities, and Markdown's punctuation is
  /// backslash-escaped, so a name can add neither markup, nor a link, nor a cell.
  static func markdown(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "&": result += "&amp;"
      case "\\", "`", "*", "_", "[", "]", "(", ")", "|", "~", "!", "#": result += "\\" + String(scalar)
      default:
        if scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) {
          result += " "
        } else if [0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
          .contains(scalar.value)
        {
          // A bidirectional control would reorder what the reader sees: shown, not applied.
          result += "\\\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result
  }

  // MARK: SARIF

  /// A relative URI reference for a path (RFC 3986): `./` dropped; every byte but the
  /// unreserved ones and `/` percent-encoded, `:` included, so a first segment such as
  /// `javascript:alert(1).xml` can never read as a scheme.
  static func uriPath(_ path: String) -> String {
    var trimmed = Substring(path)
    while trimmed.hasPrefix("./") { trimmed = trimmed.dropFirst(2) }
    var uri = ""
    for byte in trimmed.utf8 {
      let unreserved =
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        || byte == .hyphen || byte == .dot || byte == .underscore || byte == UInt8(ascii: "~") || byte == .slash
      if unreserved {
        uri.unicodeScalars.append(UnicodeScalar(byte))
      } else {
        uri += "%" + String(byte, radix: 16, uppercase: true).zeroPadded(to: 2)
      }
    }
    return uri
  }

  // MARK: Unified diff headers

  /// A path in a `---`/`+++` header with its `a/` or `b/` prefix, quoted the way git quotes
  /// it when it must be: a name with a double quote, a backslash, a control character or a
  /// byte that is not UTF-8 is written `"a/x\t.xml"` with C escapes (`\t`, `\n`, `\"`, `\\`,
  /// octal `\ooo`), which `git apply` and GNU `patch` read back. A name with a space gets a
  /// trailing tab, as `diff -u` writes it.
  static func diffHeaderPath(_ prefix: String, _ path: [UInt8]) -> [UInt8] {
    let full = Array(prefix.utf8) + path
    let valid = String(validating: path, as: UTF8.self) != nil
    let needsQuotes = !valid || path.contains { $0 < 0x20 || $0 == 0x7F || $0 == .doubleQuote || $0 == .backslash }
    guard needsQuotes else { return path.contains(.space) ? full + [.tab] : full }
    var quoted: [UInt8] = [.doubleQuote]
    for byte in full {
      switch byte {
      case 0x07: quoted += Array("\\a".utf8)
      case 0x08: quoted += Array("\\b".utf8)
      case .tab: quoted += Array("\\t".utf8)
      case .lineFeed: quoted += Array("\\n".utf8)
      case 0x0B: quoted += Array("\\v".utf8)
      case 0x0C: quoted += Array("\\f".utf8)
      case .carriageReturn: quoted += Array("\\r".utf8)
      case .doubleQuote: quoted += Array("\\\"".utf8)
      case .backslash: quoted += Array("\\\\".utf8)
      case 0x00..<0x20, 0x7F...0xFF:
        let octal = String(byte, radix: 8)
        quoted += Array(("\\" + String(repeating: "0", count: 3 - octal.count) + octal).utf8)
      default: quoted.append(byte)
      }
    }
    quoted.append(.doubleQuote)
    return quoted
  }
}
