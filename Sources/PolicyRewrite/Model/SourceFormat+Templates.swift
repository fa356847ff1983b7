import PolicyDOM

extension SourceFormat {
  /// How a policy found at `path` is parsed: Terraform template sequences (`${...}`,
  /// `%{...}`) are masked only where a template is read: a `.tf` file's heredocs and
  /// `.tftpl`, `.tpl` (`.xml.tpl`) and `.xml.tftpl` files. In a plain `.xml` policy `${` is
  /// text, and masking it could hide the elements up to the next `}`.
  static func parseOptions(path: String) -> PolicyDocument.ParseOptions {
    let name = Array((path.split(separator: "/").last.map(String.init) ?? path).utf8)
    let isTemplate = [".tf", ".tftpl", ".tpl", ".bicep"].contains { suffix in
      let bytes = Array(suffix.utf8)
      return name.count >= bytes.count && name[(name.count - bytes.count)...].elementsEqual(bytes)
    }
    return PolicyDocument.ParseOptions(masksTemplates: isTemplate)
  }
}
