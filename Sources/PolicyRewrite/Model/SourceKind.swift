import PolicyDOM

/// What a file's path says about it, worked out once per file from its name: its format,
/// whether its policies are Terraform or Bicep templates, and the APIOps file it is, if any.
///
/// ``SourceFormatCatalog`` makes it: the entry whose name pattern matches the file name most
/// closely (the longest, a whole name before a suffix of the same length) claims the file.
/// The run computes it once for each file and hands it to every reader of that file.
public struct SourceKind: Sendable, Hashable {
  /// The APIOps files that a name alone tells apart.
  public enum Role: Sendable, Hashable {
    /// `policy.xml` or `apiPolicy.xml`: an APIOps policy, which must be one.
    case apiopsPolicy
    /// `namedValueInformation.json`: one named value.
    case namedValueInformation
    /// `backendInformation.json`: one backend.
    case backendInformation
    /// `apis.json`: the APIs of an APIOps product, when it stands in `products/<p>/`
    /// (``ProductAPIsJSON``).
    case productAPIs
  }

  /// The file's format.
  public let format: SourceFormat
  /// Whether template sequences (`${…}`, `%{…}`) in its policies are masked as placeholders:
  /// a Terraform or Bicep file's strings, a `.tftpl` or `.tpl` policy template. In a plain
  /// `.xml` policy `${` is text, and masking it could hide the elements up to the next `}`.
  public let masksTemplates: Bool
  /// The APIOps file it is, when its name says so.
  public let role: Role?

  /// The kind of the file at `path`, by its name in any ASCII case (`Policy.XML`, `main.Bicep`).
  public init(path: String) {
    self = SourceFormatCatalog.kind(of: path)
  }

  init(format: SourceFormat, masksTemplates: Bool, role: Role?) {
    self.format = format
    self.masksTemplates = masksTemplates
    self.role = role
  }

  /// How its policies are parsed.
  var parseOptions: PolicyDocument.ParseOptions { PolicyDocument.ParseOptions(masksTemplates: masksTemplates) }

  /// The description of its format.
  package var formatDescription: SourceFormatDescription { SourceFormatCatalog.description(of: format) }
}
