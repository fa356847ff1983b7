import PolicyDOM

extension SourceFormat {
  /// How a policy found at `path` is parsed: Terraform template sequences (`${...}`,
  /// `%{...}`) are masked only where a template is read (``SourceKind/masksTemplates``).
  static func parseOptions(path: String) -> PolicyDocument.ParseOptions {
    SourceKind(path: path).parseOptions
  }
}
