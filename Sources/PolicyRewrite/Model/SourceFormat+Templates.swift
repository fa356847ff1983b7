import PolicyDOM

extension SourceFormat {
  /// How a policy found at `path` is parsed: Terraform template sequences (`${...}`,
  /// `%{...}`) are masked only where a template is read: a `.tf`, `.tfvars` or `.tf.json`
  /// file's strings and `.tftpl`, `.tpl` (`.xml.tpl`) and `.xml.tftpl` files (and Bicep's
  /// `${…}` in `.bicep` and `.bicepparam` files). The suffix is compared in any ASCII case. In a plain `.xml` policy `${` is
  /// text, and masking it could hide the elements up to the next `}`.
  static func parseOptions(path: String) -> PolicyDocument.ParseOptions {
    // No suffix holds a `/`: the file name ends with one exactly when the path does.
    let bytes = Array(path.utf8)
    let isTemplate = [".tf", ".tftpl", ".tpl", ".bicep", ".tfvars", ".tf.json", ".bicepparam"].contains {
      (suffix: StaticString) in hasSuffix(bytes, suffix)
    }
    return PolicyDocument.ParseOptions(masksTemplates: isTemplate)
  }
}
