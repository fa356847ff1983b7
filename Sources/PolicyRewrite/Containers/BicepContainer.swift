import PolicyDOM

/// Bicep (`.bicep`) files: policies in `'''…'''` multi-line strings (verbatim) and in `'…'`
/// strings (escapes and `${…}` interpolation), wherever they stand (a property value, a
/// `var`, a function argument such as `replace('''…''', …)`); backend credentials of
/// `Microsoft.ApiManagement/service/backends` resources.
///
/// A string that mentions a key header in markup but is not a whole policy document (a piece
/// that `format()` or `concat()` puts together, a string inside another string's
/// interpolation) cannot be rewritten and is reported; so is a string without markup that
/// names a function key (its header, its `code` parameter, or its named value) as an argument
/// of an expression (`replace(loadTextContent('p.xml'), '__KEY__', '{{func-key}}')`) or inside
/// an interpolation. A string or comment that the file leaves unterminated is a parse error.
struct BicepContainer: PolicyContainer {
  /// Comments: `//` lines, outside `'''` strings.
  var comments: SourceFormatDescription.Comments { .lines(textBlocks: .tripleQuoted) }

  /// Whether a Bicep file may hold a policy, backend credentials or a function key that an
  /// expression puts into a policy: a byte search.
  static func mayHold(_ source: [UInt8]) -> Bool {
    source.contains(.lessThan) || source.containsLiteral("credentials") || source.containsLiteral("http")
      || source.containsLiteral("\\u{") || source.containsLiteral("Microsoft.ApiManagement", caseInsensitive: true)
      || source.containsLiteral("{{") || source.containsLiteral("functions-key", caseInsensitive: true)
      || source.containsLiteral("code=", caseInsensitive: true)
  }

  func scan(_ bytes: [UInt8], configuration: RewriteConfiguration) -> ContainerScan {
    var scan = ContainerScan()
    let lexed = BicepLexer.scan(bytes)
    scan.errors = lexed.unterminated
    let literals = lexed.strings.sorted { $0.content.lowerBound < $1.content.lowerBound }
    var brackets = lexed.brackets
    for literal in literals {
      // A nested string's content lies inside the content of the strings around it: only its
      // own text is read, so that deep nesting costs one pass, not one pass per level.
      let policy: EmbeddedPolicy
      let isLink: Bool
      if literal.isNested {
        policy = BicepLexer.decode(bytes, literal, skippingHoles: true)
        isLink = policy.decoded.starts(with: Array("http".utf8))
        guard policy.decoded.contains(.lessThan) || isLink else {
          if let found = policy.undecodableArgument(configuration: configuration, form: Self.interpolationForm) {
            scan.undecodable.append(found)
          }
          continue
        }
      } else {
        let raw = bytes[literal.content]
        isLink = raw.starts(with: Array("http".utf8))
        guard raw.contains(.lessThan) || raw.contains(.backslash) || isLink else {
          if literal.isInCall, !Self.isObjectKey(literal, in: bytes),
            let found = BicepLexer.decode(bytes, literal).undecodableArgument(
              configuration: configuration, form: Self.argumentForm),
            brackets.isPolicyExpression(literal.content, around: literal.context, interpolation: false, in: bytes)
          {
            scan.undecodable.append(found)
          }
          continue
        }
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
          ? Self.interpolationForm
          : "a piece of a policy that an expression puts together (format(), concat(), a variable)")
      {
        scan.undecodable.append(undecodable)
      } else if literal.isInCall, !literal.isNested, !policy.decoded.contains(.lessThan),
        !Self.isObjectKey(literal, in: bytes),
        let found = policy.undecodableArgument(configuration: configuration, form: Self.argumentForm),
        brackets.isPolicyExpression(literal.content, around: literal.context, interpolation: false, in: bytes)
      {
        scan.undecodable.append(found)
      }
    }
    return scan
  }

  /// Whether a `'…'` string is an object's property name (`{ 'x-functions-key': [...] }`): a `:`
  /// after it, and before it only a line start, `{` or `,` (not the `?` of a conditional).
  static func isObjectKey(_ literal: BicepLexer.StringLiteral, in bytes: [UInt8]) -> Bool {
    guard !literal.isMultiline else { return false }
    var after = literal.content.upperBound + 1
    while after < bytes.count, bytes[after].isBlank { after += 1 }
    guard after < bytes.count, bytes[after] == UInt8(ascii: ":") else { return false }
    var before = literal.content.lowerBound - 1
    while before > 0, bytes[before - 1].isXMLSpace, bytes[before - 1] != .lineFeed { before -= 1 }
    guard before > 0 else { return true }
    let previous = bytes[before - 1]
    return previous == .lineFeed || previous == .openBrace || previous == UInt8(ascii: ",")
  }

  // MARK: Messages

  static let argumentForm =
    "an argument of an expression that builds the policy (replace(), format(), concat(), join(), …), whose result is computed at deployment"
  static let interpolationForm = "a string inside an interpolation of another string"
}
