import PolicyDOM

extension SourceFormat {
  /// How a policy found at `path` is parsed: Terraform template sequences (`${...}`,
  /// `%{...}`) are masked only where a template is read: a `.tf` file's heredocs and
  /// `.tftpl`, `.tpl` (`.xml.tpl`) and `.xml.tftpl` files. In a plain `.xml` policy `${` is
  /// text, and masking it could hide the elements up to the next `}`.
  static func parseOptions(path: String) -> PolicyDocument.ParseOptions {
    // No suffix holds a `/`: the file name ends with one exactly when the path does.
    let bytes = Array(path.utf8)
    let isTemplate = [".tf", ".tftpl", ".tpl", ".bicep"].contains { (suffix: StaticString) in
      bytes.hasLiteral(suffix, at: bytes.count - suffix.utf8CodeUnitCount)
    }
    return PolicyDocument.ParseOptions(masksTemplates: isTemplate)
  }
}
