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
    var types: [Int: Range<Int>]?
    for (index, token) in lexed.tokens.enumerated() where !token.isKey {
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
        if let markup = policy.undecodable(configuration: configuration, form: form) {
          found = markup
        } else if let argument = policy.undecodableArgument(configuration: configuration, form: form),
          Self.isPolicyExpression(at: index, of: lexed, text: text, in: bytes, types: &types)
        {
          found = argument
        } else {
          found = nil
        }
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

  /// Whether the ARM expression of the string token at `index` (decoded as `text`, without
  /// markup) is a policy's, or a piece that builds one: its text names a policy, a named value
  /// or an XML file (``CodeBrackets/namesPolicy(_:markup:)``, `parameters('policy')`), a
  /// property around it is named for a policy (`policyXml`), or a resource around it is of a
  /// policy type (`Microsoft.ApiManagement/service/apis/policies`, `…/policyFragments`). An app
  /// setting (`siteConfig.appSettings` of a `Microsoft.Web/sites`) that writes a key header's
  /// name in an expression builds no policy.
  static func isPolicyExpression(
    at index: Int, of lexed: JSONStringScanner.Scan, text: [UInt8], in bytes: [UInt8],
    types: inout [Int: Range<Int>]?
  ) -> Bool {
    if CodeBrackets.namesPolicy(text, markup: true) { return true }
    let tokens = lexed.tokens
    let openers = lexed.brackets.openers
    let token = tokens[index]
    if index > 0, tokens[index - 1].isKey, tokens[index - 1].context == token.context,
      CodeBrackets.namesPolicy(Array(bytes[tokens[index - 1].content]), markup: false)
    {
      return true
    }
    // The `"type"` value of each object, by the object's index: read once per file.
    let typeByObject =
      types
      ?? {
        var found: [Int: Range<Int>] = [:]
        for (i, key) in tokens.enumerated() where key.isKey && bytes[key.content].elementsEqual("type".utf8) {
          if i + 1 < tokens.count, !tokens[i + 1].isKey, tokens[i + 1].context == key.context, let object = key.context
          {
            found[object] = tokens[i + 1].content
          }
        }
        return found
      }()
    types = typeByObject
    var next = token.context
    while let container = next {
      if let type = typeByObject[container], Array(bytes[type]).containsLiteral("polic", caseInsensitive: true) {
        return true
      }
      // The key that names the container: the last string before its bracket.
      let offset = openers[container].offset
      var low = 0
      var high = index
      while low < high {
        let middle = (low + high) / 2
        if tokens[middle].content.upperBound < offset { low = middle + 1 } else { high = middle }
      }
      if low > 0, tokens[low - 1].isKey, tokens[low - 1].context == openers[container].parent,
        CodeBrackets.namesPolicy(Array(bytes[tokens[low - 1].content]), markup: false)
      {
        return true
      }
      next = openers[container].parent
    }
    return false
  }
}
