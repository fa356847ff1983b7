import PolicyDOM

/// A header name (or `exists-action`) that a deployment fills in: a Terraform template
/// (`${"x-functions-key"}`, `x-functions-${"key"}`, `%{ if … }x-functions-key%{ endif }`), a
/// Bicep interpolation (`${'x-functions-key'}`) or a `format()` placeholder (`{0}`). The
/// rules cannot read the deployed name, so such a name is reported when it may spell a key
/// header.
enum HeaderNameTemplate {
  /// Whether `text` holds a placeholder: `${`, `%{` or `{` + digits + `}`.
  static func hasPlaceholder(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    for (i, byte) in bytes.enumerated() where byte == .openBrace {
      if i > 0, bytes[i - 1] == .dollar || bytes[i - 1] == .percent { return true }
      var j = i + 1
      while j < bytes.count, bytes[j] >= 0x30 && bytes[j] <= 0x39 { j += 1 }
      if j > i + 1, j < bytes.count, bytes[j] == .closeBrace { return true }
    }
    return false
  }

  /// Whether the templated `name` may be one of `keyHeaders`: it names one (any case), or
  /// each piece of text outside its placeholders is part of one.
  static func mayName(_ name: String, keyHeaders: some Collection<String>) -> Bool {
    let lowered = Array(name.utf8).map(\.asciiLowercased)
    let headers = keyHeaders.map { Array($0.utf8).map(\.asciiLowercased) }
    if headers.contains(where: { contains(lowered, $0) }) { return true }
    return literalPieces(of: lowered).allSatisfy { piece in headers.contains { contains($0, piece) } }
  }

  /// Whether `needle` occurs in `haystack`.
  private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard haystack.count >= needle.count else { return false }
    return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
  }

  /// The text outside `${…}`, `%{…}` and `{…}` (nested braces counted), in pieces.
  private static func literalPieces(of bytes: [UInt8]) -> [[UInt8]] {
    var pieces: [[UInt8]] = []
    var current: [UInt8] = []
    var depth = 0
    var i = 0
    while i < bytes.count {
      let byte = bytes[i]
      if byte == .openBrace {
        if depth == 0 {
          if let last = current.last, last == .dollar || last == .percent { current.removeLast() }
          if !current.isEmpty { pieces.append(current) }
          current = []
        }
        depth += 1
      } else if byte == .closeBrace, depth > 0 {
        depth -= 1
      } else if depth == 0 {
        current.append(byte)
      }
      i += 1
    }
    if !current.isEmpty { pieces.append(current) }
    return pieces.filter { !$0.allSatisfy(\.isXMLSpace) }
  }
}
