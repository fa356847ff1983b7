import PolicyDOM

/// Terraform (`.tf`) files: policies in heredocs (`xml_content = <<XML`), read as they are,
/// and in quoted strings (`xml_content = "<policies>…"`), with HCL escapes; backend
/// credentials of `azurerm_api_management_backend` blocks.
///
/// Template sequences (`${…}`, `%{…}`) stay in the decoded text as they are written, so that
/// the policy parser masks them as template placeholders.
struct TerraformContainer: PolicyContainer {
  /// Comments: `#` and `//` lines, outside heredocs.
  var comments: SourceFormatDescription.Comments { .lines(textBlocks: .heredocs) }

  /// Whether a Terraform file may hold a policy or backend credentials: a byte search, so that
  /// other files are skipped without reading them further.
  static func mayHold(_ source: [UInt8]) -> Bool {
    source.containsLiteral("<<") || source.containsLiteral("azurerm_api_management_backend")
      || source.containsLiteral("<policies") || source.containsLiteral("<fragment")
      // A quoted string that writes `<` as an escape.
      || source.containsLiteral("\\u003c", caseInsensitive: true)
      || source.containsLiteral("\\U0000003c", caseInsensitive: true)
      // A function key that an expression puts into a policy (`replace(file(…), "__H__", "x-functions-key")`).
      || source.containsLiteral("azurerm_api_management") || source.containsLiteral("{{")
      || source.containsLiteral("functions-key", caseInsensitive: true)
      || source.containsLiteral("code=", caseInsensitive: true)
  }

  func scan(_ bytes: [UInt8], configuration: RewriteConfiguration) -> ContainerScan {
    var scan = ContainerScan()
    var scanner = HCLScanner(bytes: bytes)
    // Strings that name a function key in an expression, with the bracket around each and
    // whether it is a template: kept until the pass has read where each expression ends.
    var arguments: [(found: UndecodablePolicy, content: Range<Int>, context: Int?, interpolation: Bool)] = []
    while let literal = scanner.nextLiteral() {
      switch literal {
      case .heredoc(let heredoc):
        guard heredoc.holdsPolicy(in: bytes) else { continue }
        var text = DecodedText(capacity: heredoc.body.count)
        for offset in heredoc.body { text.append(bytes[offset], at: offset) }
        var policy = text.policy(endingAt: heredoc.body.upperBound, escaping: .verbatim)
        policy.reportsParseErrors = true
        scan.policies += TerraformHeredoc.alternatives(of: policy)
      case .quoted(let content):
        // Markup, or escapes that may write it (`\u003c`).
        guard bytes[content].contains(where: { $0 == .lessThan || $0 == .backslash }) else {
          // A function key as an argument of a function call, or in an interpolation's call
          // (`"${replace(file("p.xml"), "__H__", "x-functions-key")}"`): the policy it builds
          // cannot be read.
          let inCall = scanner.openParentheses > 0 && !Self.isObjectKey(content, in: bytes)
          let interpolation = bytes[content].contains(.openParen) && Array(bytes[content]).containsLiteral("${")
          if inCall || interpolation,
            let found = Self.decode(bytes, content).undecodableArgument(
              configuration: configuration, form: Self.argumentForm)
          {
            arguments.append((found, content, scanner.brackets.innermost, interpolation))
          }
          continue
        }
        let policy = Self.decode(bytes, content)
        scan.policies += TerraformHeredoc.quotedAlternatives(of: policy)
      case .unterminated(let offset, let heredoc):
        scan.errors.append(
          (offset, heredoc ? "the heredoc is not terminated: no closing marker line" : "the string is not terminated"))
      }
    }
    // Only where the expression builds a policy: not an app setting's `jsonencode()`.
    var brackets = scanner.brackets
    for argument in arguments
    where brackets.isPolicyExpression(
      argument.content, around: argument.context, interpolation: argument.interpolation, in: bytes)
    {
      scan.undecodable.append(argument.found)
    }
    return scan
  }

  /// Whether a quoted string is an object's key (`{ "x-functions-key" = … }`): `=` (not `==`
  /// or `=>`) or `:` after it, and before it only a line start, `{` or `,`.
  static func isObjectKey(_ content: Range<Int>, in bytes: [UInt8]) -> Bool {
    var after = content.upperBound + 1
    while after < bytes.count, bytes[after].isBlank { after += 1 }
    guard after < bytes.count else { return false }
    if bytes[after] == .equals {
      if after + 1 < bytes.count, bytes[after + 1] == .equals || bytes[after + 1] == .greaterThan { return false }
    } else if bytes[after] != UInt8(ascii: ":") {
      return false
    }
    var before = content.lowerBound - 1
    while before > 0, bytes[before - 1].isBlank || bytes[before - 1] == .carriageReturn { before -= 1 }
    guard before > 0 else { return true }
    let previous = bytes[before - 1]
    return previous == .lineFeed || previous == .openBrace || previous == UInt8(ascii: ",")
  }

  static let argumentForm =
    "an argument of an expression that builds the policy (replace(), format(), join(), templatefile(), …), whose result is computed at deployment"

  /// Decodes the content of an HCL quoted string: `\n`, `\r`, `\t`, `\"`, `\\`, `\uNNNN`,
  /// `\UNNNNNNNN`; template sequences are kept as written.
  static func decode(_ bytes: [UInt8], _ content: Range<Int>) -> EmbeddedPolicy {
    var text = DecodedText(capacity: content.count)
    let scanner = HCLScanner(bytes: bytes)
    var i = content.lowerBound
    while i < content.upperBound {
      let b = bytes[i]
      if b == .backslash, i + 1 < content.upperBound {
        let next = bytes[i + 1]
        switch next {
        case UInt8(ascii: "n"): text.append(.lineFeed, at: i)
        case UInt8(ascii: "r"): text.append(.carriageReturn, at: i)
        case UInt8(ascii: "t"): text.append(.tab, at: i)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
          let digits = next == UInt8(ascii: "u") ? 4 : 8
          if let value = DecodedText.hexValue(bytes, from: i + 2, count: digits, end: content.upperBound) {
            text.append(scalar: value, at: i)
            i += 2 + digits
            continue
          }
          text.append(next, at: i)
        default: text.append(next, at: i)
        }
        i += 2
      } else if (b == .dollar || b == .percent), i + 1 < content.upperBound, bytes[i + 1] == .openBrace,
        i == content.lowerBound || bytes[i - 1] != b
      {
        let end = min(scanner.skipTemplate(from: i + 2), content.upperBound)
        for k in i..<end { text.append(bytes[k], at: k) }
        i = end
      } else {
        text.append(b, at: i)
        i += 1
      }
    }
    return text.policy(endingAt: content.upperBound, escaping: .hcl)
  }
}
