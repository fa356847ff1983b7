import PolicyDOM

/// How a container string writes its text: what an inserted byte becomes.
enum StringEscaping: Hashable {
  /// Written as it is: heredocs and Bicep `'''` strings.
  case verbatim
  /// A Terraform quoted string: `\"`, `\\`, `\n`, `\r`, `\t`; template sequences kept.
  case hcl
  /// A Bicep `'…'` string: `\'`, `\\`, `\n`, `\r`, `\t`; `\${` for an inserted `${`, which would
  /// otherwise be an interpolation (a resource such as `https://x/${apimName}` is text).
  case bicep
  /// A JSON string: `\"`, `\\`, `\n`, `\r`, `\t`, `\u00XX` for other controls; with
  /// `unicodeMarkup`, `<`, `>`, `&` and `'` as `\u003c`… like the string already writes them.
  case json(unicodeMarkup: Bool)

  /// The encoded form of decoded `text`.
  func encode(_ text: [UInt8]) -> [UInt8] {
    if self == .verbatim { return text }
    var output: [UInt8] = []
    output.reserveCapacity(text.count + 8)
    for (index, byte) in text.enumerated() {
      switch byte {
      case .dollar where self == .bicep && index + 1 < text.count && text[index + 1] == .openBrace:
        output += [.backslash, .dollar]
      case .backslash: output += [.backslash, .backslash]
      case .lineFeed: output += [.backslash, UInt8(ascii: "n")]
      case .carriageReturn: output += [.backslash, UInt8(ascii: "r")]
      case .tab: output += [.backslash, UInt8(ascii: "t")]
      case .doubleQuote where self != .bicep: output += [.backslash, .doubleQuote]
      case .singleQuote where self == .bicep: output += [.backslash, .singleQuote]
      case .lessThan, .greaterThan, .ampersand, .singleQuote:
        if case .json(unicodeMarkup: true) = self {
          output += Self.unicodeEscape(byte)
        } else {
          output.append(byte)
        }
      case 0..<0x20:
        switch self {
        case .json: output += Self.unicodeEscape(byte)
        case .bicep: output += Array("\\u{\(String(byte, radix: 16))}".utf8)
        default: output.append(byte)
        }
      default: output.append(byte)
      }
    }
    return output
  }

  private static func unicodeEscape(_ byte: UInt8) -> [UInt8] {
    let hex = Array("0123456789abcdef".utf8)
    return Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
  }
}
