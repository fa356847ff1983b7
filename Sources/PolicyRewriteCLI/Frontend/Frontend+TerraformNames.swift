import PolicyDOM
import PolicyRewrite

extension Frontend {
  /// The frontend with the names of the Terraform named values of the run in its map, so that
  /// a key written as `{{${azurerm_api_management_named_value.X.name}}}` gets the resource of
  /// the `byNamedValue` entry for the name X declares (the name `plan` lists it under). Only
  /// when the map has such entries and the run has `.tf` files; the files read stay in the
  /// read-ahead store for the run.
  func withTerraformNames(_ items: [FileWalker.Item]) -> Frontend {
    guard options.command != .check, !options.configuration.resources.byNamedValue.isEmpty else { return self }
    var names: [String: String] = [:]
    for item in items {
      let kind = SourceKind(path: item.displayPath)
      guard kind.format == .terraform else { continue }
      guard let bytes = readAhead.bytes(item.path) else { continue }
      guard bytes.containsLiteral("azurerm_api_management_named_value") else { continue }
      for declaration in DeclarationScanner.declarations(in: bytes, path: item.displayPath, kind: kind)
      where declaration.kind == .namedValue {
        if let address = declaration.address { names[address] = declaration.name }
      }
    }
    guard !names.isEmpty else { return self }
    var options = self.options
    options.configuration.resources.terraformNamedValues = names
    return Frontend(options: options, readAhead: readAhead, documents: documents)
  }
}
