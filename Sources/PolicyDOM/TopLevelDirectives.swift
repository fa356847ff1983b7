/// The Terraform template directives (`%{ if … }`, `%{ else }`, `%{ endif }`, `%{ for … }`,
/// `%{ endfor }`) that stand outside every element of a template's policy text: before the
/// root element, after it, or between two alternative root elements
/// (`%{ if … }<policies>…</policies>%{ else }<policies>…</policies>%{ endif }`).
///
/// XML allows nothing but space and comments outside the root element, so the parser reads
/// these directives as spaces (they are kept as written: only the parser's masked copy
/// changes), and a Terraform container reads the text between them as separate documents
/// when there is more than one.
package enum TopLevelDirectives {
  /// The ranges of the `%{…}` directives of `source` that stand outside every element, in
  /// order. `%%{` is an escape, not a directive. The scan reads tags, comments, CDATA
  /// sections and processing instructions; quoted attribute values are skipped.
  /// - Parameter source: The text, expressions already masked (so that a `<` in an expression
  ///   is no tag), or as written.
  package static func ranges(in source: [UInt8]) -> [Range<Int>] {
    guard source.containsLiteral("%{") else { return [] }
    var result: [Range<Int>] = []
    var depth = 0
    var i = 0
    let n = source.count
    while i < n {
      let byte = source[i]
      if byte == .lessThan {
        i = endOfMarkup(source, at: i, depth: &depth)
      } else if depth == 0, byte == .percent, i + 1 < n, source[i + 1] == .openBrace,
        i == 0 || source[i - 1] != .percent
      {
        // The directive's content starts at `i + 2`; strings in it are skipped.
        guard let close = source.closingBrace(from: i + 2) else { return result }
        result.append(i..<(close + 1))
        i = close + 1
      } else {
        i += 1
      }
    }
    return result
  }

  /// The offset after the tag, comment, CDATA section or processing instruction at `start`,
  /// with `depth` updated by an element's start or end tag.
  private static func endOfMarkup(_ source: [UInt8], at start: Int, depth: inout Int) -> Int {
    let n = source.count
    func after(_ literal: StaticString, from index: Int) -> Int {
      source.firstOffset(of: literal, from: index).map { $0 + literal.utf8CodeUnitCount } ?? n
    }
    if source.hasLiteral("<!--", at: start) { return after("-->", from: start + 4) }
    if source.hasLiteral("<![CDATA[", at: start) { return after("]]>", from: start + 9) }
    if source.hasLiteral("<?", at: start) { return after("?>", from: start + 2) }
    let closing = start + 1 < n && source[start + 1] == .slash
    guard let i = source.firstOffsetOutsideQuotes(in: (start + 1)..<n, where: { source[$0] == .greaterThan })
    else { return n }
    if closing {
      depth = max(depth - 1, 0)
    } else if source[i - 1] != .slash, source[start + 1] != .bang {
      depth += 1
    }
    return i + 1
  }
}
