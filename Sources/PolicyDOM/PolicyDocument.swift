@preconcurrency import CLibXML2

/// A parsed policy file: its elements, each with its byte range in the original bytes.
///
/// Raw policy expressions are masked before the parser sees the text (see `ExpressionMasker`),
/// so `rawxml` files parse; the ranges still point into ``source``, because masking keeps
/// every byte where it was. The document keeps its elements only, in an ``ElementTable``, no
/// text, comment, CDATA or processing-instruction nodes (content is read from ``source`` by
/// range); attributes are kept in an ``AttributeTable``. A document that
/// ``WellFormedScanner`` vouches for is read by it; any other by libxml2, whose tree is freed
/// as soon as its elements are recorded. Parsing is safe for untrusted input: no network, no
/// entity substitution, no DTD loading, and a document with a `<!DOCTYPE` is refused.
///
/// ``PolicyElement`` values hold the document strongly. A document is not `Sendable`: parse
/// it, use it and drop it on one task.
public final class PolicyDocument {
  /// The original bytes of the file.
  public let source: [UInt8]
  /// The elements (see ``ElementTable``).
  let elements: ElementTable
  private var lineMapStorage: LineMap?
  private var prefersSpaceStorage: Bool?

  /// The document of `elements`, a reading of `source`.
  init(source: [UInt8], elements: ElementTable) {
    self.source = source
    self.elements = elements
  }

  /// The root element (`<policies>` or `<fragment>` in a policy file).
  public var root: PolicyElement {
    guard !elements.nodes.isEmpty else { preconditionFailure("a parsed document always has a root element") }
    return PolicyElement(document: self, number: 0)
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
    for node in elements.nodes where node.span.contentStart == node.span.end && node.span.end >= 3 {
      let span = node.span
      if source[span.end - 3].isXMLSpace { spaced += 1 } else { tight += 1 }
    }
    prefersSpaceStorage = spaced >= tight
    return spaced >= tight
  }

  func span(of number: Int) -> ElementSpan { elements.nodes[number].span }

  /// The value of the attribute `name` of element `number`, decoded as `xmlGetProp` decodes it.
  func attribute(_ name: String, of number: Int) -> String? {
    elements.attributes.value(of: name, element: number)
  }

  /// How many attributes the document's elements have.
  var attributeCount: Int { elements.attributes.count }

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
    PolicyDocument(source: source, elements: try read(source, options: options, with: LibXML2Parser.elements))
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
    var masked: ExpressionMasker.Masked?
    do {
      masked = try ExpressionMasker.masking(source, templates: options.masksTemplates)
    } catch {
      throw unterminated(error, in: source)
    }
    // A template's directives outside the root element (`%{ if … }` on the line before
    // `<policies>`) are read as space: XML allows nothing else there.
    if options.masksTemplates {
      let directives = TopLevelDirectives.ranges(in: masked?.bytes ?? source)
      if !directives.isEmpty {
        var bytes = masked?.bytes ?? source
        for range in directives { bytes.replaceSubrange(range, with: repeatElement(.space, count: range.count)) }
        masked = ExpressionMasker.Masked(bytes: bytes, hidesMarkup: masked?.hidesMarkup ?? false)
      }
    }
    if let masked, masked.hidesMarkup, !WellFormedScanner.isCertainlyMalformed(source),
      let value = try? reading(source, source)
    {
      return value
    }
    return try reading(masked?.bytes ?? source, source)
  }

  /// The copy of a template's `source` that the parser reads: policy expressions and template
  /// sequences masked (offsets unchanged); `source` itself when nothing needs masking.
  /// - Throws: ``ParseError`` when an expression is not terminated.
  package static func maskedTemplate(_ source: [UInt8]) throws(ParseError) -> [UInt8] {
    do {
      return try ExpressionMasker.mask(source, templates: true) ?? source
    } catch {
      throw unterminated(error, in: source)
    }
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

  /// Refuses an empty file, UTF-16 or UTF-32, and a NUL byte, before any reading.
  static func checkEncoding(_ source: [UInt8]) throws(ParseError) {
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
    // libxml2 takes a NUL byte for the end of its input and would silently drop what follows
    // it (a second root, a key), so a NUL, which XML does not allow anywhere, is refused here,
    // before any reading: one memchr over the bytes.
    if let nul = firstNUL(in: source) {
      let (line, column) = LineMap(source).location(of: nul)
      throw ParseError(
        kind: .malformed, line: line, column: column, message: "a NUL byte (0x00) is not allowed in XML")
    }
  }

  /// The offset of the first NUL byte of `source`, if any.
  static func firstNUL(in source: [UInt8]) -> Int? {
    source.withUnsafeBytes { buffer -> Int? in
      guard let base = buffer.baseAddress, let hit = memchr(base, 0, buffer.count) else { return nil }
      return base.distance(to: UnsafeRawPointer(hit))
    }
  }
}
