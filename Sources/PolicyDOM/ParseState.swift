@preconcurrency import CLibXML2

/// Per-parse state reached from the C callbacks through the context's `_private`.
final class ParseState {
  let bytes: UnsafeBufferPointer<UInt8>
  /// The elements, their spans and attributes, when a tree is built.
  var elements = ElementTable()
  var diagnostics: [(line: Int, column: Int, message: String)] = []
  var sawDoctype = false
  var badRange: Int?

  /// The spans of the elements that are open, innermost last, when no tree is built.
  var open: [ElementSpan] = []
  /// The root element's name, when no tree is built.
  var rootName: String?

  init(bytes: UnsafeBufferPointer<UInt8>, reserving: Bool = true) {
    self.bytes = bytes
    guard reserving else { return }
    // Every element has one or two `<`: reserving for half of them avoids the array's
    // doubling, whose old and new storage would both be alive at the peak of a large file.
    var tags = 0
    for byte in bytes where byte == .lessThan { tags += 1 }
    elements.reserve(tags / 2 + 1)
  }

  static func from(_ ctx: UnsafeMutableRawPointer?) -> (ParseState, xmlParserCtxtPtr)? {
    guard let ctx else { return nil }
    let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
    guard CLibXML2_inputDepth(ctxt) == 1, let opaque = ctxt.pointee._private else { return nil }
    return (Unmanaged<ParseState>.fromOpaque(opaque).takeUnretainedValue(), ctxt)
  }

  func elementStarted(
    _ localName: UnsafePointer<xmlChar>?, at position: Int, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
    count: Int
  ) {
    elements.attributes.addElement(attributes, count: count)
    let name = UnsafeBufferPointer(start: localName, count: localName.map { Int(xmlStrlen($0)) } ?? 0)
    elements.startElement(openingSpan(at: position), name: name)
  }

  func elementEnded(at end: Int) {
    guard let number = elements.endElement() else { return }
    elements.nodes[number].span = closed(elements.nodes[number].span, at: end)
  }

  /// An element starts, when no tree is built: its span is kept until it ends.
  func elementOpened(_ localName: UnsafePointer<xmlChar>?, at position: Int) {
    if rootName == nil, open.isEmpty, let localName { rootName = String(cString: localName) }
    open.append(openingSpan(at: position))
  }

  /// An element ends, when no tree is built.
  func elementClosed(at end: Int) {
    guard let span = open.popLast() else { return }
    _ = closed(span, at: end)
  }

  private func openingSpan(at position: Int) -> ElementSpan {
    var start = min(position, bytes.count - 1)
    while start > 0, bytes[start] != .lessThan { start -= 1 }
    let contentStart = position < bytes.count && bytes[position] == .greaterThan ? position + 1 : -1
    return ElementSpan(start: start, contentStart: contentStart, contentEnd: -1, end: -1)
  }

  /// The span completed by its end at `end`; the first one that is not a tag is recorded.
  private func closed(_ opening: ElementSpan, at end: Int) -> ElementSpan {
    var span = opening
    span.end = end
    if span.contentStart < 0 {
      span.contentStart = end
      span.contentEnd = end
    } else {
      var tagStart = end - 1
      while tagStart > span.start, bytes[tagStart] != .lessThan { tagStart -= 1 }
      span.contentEnd = tagStart
    }
    let valid =
      end <= bytes.count && bytes[span.start] == .lessThan && bytes[end - 1] == .greaterThan
      && span.contentStart <= span.contentEnd && span.start < span.contentStart
    if !valid, badRange == nil { badRange = span.start }
    return span
  }

  func failure(wellFormed: Bool, hasTree: Bool, original: [UInt8]) -> ParseError? {
    if sawDoctype {
      let offset = firstOffset(of: Array("<!DOCTYPE".utf8)) ?? 0
      let (line, column) = LineMap(original).location(of: offset)
      return ParseError(
        kind: .doctype, line: line, column: column,
        message: "a <!DOCTYPE> is not allowed in a policy (it could declare entities); remove it")
    }
    if let first = diagnostics.first {
      return ParseError(
        kind: .malformed, line: first.line, column: first.column, message: "malformed XML: \(first.message)")
    }
    if !wellFormed || !hasTree {
      return ParseError(kind: .malformed, line: 1, column: 1, message: "malformed XML")
    }
    if let offset = badRange {
      let (line, column) = LineMap(original).location(of: offset)
      return ParseError(
        kind: .internalRange, line: line, column: column,
        message: "internal error: the parser reported an element range that is not a tag")
    }
    return nil
  }

  private func firstOffset(of pattern: [UInt8]) -> Int? {
    guard bytes.count >= pattern.count else { return nil }
    for i in 0...(bytes.count - pattern.count) where bytes[i] == pattern[0] {
      if Array(bytes[i..<(i + pattern.count)]) == pattern { return i }
    }
    return nil
  }

  /// Keeps the first error (only the first is reported; a malformed file can raise many).
  func record(_ error: xmlErrorPtr?) {
    guard diagnostics.isEmpty, let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
    var message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
    while message.last?.isNewline == true || message.last == " " { message.removeLast() }
    message = String(message.map { $0.isNewline ? " " : $0 })
    diagnostics.append((Int(max(error.pointee.line, 1)), Int(max(error.pointee.int2, 1)), message))
  }
}
