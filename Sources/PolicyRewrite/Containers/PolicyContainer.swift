import PolicyDOM

/// A file format that holds policy documents inside strings of its own syntax: Terraform
/// heredocs and quoted strings, Bicep strings, ARM template JSON strings.
///
/// A container finds each embedded string, decodes it to policy text with a position map
/// (``EmbeddedPolicy``), and says how inserted text is written back in the string's own
/// escapes. The rewriter runs the policy engine on the decoded text and maps every edit
/// back, so every byte of the container outside the edits stays.
protocol PolicyContainer: Sendable {
  /// The strings of `bytes` that hold a policy document, in file order, and the embedded
  /// policies that cannot be decoded (built by an expression from pieces, linked), which are
  /// reported, never skipped in silence.
  func scan(_ bytes: [UInt8], configuration: RewriteConfiguration) -> ContainerScan

  /// Where the container's comments stand, and which of its strings are policy text (for
  /// `policy-rewrite: ignore`).
  var comments: SourceFormatDescription.Comments { get }
}

/// What a container found in one file.
struct ContainerScan {
  /// Decoded strings holding a policy document, in file order.
  var policies: [EmbeddedPolicy] = []
  /// Embedded policies that mention a key header and cannot be decoded.
  var undecodable: [UndecodablePolicy] = []
  /// Syntax errors of the container file (an unterminated string), at their offsets.
  var errors: [(offset: Int, message: String)] = []
}

/// An embedded policy that mentions a key header but cannot be decoded to policy text.
struct UndecodablePolicy: Hashable {
  /// The container offset of the key header's name.
  var offset: Int
  /// The key header.
  var header: String
  /// What the policy is written as, and why it cannot be decoded.
  var form: String
  /// Whether the key is sent as the `code` query parameter (``header`` is then `code`).
  var isQueryParameter = false
  /// Whether the key is named by its named value (``header`` is then `{{name}}`).
  var isNamedValue = false
}
