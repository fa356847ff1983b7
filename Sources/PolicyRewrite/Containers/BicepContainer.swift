import PolicyDOM

/// Bicep (`.bicep`) files: policies in `'''…'''` multi-line strings (verbatim) and in `'…'`
/// strings (escapes and `${…}` interpolation), wherever they stand (a property value, a
/// `var`, a function argument such as `replace('''…''', …)`); backend credentials of
/// `Microsoft.ApiManagement/service/backends` resources.
///
/// A string that mentions a key header in markup but is not a whole policy document (a piece
/// that `format()` or `concat()` puts together, a string inside another string's
/// interpolation) cannot be rewritten and is reported.
struct BicepContainer: PolicyContainer {
  /// Comments: `//` lines, outside `'''` strings.
  var comments: SourceFormatDescription.Comments { .lines(textBlocks: .tripleQuoted) }

  /// Whether a Bicep file may hold a policy or backend credentials: a byte search.
  static func mayHold(_ source: [UInt8]) -> Bool {
    source.contains(.lessThan) || source.containsLiteral("credentials") || source.containsLiteral("http")
      || source.containsLiteral("\\u{")
  }

  func scan(_ bytes: [UInt8], configuration: RewriteConfiguration) -> ContainerScan {
    var scan = ContainerScan()
    let literals = BicepLexer.strings(in: bytes).sorted { $0.content.lowerBound < $1.content.lowerBound }
    for literal in literals {
      // A nested string's content lies inside the content of the strings around it: only its
      // own text is read, so that deep nesting costs one pass, not one pass per level.
      let policy: EmbeddedPolicy
      let isLink: Bool
      if literal.isNested {
        policy = BicepLexer.decode(bytes, literal, skippingHoles: true)
        isLink = policy.decoded.starts(with: Array("http".utf8))
        guard policy.decoded.contains(.lessThan) || isLink else { continue }
      } else {
        let raw = bytes[literal.content]
        isLink = raw.starts(with: Array("http".utf8))
        guard raw.contains(.lessThan) || raw.contains(.backslash) || isLink else { continue }
        policy = BicepLexer.decode(bytes, literal)
      }
      if !literal.isNested, EmbeddedPolicy.isPolicyText(policy.decoded) {
        scan.policies.append(policy)
      } else if isLink {
        if let undecodable = policy.undecodable(
          configuration: configuration, form: "a policy linked by URL (xml-link, rawxml-link), which is not fetched",
          requiresMarkup: false)
        {
          scan.undecodable.append(undecodable)
        }
      } else if let undecodable = policy.undecodable(
        configuration: configuration,
        form: literal.isNested
          ? "a string inside an interpolation of another string"
          : "a piece of a policy that an expression puts together (format(), concat(), a variable)")
      {
        scan.undecodable.append(undecodable)
      }
    }
    return scan
  }
}
