import PolicyDOM

/// ARM template JSON: templates and parameters files (a `$schema` naming
/// `deploymentTemplate` or `deploymentParameters`, or resources of
/// `Microsoft.ApiManagement/` types) and APIOps JSON (`properties` with a policy `format` or
/// backend `credentials`) and Terraform JSON (`azurerm_api_management_*` resources in a
/// `.tf.json` file). Policies are JSON string values, decoded with their escapes;
/// backend credentials are reported. Other JSON files hold nothing for the rewriter.
///
/// A string that is an ARM expression (`"[concat('<policies>…', …)]"`, `"[format(…)]"`,
/// `"[replace(parameters('policy'), '__HDR__', 'x-functions-key')]"`) is computed at deployment
/// and cannot be rewritten: when it names a function key (its header, its `code` parameter or
/// its named value), with or without markup, it is reported. A document that is cut short or
/// ends inside a string is a parse error.
struct ARMContainer: PolicyContainer {
  /// Comments: line comments (ARM templates allow `//` comments).
  var comments: SourceFormatDescription.Comments { .lines() }

  /// Whether a JSON file is an ARM template, an ARM parameters file or an APIOps file: a
  /// byte search, so that other JSON files are skipped without reading them further.
  static func recognises(_ bytes: [UInt8]) -> Bool {
    bytes.containsLiteral("deploymentTemplate") || bytes.containsLiteral("deploymentParameters")
      || bytes.containsLiteral("Microsoft.ApiManagement/", caseInsensitive: true)
      || (bytes.containsLiteral("\"properties\"")
        && (bytes.containsLiteral("\"format\"") || bytes.containsLiteral("\"credentials\"")))
      // Terraform JSON (`.tf.json`, CDK for Terraform): the policy and backend resources.
      || bytes.containsLiteral("azurerm_api_management")
  }

  func scan(_ bytes: [UInt8], configuration: RewriteConfiguration) -> ContainerScan {
    var scan = ContainerScan()
    guard Self.recognises(bytes) else { return scan }
    let lexed = JSONStringScanner.scan(bytes)
    if let error = lexed.error { scan.errors.append(error) }
    for token in lexed.tokens where !token.isKey {
      let raw = bytes[token.content]
      guard
        raw.contains(.lessThan) || raw.contains(.backslash) || raw.starts(with: Array("http".utf8))
          || raw.first == .openBracket
      else {
        continue
      }
      let policy = JSONStringScanner.decode(bytes, token.content)
      let text = policy.decoded
      let found: UndecodablePolicy?
      if text.first == .openBracket, text.count < 2 || text[1] != .openBracket {
        // Markup or not: `[replace(parameters('policy'), '__HDR__', 'x-functions-key')]`.
        let form =
          "an ARM template expression ([concat(…)], [format(…)], [replace(…)]), whose text is computed at deployment"
        found =
          policy.undecodable(configuration: configuration, form: form)
          ?? policy.undecodableArgument(configuration: configuration, form: form)
      } else if EmbeddedPolicy.isPolicyText(text) {
        scan.policies.append(policy)
        continue
      } else if text.starts(with: Array("http".utf8)) {
        found = policy.undecodable(
          configuration: configuration, form: "a policy linked by URL (xml-link, rawxml-link), which is not fetched",
          requiresMarkup: false)
      } else {
        found = policy.undecodable(
          configuration: configuration, form: "a piece of a policy that is not a whole policy document")
      }
      if let found { scan.undecodable.append(found) }
    }
    return scan
  }
}
