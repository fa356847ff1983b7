@preconcurrency import CLibXML2

/// A parsed policy file: a libxml2 tree whose elements know their byte ranges in the
/// original bytes.
///
/// Raw policy expressions are masked before libxml2 sees the text (see `ExpressionMasker`),
/// so `rawxml` files parse; the ranges still point into ``source``, because masking keeps
/// every byte where it was. libxml2's tree holds the elements only, no text, comment, CDATA or
/// processing-instruction nodes (content is read from ``source`` by range), and no attribute
/// nodes: attributes are kept in an ``AttributeTable``. Parsing is safe for untrusted input:
/// no network, no entity substitution, no DTD loading, and a document with a `<!DOCTYPE` is
/// refused.
///
/// The document owns its libxml2 tree and frees it once, when the document goes away.
/// ``PolicyElement`` values hold the document strongly, so an element never outlives its
/// tree. A document is not `Sendable`: parse it, use it and drop it on one task.
public final class PolicyDocument {
  /// The original bytes of the file.
  public let source: [UInt8]
  private let tree: xmlDocPtr
  fileprivate let spans: [ElementSpan]
  private let attributes: AttributeTable
  private var lineMapStorage: LineMap?
  private var prefersSpaceStorage: Bool?

  private init(source: [UInt8], parsed: LibXML2Parser.Parsed) {
    self.source = source
    self.tree = parsed.tree
    self.spans = parsed.spans
    self.attributes = parsed.attributes
  }

  deinit { xmlFreeDoc(tree) }

  /// The root element (`<policies>` or `<fragment>` in a policy file).
  public var root: PolicyElement {
    guard let node = xmlDocGetRootElement(tree) else {
      preconditionFailure("a parsed document always has a root element")
    }
    return PolicyElement(document: self, node: node)
  }

  /// Line and column lookup for offsets in ``source``.
  public var lineMap: LineMap {
    if let map = lineMapStorage { return map }
    let map = LineMap(source)
    lineMapStorage = map
    return map
  }

  /// Whether the document writes its empty elements as `<x />` rather than `<x/>`: the
  /// majority style of its empty-element tags, `<x />` on a tie or when it has none.
  public var prefersSpaceInEmptyElements: Bool {
    // Computed once: the rewriter asks for every MI element it writes, and counting every
    // element each time was quadratic in a policy with thousands of injections.
    if let prefers = prefersSpaceStorage { return prefers }
    var spaced = 0
    var tight = 0
    for span in spans where span.contentStart == span.end && span.end >= 3 {
      if source[span.end - 3].isXMLSpace { spaced += 1 } else { tight += 1 }
    }
    prefersSpaceStorage = spaced >= tight
    return spaced >= tight
  }

  /// How many nodes libxml2's tree holds under the document node: elements, attributes (which
  /// the document keeps apart, see ``AttributeTable``, so that there are none unless an element
  /// has an `xml:id`), and nodes of any other kind (text, comments, CDATA, processing
  /// instructions, entity references), which a parsed document never builds.
  var nodeCounts: (elements: Int, attributes: Int, others: Int) {
    var counts = (elements: 0, attributes: 0, others: 0)
    var stack: [xmlNodePtr] = []
    var next = tree.pointee.children
    while true {
      if let node = next {
        if node.pointee.type == XML_ELEMENT_NODE { counts.elements += 1 } else { counts.others += 1 }
        var attribute = node.pointee.properties
        while let current = attribute {
          counts.attributes += 1
          attribute = current.pointee.next
        }
        if let sibling = node.pointee.next { stack.append(sibling) }
        next = node.pointee.children
      } else if let pending = stack.popLast() {
        next = pending
      } else {
        return counts
      }
    }
  }

  func span(of node: xmlNodePtr) -> ElementSpan { spans[index(of: node)] }

  /// The value of the attribute `name` of the element `node`, decoded as `xmlGetProp` decodes it.
  func attribute(_ name: String, of node: xmlNodePtr) -> String? {
    attributes.value(of: name, element: index(of: node))
  }

  /// How many attributes the document's elements have.
  var attributeCount: Int { attributes.count }

  /// The number of the element `node`: the index of its span and of its attributes.
  private func index(of node: xmlNodePtr) -> Int {
    guard let token = node.pointee._private else {
      preconditionFailure("every element of a parsed document has a recorded span")
    }
    return Int(bitPattern: token) - 1
  }

  /// How a document is read.
  public struct ParseOptions: Sendable, Hashable {
    /// Whether the document is a Terraform (or other) template whose `${...}` and `%{...}`
    /// sequences may hold what XML cannot: they are then masked like policy expressions.
    /// Leave it off for plain policy files, where `${` is text.
    public var masksTemplates: Bool

    /// Creates options; by default template sequences are masked.
    public init(masksTemplates: Bool = true) {
      self.masksTemplates = masksTemplates
    }
  }

  /// Parses a policy document.
  ///
  /// Raw policy expressions (and, for templates, template sequences) are masked first. When
  /// masking hid a `<` or a quote, the file is first read as it is written: if that is
  /// well-formed XML, it is the reading used, so that no element libxml2 sees in the file can
  /// be hidden inside what looks like an expression.
  ///
  /// - Parameters:
  ///   - source: The file's bytes, UTF-8 with or without a byte-order mark.
  ///   - options: How the file is read.
  /// - Returns: The document.
  /// - Throws: ``ParseError`` with the line and column of the first problem.
  public static func parse(_ source: [UInt8], options: ParseOptions = ParseOptions()) throws(ParseError)
    -> PolicyDocument
  {
    PolicyDocument(source: source, parsed: try read(source, options: options, with: LibXML2Parser.parse))
  }

  /// Checks that `source` would parse, without building a tree: the same masking, the same
  /// reading as written when masking hid markup, the same libxml2 options and the same
  /// ``ParseError`` (kind, message, line and column) as ``parse(_:options:)``, for a file whose
  /// elements nobody needs.
  ///
  /// - Parameters:
  ///   - source: The file's bytes, UTF-8 with or without a byte-order mark.
  ///   - options: How the file is read.
  /// - Returns: The root element's name as written (without a namespace prefix).
  /// - Throws: ``ParseError`` with the line and column of the first problem.
  package static func checkWellFormed(_ source: [UInt8], options: ParseOptions = ParseOptions()) throws(ParseError)
    -> String
  {
    try read(source, options: options, with: LibXML2Parser.checkWellFormed)
  }

  /// `reading` of `source` as both readings above choose it: the encoding checked, expressions
  /// (and, for templates, template sequences) masked, and the file as written tried first when
  /// masking hid a `<` or a quote and the file is not certainly malformed as written.
  private static func read<Value>(
    _ source: [UInt8], options: ParseOptions,
    with reading: (_ bytes: [UInt8], _ original: [UInt8]) throws(ParseError) -> Value
  ) throws(ParseError) -> Value {
    try checkEncoding(source)
    let masked: ExpressionMasker.Masked?
    do {
      masked = try ExpressionMasker.masking(source, templates: options.masksTemplates)
    } catch {
      throw unterminated(error, in: source)
    }
    if let masked, masked.hidesMarkup, !WellFormedScanner.isCertainlyMalformed(source),
      let value = try? reading(source, source)
    {
      return value
    }
    return try reading(masked?.bytes ?? source, source)
  }

  /// The parse error for an expression the masker found unterminated.
  private static func unterminated(_ error: ExpressionMasker.UnterminatedExpression, in source: [UInt8]) -> ParseError {
    let (line, column) = LineMap(source).location(of: error.offset)
    return ParseError(
      kind: .unterminatedExpression, line: line, column: column,
      message:
        "policy expression is not terminated: no matching bracket for '\(Character(UnicodeScalar(source[error.offset + 1])))'"
    )
  }

  /// Parses `source` exactly as written, without masking anything (for invariants).
  static func parseUnmasked(_ source: [UInt8]) throws(ParseError) -> PolicyDocument {
    try checkEncoding(source)
    return PolicyDocument(source: source, parsed: try LibXML2Parser.parse(source, original: source))
  }

  private static func checkEncoding(_ source: [UInt8]) throws(ParseError) {
    if source.allSatisfy(\.isXMLSpace) || source == [0xEF, 0xBB, 0xBF] {
      throw ParseError(kind: .empty, line: 1, column: 1, message: "the file is empty")
    }
    let utf16or32 =
      source.starts(with: [0xFF, 0xFE]) || source.starts(with: [0xFE, 0xFF])
      || source.starts(with: [0x00, 0x00, 0xFE, 0xFF])
      || (source.count >= 2 && (source[0] == 0 || source[1] == 0))
    if utf16or32 {
      throw ParseError(
        kind: .encoding, line: 1, column: 1,
        message: "the file is UTF-16 or UTF-32; policy-rewrite reads UTF-8 only (convert it with iconv -t UTF-8)")
    }
  }
}

/// Where an element is in the original bytes.
///
/// Offsets are stored as 32-bit integers (files of 2 GiB and more are refused), which halves
/// the memory a large policy's spans take.
struct ElementSpan: Sendable, Hashable {
  private var storage: (Int32, Int32, Int32, Int32)

  init(start: Int, contentStart: Int, contentEnd: Int, end: Int) {
    storage = (Int32(start), Int32(contentStart), Int32(contentEnd), Int32(end))
  }

  /// Offset of the start tag's `<`.
  var start: Int {
    get { Int(storage.0) }
    set { storage.0 = Int32(newValue) }
  }
  /// Offset just past the start tag's `>`; equal to `end` for an empty element (`<x/>`).
  var contentStart: Int {
    get { Int(storage.1) }
    set { storage.1 = Int32(newValue) }
  }
  /// Offset of the end tag's `<`; equal to `end` for an empty element.
  var contentEnd: Int {
    get { Int(storage.2) }
    set { storage.2 = Int32(newValue) }
  }
  /// Offset just past the end tag's `>` (or the `/>` of an empty element).
  var end: Int {
    get { Int(storage.3) }
    set { storage.3 = Int32(newValue) }
  }

  static func == (lhs: ElementSpan, rhs: ElementSpan) -> Bool { lhs.storage == rhs.storage }

  func hash(into hasher: inout Hasher) {
    hasher.combine(storage.0)
    hasher.combine(storage.1)
    hasher.combine(storage.2)
    hasher.combine(storage.3)
  }
}

/// The one place that drives libxml2's parser and reads its errors.
enum LibXML2Parser {
  static let options = Int32(
    XML_PARSE_NONET.rawValue | XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_NOERROR.rawValue
      | XML_PARSE_NOWARNING.rawValue)

  /// What parsing a document gives: libxml2's tree of elements, their spans and attributes.
  struct Parsed {
    var tree: xmlDocPtr
    var spans: [ElementSpan]
    var attributes: AttributeTable
  }

  static func parse(_ masked: [UInt8], original: [UInt8]) throws(ParseError) -> Parsed {
    try drive(masked, original: original, buildsTree: true) { state, tree in
      state.attributes.finish()
      return Parsed(tree: tree, spans: state.spans, attributes: state.attributes)
    }
  }

  /// Parses with libxml2's SAX interface and builds no tree: only the element callbacks that
  /// check each element's range run; the document node itself is still made and freed, so that
  /// libxml2 takes exactly the paths it takes when it builds the tree. Returns the root's name.
  /// A document ``WellFormedScanner`` vouches for does not reach libxml2 at all.
  static func checkWellFormed(_ masked: [UInt8], original: [UInt8]) throws(ParseError) -> String {
    if let root = masked.withUnsafeBufferPointer(WellFormedScanner.rootName(of:)) { return root }
    // libxml2 checks `xml:id` values (an NCName, each once) only while it builds the tree: a
    // document that names one is read with a tree (the scanner never vouches for it).
    if masked.containsLiteral("xml:id") {
      let parsed = try parse(masked, original: original)
      defer { xmlFreeDoc(parsed.tree) }
      guard let root = xmlDocGetRootElement(parsed.tree) else { preconditionFailure("a parsed document has a root") }
      return String(cString: root.pointee.name)
    }
    return try drive(masked, original: original, buildsTree: false) { state, document in
      xmlFreeDoc(document)
      guard let root = state.rootName else { preconditionFailure("a well-formed parse has a root element") }
      return root
    }
  }

  /// Runs libxml2 over `masked` with the safe options, the attribute cap and the error and
  /// DOCTYPE callbacks that both readings share; `finish` takes the well-formed document (and
  /// owns it from then on). Without `buildsTree`, only the element-range callbacks run.
  private static func drive<Value>(
    _ masked: [UInt8], original: [UInt8], buildsTree: Bool, _ finish: (ParseState, xmlDocPtr) -> Value
  ) throws(ParseError) -> Value {
    initializeOnce
    let result: Result<Value, ParseError> = masked.withUnsafeBufferPointer { buffer in
      if let excess = AttributeLimit.firstExcess(in: buffer) {
        let (line, column) = LineMap(original).location(of: excess)
        return .failure(
          ParseError(
            kind: .malformed, line: line, column: column,
            message: "the element has more than \(AttributeLimit.maximum) attributes; refused"))
      }
      let reader = UnsafeMutablePointer<CLibXML2_MemoryReader>.allocate(capacity: 1)
      defer { reader.deallocate() }
      reader.initialize(
        to: CLibXML2_MemoryReader(
          next: UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self),
          remaining: UInt(buffer.count)))
      guard buffer.count < Int(Int32.max), buffer.baseAddress != nil,
        let ctxt = readsAsItGoes(buffer)
          ? CLibXML2_createReaderContext(reader)
          : buffer.withMemoryRebound(
            to: CChar.self, { xmlCreateMemoryParserCtxt($0.baseAddress, Int32($0.count)) })
      else {
        return .failure(ParseError(kind: .malformed, line: 1, column: 1, message: "the file is too large to parse"))
      }
      defer { xmlFreeParserCtxt(ctxt) }
      xmlCtxtUseOptions(ctxt, options)
      let state = ParseState(bytes: buffer, reserving: buildsTree)
      let unmanaged = Unmanaged.passRetained(state)
      defer { unmanaged.release() }
      ctxt.pointee._private = unmanaged.toOpaque()
      guard let sax = ctxt.pointee.sax else { preconditionFailure("a parser context has a SAX handler") }
      if buildsTree {
        sax.pointee.startElementNs = onStartElement
        sax.pointee.endElementNs = onEndElement
      } else {
        sax.pointee.startElementNs = onStartElementWithoutTree
        sax.pointee.endElementNs = onEndElementWithoutTree
      }
      // No text, comment, CDATA, processing-instruction or entity-reference nodes, in either
      // reading: a ``PolicyElement`` only walks elements and reads attributes (which reach the
      // start-element callback, not these), and text is read from the original bytes by range.
      // In a large policy, text nodes (mostly indentation) were half of the tree. `characters`
      // and `ignorableWhitespace` stay equal to each other, as they are by default, so that
      // libxml2 does not start telling blanks apart.
      sax.pointee.characters = nil
      sax.pointee.ignorableWhitespace = nil
      sax.pointee.cdataBlock = nil
      sax.pointee.comment = nil
      sax.pointee.processingInstruction = nil
      sax.pointee.reference = nil
      sax.pointee.internalSubset = onDoctype
      sax.pointee.serror = onError
      // Errors raised without a context go to the thread's handlers: collect them too.
      xmlSetStructuredErrorFunc(unmanaged.toOpaque(), onGlobalError)
      defer { xmlSetStructuredErrorFunc(nil, nil) }

      xmlParseDocument(ctxt)
      let document = ctxt.pointee.myDoc
      ctxt.pointee.myDoc = nil
      if let error = state.failure(
        wellFormed: ctxt.pointee.wellFormed != 0, hasTree: document != nil, original: original)
      {
        if let document { xmlFreeDoc(document) }
        return .failure(error)
      }
      guard let document else { preconditionFailure("a well-formed parse makes a document") }
      return .success(finish(state, document))
    }
    return try result.get()
  }

  private static let initializeOnce: Void = { xmlInitParser() }()

  /// Whether libxml2 reads `buffer` as it parses rather than copying all of it first: for a
  /// large document only, where the copy (in a buffer grown by doubling, up to twice the
  /// document) is worth avoiding.
  ///
  /// Both readings give the same elements, ranges and errors, except where a token reaches one
  /// of libxml2's length limits (50,000 bytes for a name, 10,000,000 for an attribute value or
  /// for what the parser may look ahead at): there the error is placed differently. So a
  /// document with a stretch of 50,000 bytes that could all be one name (no space, `<`, `>`,
  /// quote, `=`, `&`, `;` or `/`), or with 9,000,000 bytes without a `<` (an attribute value
  /// holds none), is copied, as every document used to be.
  static func readsAsItGoes(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
    guard buffer.count >= streamingThreshold else { return false }
    var sinceDelimiter = 0
    var sinceLessThan = 0
    for byte in buffer {
      switch byte {
      case .lessThan:
        sinceLessThan = 0
        sinceDelimiter = 0
      case .space, .tab, .lineFeed, .carriageReturn, .greaterThan, .doubleQuote, .singleQuote, .equals, .ampersand,
        UInt8(ascii: ";"), .slash:
        sinceDelimiter = 0
        sinceLessThan += 1
      default:
        sinceDelimiter += 1
        sinceLessThan += 1
        if sinceDelimiter >= 50_000 { return false }
      }
      if sinceLessThan >= 9_000_000 { return false }
    }
    return true
  }

  /// The size from which a document is read as libxml2 goes rather than copied.
  static let streamingThreshold = 1 << 20

}

/// Per-parse state reached from the C callbacks through the context's `_private`.
private final class ParseState {
  let bytes: UnsafeBufferPointer<UInt8>
  var spans: [ElementSpan] = []
  /// The attributes of the elements, when a tree is built.
  var attributes = AttributeTable()
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
    spans.reserveCapacity(tags / 2 + 1)
  }

  static func from(_ ctx: UnsafeMutableRawPointer?) -> (ParseState, xmlParserCtxtPtr)? {
    guard let ctx else { return nil }
    let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
    guard CLibXML2_inputDepth(ctxt) == 1, let opaque = ctxt.pointee._private else { return nil }
    return (Unmanaged<ParseState>.fromOpaque(opaque).takeUnretainedValue(), ctxt)
  }

  func elementStarted(
    _ node: xmlNodePtr, at position: Int, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, count: Int
  ) {
    self.attributes.addElement(attributes, count: count)
    spans.append(openingSpan(at: position))
    node.pointee._private = UnsafeMutableRawPointer(bitPattern: spans.count)
  }

  func elementEnded(_ node: xmlNodePtr, at end: Int) {
    guard let token = node.pointee._private else { return }
    let index = Int(bitPattern: token) - 1
    spans[index] = closed(spans[index], at: end)
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

private let onStartElement: startElementNsSAX2Func = {
  ctx, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes in
  // The attributes go to the parse state's table, not to libxml2's tree, except on an element
  // with an `xml:id`, whose value libxml2 checks (and registers) as it makes the attribute node.
  let buildsAttributes = hasXMLID(attributes, count: Int(attributeCount))
  xmlSAX2StartElementNs(
    ctx, localName, prefix, uri, namespaceCount, namespaces, buildsAttributes ? attributeCount : 0,
    buildsAttributes ? defaultedCount : 0, attributes)
  guard let (state, ctxt) = ParseState.from(ctx), let node = ctxt.pointee.node else { return }
  state.elementStarted(
    node, at: Int(CLibXML2_currentOffset(ctxt)), attributes: attributes, count: Int(attributeCount - defaultedCount))
}

/// Whether one of the attributes is `xml:id`.
private func hasXMLID(_ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, count: Int) -> Bool {
  guard let attributes else { return false }
  for index in 0..<count {
    guard let prefix = attributes[5 * index + 1], let localName = attributes[5 * index] else { continue }
    if prefix[0] == UInt8(ascii: "x"), prefix[1] == UInt8(ascii: "m"), prefix[2] == UInt8(ascii: "l"), prefix[3] == 0,
      localName[0] == UInt8(ascii: "i"), localName[1] == UInt8(ascii: "d"), localName[2] == 0
    {
      return true
    }
  }
  return false
}

private let onEndElement: endElementNsSAX2Func = { ctx, localName, prefix, uri in
  if let (state, ctxt) = ParseState.from(ctx), let node = ctxt.pointee.node {
    state.elementEnded(node, at: Int(CLibXML2_currentOffset(ctxt)))
  }
  xmlSAX2EndElementNs(ctx, localName, prefix, uri)
}

private let onStartElementWithoutTree: startElementNsSAX2Func = { ctx, localName, _, _, _, _, _, _, _ in
  guard let (state, ctxt) = ParseState.from(ctx) else { return }
  state.elementOpened(localName, at: Int(CLibXML2_currentOffset(ctxt)))
}

private let onEndElementWithoutTree: endElementNsSAX2Func = { ctx, _, _, _ in
  guard let (state, ctxt) = ParseState.from(ctx) else { return }
  state.elementClosed(at: Int(CLibXML2_currentOffset(ctxt)))
}

private let onDoctype: internalSubsetSAXFunc = { ctx, _, _, _ in
  guard let ctx else { return }
  let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
  if let opaque = ctxt.pointee._private {
    Unmanaged<ParseState>.fromOpaque(opaque).takeUnretainedValue().sawDoctype = true
  }
  xmlStopParser(ctxt)
}

private let onError: xmlStructuredErrorFunc = { ctx, error in
  guard let ctx else { return }
  let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
  guard let opaque = ctxt.pointee._private else { return }
  Unmanaged<ParseState>.fromOpaque(opaque).takeUnretainedValue().record(error)
}

private let onGlobalError: xmlStructuredErrorFunc = { opaque, error in
  guard let opaque else { return }
  Unmanaged<ParseState>.fromOpaque(opaque).takeUnretainedValue().record(error)
}
