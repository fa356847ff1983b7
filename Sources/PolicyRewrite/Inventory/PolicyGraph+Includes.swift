import PolicyDOM

extension PolicyGraph {
  /// The `include-fragment` elements of a policy text, with the section each stands in, in
  /// one pass over its `<` bytes (comments and CDATA skipped). Sections do not nest, so the
  /// section of an include is the last one opened and not closed before it.
  /// - Parameters:
  ///   - lineOffset: Added to each line (the line of the text's first byte in its file, less one).
  static func includes(in bytes: [UInt8], path: String, lineOffset: Int) -> [Include] {
    guard bytes.containsLiteral("include-fragment") else { return [] }
    var result: [Include] = []
    var section = bytes.containsLiteral("<fragment") && !bytes.containsLiteral("<policies") ? "fragment" : ""
    let outer = section
    var line = 1
    var counted = 0
    var i = 0
    while let open = bytes[i...].firstIndex(of: .lessThan) {
      if bytes.hasLiteral("<!--", at: open) {
        i = bytes.firstOffset(of: "-->", from: open + 4).map { $0 + 3 } ?? bytes.count
        continue
      }
      if bytes.hasLiteral("<![CDATA[", at: open) {
        i = bytes.firstOffset(of: "]]>", from: open + 9).map { $0 + 3 } ?? bytes.count
        continue
      }
      let closing = open + 1 < bytes.count && bytes[open + 1] == .slash
      let nameStart = open + (closing ? 2 : 1)
      var nameEnd = nameStart
      while nameEnd < bytes.count, !bytes[nameEnd].isXMLSpace, bytes[nameEnd] != .slash,
        bytes[nameEnd] != .greaterThan
      {
        nameEnd += 1
      }
      // Names compared as bytes: no String for every tag.
      func named(_ literal: StaticString) -> Bool {
        nameEnd - nameStart == literal.utf8CodeUnitCount && bytes.hasLiteral(literal, at: nameStart)
      }
      let sectionName: String? =
        named("inbound")
        ? "inbound"
        : named("backend")
          ? "backend"
          : named("outbound")
            ? "outbound"
            : named("on-error") ? "on-error" : nil
      if let sectionName {
        section = closing ? outer : sectionName
      } else if !closing, named("include-fragment") {
        let tagEnd = bytes[nameEnd...].firstIndex(of: .greaterThan) ?? bytes.count
        let tag = String(decoding: bytes[nameEnd..<tagEnd], as: UTF8.self)
        if let id = Self.attribute("fragment-id", in: tag) {
          while counted < open {
            if bytes[counted] == .lineFeed { line += 1 }
            counted += 1
          }
          result.append(
            Include(path: path, line: line + lineOffset, fragment: id, section: section.isEmpty ? "unknown" : section))
        }
      }
      i = max(nameEnd, open + 1)
    }
    return result
  }

  /// The value of `name="…"` (or `'…'`) in a start tag's text.
  static func attribute(_ name: String, in tag: String) -> String? {
    let bytes = Array(tag.utf8)
    let needle = Array(name.utf8)
    var from = 0
    while let found = bytes[from...].firstRange(of: needle) {
      var i = found.upperBound
      from = i
      while i < bytes.count, bytes[i].isXMLSpace { i += 1 }
      guard i < bytes.count, bytes[i] == .equals else { continue }
      i += 1
      while i < bytes.count, bytes[i].isXMLSpace { i += 1 }
      guard i < bytes.count, bytes[i] == .doubleQuote || bytes[i] == .singleQuote else { return nil }
      let quote = bytes[i]
      let end = bytes[(i + 1)...].firstIndex(of: quote) ?? bytes.count
      return String(decoding: bytes[(i + 1)..<end], as: UTF8.self).trimmingXMLSpace
    }
    return nil
  }
}
