import PolicyDOM

/// What a policy document holds that matters to the migration: its key injections, the
/// existing Managed Identity elements, and the other ways a key can be sent.
///
/// Check: every key injection, every `set-query-parameter name="code"`, every URL with a
/// `code` parameter, and every key written literally. The rewriter uses the same analysis,
/// so `check` and `migrate` never disagree about what an injection is.
public struct PolicyAnalysis {
  /// Whether the root is `<policies>` or `<fragment>`; other XML files are not analysed.
  public private(set) var isPolicy = false
  /// The key injections, in document order.
  public private(set) var injections: [KeyInjection] = []
  /// Findings that are not injections to rewrite: review items and leaked secrets.
  public private(set) var findings: [Finding] = []

  /// The analysed document.
  public let document: PolicyDocument
  private let configuration: RewriteConfiguration
  private var variables: [String: String] = [:]

  /// Analyses a parsed document.
  public init(_ document: PolicyDocument, configuration: RewriteConfiguration) {
    self.document = document
    self.configuration = configuration
    let root = document.root
    if root.hasName("policies") {
      isPolicy = true
      for section in root.children {
        visit(section, section: section, sendRequest: nil, inResponse: false)
      }
    } else if root.hasName("fragment") {
      isPolicy = true
      visit(root, section: root, sendRequest: nil, inResponse: false)
    }
  }

  /// Visits `element` and its descendants; `section` is the `<inbound>`, `<outbound>`, … or
  /// the `<fragment>` root they are in.
  private mutating func visit(
    _ element: PolicyElement, section: PolicyElement, sendRequest: PolicyElement?, inResponse: Bool
  ) {
    var request = sendRequest
    var response = inResponse
    // Every element the analysis looks at starts with `s` or `r`: test that byte first.
    switch element.firstNameByte {
    case UInt8(ascii: "s"):
      if element.hasName("set-header") {
        inspectHeader(element, section: section, sendRequest: sendRequest, inResponse: inResponse)
        return
      }
      if element.hasName("set-variable"), let name = element.attribute("name"), let value = element.attribute("value") {
        variables[name] = value
      } else if element.hasName("set-query-parameter") {
        inspectQueryParameter(element)
      } else if element.hasName("set-backend-service") {
        inspectURL(element.attribute("base-url"), of: element)
      } else if element.hasName("set-url") {
        inspectURL(element.rawContent, of: element)
      } else if element.hasName("send-request") {
        request = element
      }
    case UInt8(ascii: "r"):
      if element.hasName("rewrite-uri") {
        inspectURL(element.attribute("template"), of: element)
      } else if element.hasName("return-response") {
        response = true
      }
    default:
      break
    }
    var child = element.firstChildElement
    while let current = child {
      visit(current, section: section, sendRequest: request, inResponse: response)
      child = current.nextSiblingElement
    }
  }

  private mutating func inspectHeader(
    _ element: PolicyElement, section: PolicyElement, sendRequest: PolicyElement?, inResponse: Bool
  ) {
    guard let name = element.attribute("name") else { return }
    let trimmedName = name.trimmingXMLSpace
    let sectionPath = element.parent.map { $0.path.joined(separator: "/") } ?? section.name
    let action = element.attribute("exists-action")?.trimmingXMLSpace
    let actionIsExpression = action.map { $0.hasPrefix("@") || $0.hasPrefix("{{") } ?? false
    // Only a missing exists-action, override, skip and append inject; delete strips a key.
    if let action, !actionIsExpression, !Self.injectingActions.contains(action.lowercased()) { return }
    if trimmedName.hasPrefix("{{") || trimmedName.hasPrefix("@") {
      report(
        .unresolvableHeaderName, .warning, at: element, section: sectionPath,
        "set-header name '\(trimmedName.hasPrefix("@") ? "@(...)" : trimmedName)' is a named value or an expression; check by hand whether it sends a function key"
      )
      return
    }
    guard configuration.isKeyHeader(trimmedName) else { return }
    let valueSource = self.valueSource(of: element)
    let placement: KeyInjection.Placement
    if actionIsExpression {
      placement = .review(.unresolvableExistsAction)
    } else if inResponse {
      placement = .review(.keyInResponse)
    } else if let sendRequest {
      placement = .sendRequest(sendRequest)
    } else if let parent = element.parent, section.hasName("fragment") {
      placement = .inPlace(parent: parent, scope: section, inFragment: true)
    } else if let parent = element.parent, section.hasName("inbound") {
      placement =
        parent.isSame(as: section)
        ? .inboundTop(inbound: parent) : .inPlace(parent: parent, scope: section, inFragment: false)
    } else {
      placement = .review(.keyOutsideInbound)
    }
    injections.append(
      KeyInjection(
        element: element, headerName: trimmedName, placement: placement, valueSource: valueSource, section: sectionPath)
    )
    if valueSource == .literal {
      report(
        .literalKey, .error, at: element, section: sectionPath,
        "the value of header '\(trimmedName)' is a literal function key (a leaked secret): rotate the key and keep it in a Key Vault-backed named value"
      )
    }
    if case .review(let rule) = placement {
      report(
        rule, .warning, at: element, section: sectionPath,
        Self.reviewMessage(rule, header: trimmedName, section: section.name))
    }
  }

  private static let injectingActions: Set<String> = ["override", "skip", "append"]

  private static func reviewMessage(_ rule: Rule, header: String, section: String) -> String {
    switch rule {
    case .keyOutsideInbound:
      "function key header '\(header)' is set in <\(section)>; <authentication-managed-identity> is valid only in <inbound> and <send-request>: migrate it by hand"
    case .keyInResponse:
      "function key header '\(header)' is set on a response returned to the client: remove it by hand"
    case .unresolvableExistsAction:
      "function key header '\(header)' has an exists-action expression: check by hand whether it sends the key"
    default:
      rule.summary
    }
  }

  private mutating func inspectQueryParameter(_ element: PolicyElement) {
    guard let name = element.attribute("name")?.trimmingXMLSpace, name.lowercased() == "code",
      element.attribute("exists-action")?.trimmingXMLSpace != "delete"
    else { return }
    report(
      .keyInQueryParameter, .warning, at: element, section: element.parent?.path.joined(separator: "/") ?? "",
      "a function key is passed as the 'code' query parameter: replace it with <authentication-managed-identity> by hand"
    )
  }

  private mutating func inspectURL(_ url: String?, of element: PolicyElement) {
    guard let url else { return }
    let bytes = Array(url.utf8)
    guard bytes.containsLiteral("code=", caseInsensitive: true),
      bytes.containsLiteral("?code=", caseInsensitive: true) || bytes.containsLiteral("&code=", caseInsensitive: true)
        || bytes.containsLiteral("&amp;code=", caseInsensitive: true)
    else { return }
    report(
      .keyInURL, .warning, at: element, section: element.parent?.path.joined(separator: "/") ?? "",
      "the URL of <\(element.name)> passes a function key in its 'code' query parameter: remove it by hand")
  }

  private mutating func report(
    _ rule: Rule, _ severity: Severity, at element: PolicyElement, section: String, _ message: String
  ) {
    let (line, column) = element.location
    findings.append(
      Finding(rule: rule, severity: severity, message: message, line: line, column: column, section: section))
  }

  /// Classifies the header's `<value>`s: a named value, a variable set from one, a literal…
  private func valueSource(of header: PolicyElement) -> KeyInjection.ValueSource {
    guard let value = header.children.first(where: { $0.hasName("value") }) else { return .none }
    let text = value.rawContent.trimmingXMLSpace
    if text.isEmpty { return .none }
    if let name = Self.namedValueReference(text) { return .namedValue(name) }
    if text.hasPrefix("@") {
      if let variable = Self.variableName(in: text), let assigned = variables[variable],
        let name = Self.namedValueReference(assigned.trimmingXMLSpace)
      {
        return .namedValue(name)
      }
      return .expression
    }
    if text.contains("{{") { return .expression }
    if text.contains("${") || text.contains("%{") || text.contains("{#") || text.contains("#{") { return .template }
    return .literal
  }

  /// The display name in `{{name}}` when `text` is exactly one named-value reference.
  static func namedValueReference(_ text: String) -> String? {
    guard text.hasPrefix("{{"), text.hasSuffix("}}"), text.utf8.count > 4 else { return nil }
    let inner = text.dropFirst(2).dropLast(2)
    if inner.hasPrefix("${") { return inner.hasSuffix("}") ? String(inner) : nil }
    return inner.contains("{") || inner.contains("}") ? nil : String(inner)
  }

  /// The variable read by `context.Variables["k"]` or `context.Variables.GetValueOrDefault…("k")`.
  static func variableName(in expression: String) -> String? {
    let bytes = Array(expression.utf8)
    let marker = Array("Variables".utf8)
    guard bytes.count > marker.count,
      let found = (0...(bytes.count - marker.count)).first(where: {
        bytes[$0..<($0 + marker.count)].elementsEqual(marker)
      })
    else { return nil }
    var i = found + marker.count
    let allowed = Set("[.GetValueOrDefault<string>( ".utf8)
    while i < bytes.count, bytes[i] != .doubleQuote {
      guard allowed.contains(bytes[i]) else { return nil }
      i += 1
    }
    guard i < bytes.count, let close = bytes[(i + 1)...].firstIndex(of: .doubleQuote) else { return nil }
    return String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
  }
}

extension StringProtocol {
  /// The text without leading and trailing XML white space.
  var trimmingXMLSpace: String {
    let bytes = Array(utf8)
    guard let first = bytes.firstIndex(where: { !$0.isXMLSpace }), let last = bytes.lastIndex(where: { !$0.isXMLSpace })
    else { return "" }
    return String(decoding: bytes[first...last], as: UTF8.self)
  }
}
