import PolicyDOM

extension PolicyGraph {
  /// The values `templatefile()` calls bind to a template's variables, by the template's
  /// path (a file of the run that the call's path pattern names); a variable bound to
  /// different values by two calls is not resolved (kept as `${name}`).
  static func templateValues(
    _ files: [FileFacts], known: FileIndex, resolve: (FileFacts.Reference, String) -> String?
  ) -> [String: [String: String]] {
    var values: [String: [String: String]] = [:]
    for facts in files {
      for (pattern, variables) in facts.templateVariables {
        for path in known.matching(pattern) {
          for (name, reference) in variables {
            let value = resolve(reference, facts.path) ?? "${\(name)}"
            values[path, default: [:]][name] = values[path]?[name].map { $0 == value ? value : "${\(name)}" } ?? value
          }
        }
      }
    }
    return values
  }

  /// A fragment id written with Terraform references (`${TYPE.NAME.ATTR}`, `${local.x}`,
  /// `${var.x}`, a template variable that `templateValues` binds for `path`), resolved as the
  /// names of scopes are; `nil` when it holds none, or when one of them is not resolved.
  static func resolveFragmentID(
    _ written: String, in path: String, templateValues: [String: [String: String]],
    resolve: (FileFacts.Reference, String) -> String?
  ) -> String? {
    guard written.contains("${") else { return nil }
    var result = ""
    var rest = Substring(written)
    while let open = rest.firstRange(of: "${") {
      guard let close = rest[open.upperBound...].firstIndex(of: "}") else { return nil }
      result += rest[..<open.lowerBound]
      let inner = String(rest[open.upperBound..<close]).trimmingXMLSpace
      rest = rest[rest.index(after: close)...]
      let value: String?
      if let bound = templateValues[path]?[inner] {
        value = bound
      } else {
        value = traversalSteps(inner).flatMap(traversalReference).flatMap { resolve($0, path) }
      }
      guard let value, isResolved(value) else { return nil }
      result += value
    }
    return result + rest
  }

  /// The steps of a Terraform traversal written as text (the inside of `${…}`, trimmed):
  /// two or more identifiers joined by dots; `nil` for any other expression.
  static func traversalSteps(_ text: String) -> [String]? {
    let steps = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard steps.count >= 2, steps.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(HCLLexer.isIdentifierByte) }) else {
      return nil
    }
    return steps
  }

  /// A Terraform traversal's steps (``traversalSteps(_:)``:
  /// `azurerm_api_management_policy_fragment.auth.name`, `azapi_resource.auth.name`,
  /// `data.….name`, `local.x`, `var.x`) as a reference to a declaration's argument; `nil` for
  /// anything else.
  static func traversalReference(_ steps: [String]) -> FileFacts.Reference? {
    guard steps.count >= 2 else { return nil }
    if steps[0] == "local", steps.count == 2 { return .attribute("local", steps[1]) }
    if steps[0] == "var", steps.count == 2 { return .attribute("var.\(steps[1])", "default") }
    let length = steps[0] == "data" ? 3 : 2
    let type = steps[0] == "data" ? steps[1] : steps[0]
    guard steps.count == length + 1, type.hasPrefix("azurerm_") || type.hasPrefix("azapi_") else { return nil }
    return .attribute(steps.prefix(length).joined(separator: "."), steps[length])
  }
}
