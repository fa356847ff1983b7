import PolicyDOM

extension EmbeddedPolicy {
  /// Whether decoded text is a policy document: after white space, it starts with markup
  /// and holds a `<policies>` or `<fragment>` element.
  static func isPolicyText(_ text: [UInt8]) -> Bool {
    var i = text.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    while i < text.count, text[i].isXMLSpace { i += 1 }
    guard i < text.count, text[i] == .lessThan else { return false }
    return text.containsLiteral("<policies") || text.containsLiteral("<fragment")
  }

  /// The first key header that `text` names (any ASCII case), and where.
  static func keyHeaderMention(in text: [UInt8], configuration: RewriteConfiguration) -> (name: String, offset: Int)? {
    var best: (name: String, offset: Int)?
    for name in configuration.keyHeaders.sorted() {
      let pattern = Array(name.utf8)
      if let offset = BackendCredentialScanner.find(
        pattern, in: text, from: 0, to: text.count, caseInsensitive: true),
        best.map({ offset < $0.offset }) ?? true
      {
        best = (name, offset)
      }
    }
    return best
  }

  /// When the decoded text names a key header (in markup, unless `requiresMarkup` is false),
  /// the report of a policy the tool cannot decode, written as `form`.
  func undecodable(configuration: RewriteConfiguration, form: String, requiresMarkup: Bool = true)
    -> UndecodablePolicy?
  {
    guard !requiresMarkup || decoded.contains(.lessThan),
      let mention = Self.keyHeaderMention(in: decoded, configuration: configuration)
    else { return nil }
    return UndecodablePolicy(offset: offsets[mention.offset], header: mention.name, form: form)
  }
}
