import PolicyDOM

/// A Terraform template file (`.tftpl`, `.tpl`, rendered by `templatefile()`) whose template
/// directives outside every element choose between several documents
/// (`%{ if … }<policies>…</policies>%{ else }<policies>…</policies>%{ endif }`).
///
/// The file's text is what a heredoc holds, so it is read the same way
/// (``TerraformHeredoc/alternatives(of:)``): Terraform renders one alternative and APIM runs it
/// as the whole policy, so each is rewritten (or reported) as a policy of its own, and the
/// directives stay as they are written, outside every edit. A template with one document is
/// an ordinary policy file.
struct TerraformTemplateContainer: PolicyContainer {
  /// Comments: XML comments only, the whole file being policy text.
  var comments: SourceFormatDescription.Comments { .xml }

  func scan(_ bytes: [UInt8], configuration: RewriteConfiguration) -> ContainerScan {
    ContainerScan(policies: Self.alternatives(of: bytes))
  }

  /// The documents of the template `bytes`: more than one when directives outside every element
  /// choose between them, else the whole text.
  static func alternatives(of bytes: [UInt8]) -> [EmbeddedPolicy] {
    var policy = EmbeddedPolicy(decoded: bytes, offsets: Array(0...bytes.count), escaping: .verbatim)
    policy.reportsParseErrors = true
    return TerraformHeredoc.alternatives(of: policy)
  }

  /// Whether the template `bytes` holds several alternative documents: a byte search for a
  /// directive first, so that most templates are not read further.
  static func holdsAlternatives(_ bytes: [UInt8]) -> Bool {
    bytes.containsLiteral("%{") && alternatives(of: bytes).count > 1
  }
}
