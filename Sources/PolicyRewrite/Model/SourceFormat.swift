import PolicyDOM

/// The kinds of file policy-rewrite reads, told apart by path. What each one is, how it is
/// recognised and read, is its entry in ``SourceFormatCatalog``.
public enum SourceFormat: Sendable, Hashable, CaseIterable {
  /// An APIM policy or fragment (XML or rawxml, Terraform templates included).
  case policy
  /// A Terraform file, whose heredocs and quoted strings may hold policies.
  case terraform
  /// A Bicep file, whose strings may hold policies.
  case bicep
  /// A JSON file: an ARM template or parameters file, or APIOps JSON, when its content says
  /// so (other JSON files hold nothing for the rewriter).
  case templateJSON
  /// An APIOps `backendInformation.json`.
  case backendJSON
  /// An APIOps `configuration.<env>.yaml`.
  case apiopsConfiguration
  /// Any other file: a policy when it starts with markup, otherwise of an unsupported type.
  case other

  /// The format of the file at `path`, by its name in any ASCII case (`Policy.XML`,
  /// `main.Bicep`): `.tf` and `.tfvars` are Terraform, `.bicep` and `.bicepparam` Bicep, and
  /// `.json` (Terraform JSON `.tf.json` included) a template JSON file (see ``SourceKind``).
  public init(path: String) {
    self = SourceKind(path: path).format
  }
}
