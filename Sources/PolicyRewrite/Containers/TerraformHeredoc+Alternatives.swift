import PolicyDOM

extension TerraformHeredoc {
  /// The documents of a Terraform policy text: the text itself, or, when template directives
  /// outside every element choose between several root elements
  /// (`%{ if … }<policies>…</policies>%{ else }<policies>…</policies>%{ endif }`), the text
  /// between those directives that holds one, each a document of its own.
  ///
  /// Terraform renders one of the alternatives, and APIM runs that one as the whole policy, so
  /// each is rewritten (or reported) as the policy it becomes, and the directives stay as they
  /// are written, outside every edit.
  static func alternatives(of policy: EmbeddedPolicy) -> [EmbeddedPolicy] {
    alternatives(of: policy, directives: directives(of: policy.decoded))
  }

  /// The documents of a quoted string's text (as ``alternatives(of:)``) when it is policy text
  /// once its directives outside every element are left out; none otherwise.
  static func quotedAlternatives(of policy: EmbeddedPolicy) -> [EmbeddedPolicy] {
    let directives = directives(of: policy.decoded)
    var text = policy.decoded
    for range in directives { text.replaceSubrange(range, with: repeatElement(.space, count: range.count)) }
    return EmbeddedPolicy.isPolicyText(text) ? alternatives(of: policy, directives: directives) : []
  }

  /// The directives of `text` outside every element.
  private static func directives(of text: [UInt8]) -> [Range<Int>] {
    guard text.containsLiteral("%{") else { return [] }
    return TopLevelDirectives.ranges(in: (try? PolicyDocument.maskedTemplate(text)) ?? text)
  }

  private static func alternatives(of policy: EmbeddedPolicy, directives: [Range<Int>]) -> [EmbeddedPolicy] {
    guard !directives.isEmpty else { return [policy] }
    let text = policy.decoded
    var pieces: [Range<Int>] = []
    var start = 0
    for directive in directives + [text.count..<text.count] {
      let piece = start..<directive.lowerBound
      if Self.holdsMoreThanComments(text, piece) { pieces.append(piece) }
      start = directive.upperBound
    }
    guard pieces.count > 1 else { return [policy] }
    return pieces.map { piece in
      var alternative = policy
      alternative.decoded = Array(text[piece])
      alternative.offsets = Array(policy.offsets[piece.lowerBound...piece.upperBound])
      return alternative
    }
  }

  /// Whether `range` of `text` holds more than space, comments and processing instructions
  /// (`%{ if x }<!-- note -->%{ endif }` after the root is no document of its own).
  private static func holdsMoreThanComments(_ text: [UInt8], _ range: Range<Int>) -> Bool {
    var i = range.lowerBound
    while i < range.upperBound {
      if text[i].isXMLSpace {
        i += 1
      } else if text.hasLiteral("<!--", at: i), let end = text.firstOffset(of: "-->", from: i + 4) {
        i = end + 3
      } else if text.hasLiteral("<?", at: i), let end = text.firstOffset(of: "?>", from: i + 2) {
        i = end + 2
      } else {
        return true
      }
    }
    return false
  }
}
