@preconcurrency import CLibXML2

/// The one place that drives libxml2's parser and reads its errors.
enum LibXML2Parser {
  static let options = Int32(
    XML_PARSE_NONET.rawValue | XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_NOERROR.rawValue
      | XML_PARSE_NOWARNING.rawValue)

  /// libxml2's reading of `masked`: its elements, their spans and attributes, recorded as
  /// libxml2 builds its tree (which is freed before this returns).
  static func parse(_ masked: [UInt8], original: [UInt8]) throws(ParseError) -> ElementTable {
    try drive(masked, original: original, buildsTree: true) { state, tree in
      xmlFreeDoc(tree)
      state.elements.finish()
      return state.elements
    }
  }

  /// The elements of `masked`: ``WellFormedScanner``'s reading when it vouches for the
  /// document (the same elements, spans and attribute values as libxml2's), else libxml2's.
  static func elements(_ masked: [UInt8], original: [UInt8]) throws(ParseError) -> ElementTable {
    if let elements = masked.withUnsafeBufferPointer(WellFormedScanner.elements(of:)) { return elements }
    return try parse(masked, original: original)
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
      let elements = try parse(masked, original: original)
      guard !elements.nodes.isEmpty else { preconditionFailure("a parsed document has a root") }
      return elements.name(of: 0)
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
