import PolicyDOM

/// Finds the `<set-header>` elements that inject a function key and decides what the rewrite
/// does with each (`rewrite-spec.md` §2).
///
/// Check: every injection that the rewrite would rewrite is a remaining key
/// (`key-injection`, an error); the others are review items: a key set outside `<inbound>`
/// and `send-request`, on a returned response, with an `exists-action` expression, and a
/// `set-header` whose name is a named value or an expression.
///
/// Rewrite: a direct child of `<inbound>` is removed (one MI element per `<inbound>`);
/// a nested one, or one in a fragment, is replaced in place; one in a `send-request` is
/// removed (one MI element per `send-request`).
enum KeyInjectionRule: AnalysisRule {
  static let id = Rule.keyInjection

  /// Only a missing exists-action, override, skip and append inject; delete strips a key.
  private static let injectingActions: Set<String> = ["override", "skip", "append"]

  static func run(on analysis: inout PolicyAnalysis) {
    var variables: [String: String] = [:]
    for entry in analysis.entries {
      switch entry.kind {
      case .variable:
        if let name = entry.element.attribute("name"), let value = entry.element.attribute("value") {
          variables[name] = value
        }
      case .header:
        inspect(entry, variables: variables, into: &analysis)
      case .queryParameter, .url:
        break
      }
    }
  }

  private static func inspect(
    _ entry: PolicyAnalysis.Entry, variables: [String: String], into analysis: inout PolicyAnalysis
  ) {
    let element = entry.element
    let section = entry.section
    guard let name = element.attribute("name") else { return }
    let trimmedName = name.trimmingXMLSpace
    let sectionPath = element.parent.map { $0.path.joined(separator: "/") } ?? section.name
    let action = element.attribute("exists-action")?.trimmingXMLSpace
    let actionIsExpression =
      action.map { $0.hasPrefix("@") || $0.hasPrefix("{{") || HeaderNameTemplate.hasPlaceholder($0) } ?? false
    if let action, !actionIsExpression, !injectingActions.contains(action.lowercased()) { return }
    if trimmedName.hasPrefix("{{") || trimmedName.hasPrefix("@") {
      analysis.report(
        .unresolvableHeaderName, .warning, at: element, section: sectionPath,
        unresolvableName(trimmedName.hasPrefix("@") ? "@(...)" : trimmedName))
      return
    }
    // A name that a template or `format()` fills in (`${…}`, `%{…}`, `{0}`): reported when it
    // may spell a key header.
    if HeaderNameTemplate.hasPlaceholder(trimmedName) {
      if HeaderNameTemplate.mayName(trimmedName, keyHeaders: analysis.configuration.keyHeaders) {
        analysis.report(
          .unresolvableHeaderName, .warning, at: element, section: sectionPath, unresolvableName(trimmedName))
      }
      return
    }
    guard analysis.configuration.isKeyHeader(trimmedName) else { return }
    var placement: KeyInjection.Placement
    if actionIsExpression {
      placement = .review(.unresolvableExistsAction)
    } else if entry.inResponse {
      placement = .review(.keyInResponse)
    } else if let sendRequest = entry.sendRequest {
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
    var message: String?
    if case .inPlace(_, _, true) = placement,
      let includers = analysis.configuration.fragmentIncludesOutsideInbound[analysis.path], !includers.isEmpty
    {
      placement = .review(.fragmentIncludedOutsideInbound)
      message = fragmentIncludedOutsideInbound(header: trimmedName, includers: includers)
    }
    if case .inPlace(_, _, true) = placement,
      let readers = analysis.configuration.fragmentIncludedBeforeReaders[analysis.path], !readers.isEmpty
    {
      placement = .review(.authorizationReaderAfterManagedIdentity)
      message = fragmentIncludedBeforeReaders(header: trimmedName, readers: readers)
    }
    if case .review = placement {
    } else if analysis.isAccepted(element) {
      placement = .accepted
    }
    analysis.injections.append(
      KeyInjection(
        element: element, headerName: trimmedName, placement: placement,
        valueSource: valueSource(of: element, variables: variables), section: sectionPath)
    )
    if case .review(let rule) = placement {
      analysis.report(
        rule, .warning, at: element, section: sectionPath,
        message ?? reviewMessage(rule, header: trimmedName, section: section.name)
      )
    }
  }

  /// What `check` reports for an injection that the rewrite would rewrite.
  static func remainingKeyFinding(for injection: KeyInjection) -> Finding {
    let (line, column) = injection.element.location
    var finding = Finding(
      rule: .keyInjection, severity: .error, message: remainingKey(injection), line: line, column: column,
      section: injection.section)
    finding.subject = PolicyAnalysis.subject(of: injection.element)
    return finding
  }

  /// Classifies the header's `<value>`: a named value, a variable set from one, a literal…
  private static func valueSource(of header: PolicyElement, variables: [String: String]) -> KeyInjection.ValueSource {
    guard let value = header.children.first(where: { $0.hasName("value") }) else { return .none }
    let text = value.rawContent.trimmingXMLSpace
    if text.isEmpty { return .none }
    if let name = namedValueReference(text) ?? wrappedNamedValueReference(text) { return .namedValue(name) }
    if text.hasPrefix("@") {
      if let variable = variableName(in: text), let assigned = variables[variable]?.trimmingXMLSpace,
        let name = namedValueReference(assigned) ?? expressionStringLiteral(assigned).flatMap(namedValueReference)
      {
        return .namedValue(name)
      }
      return .expression
    }
    let placeholder = text.contains("${") || text.contains("%{") || text.contains("{#") || text.contains("#{")
    // `{{${app}-key}}`: a named value whose name is filled in at deployment.
    if text.hasPrefix("{{"), text.hasSuffix("}}"), placeholder { return .template }
    if text.contains("{{") { return .expression }
    if placeholder { return .template }
    return .literal
  }

  /// The display name in `{{name}}` when `text` is exactly one named-value reference.
  static func namedValueReference(_ text: String) -> String? {
    guard text.hasPrefix("{{"), text.hasSuffix("}}"), text.utf8.count > 4 else { return nil }
    let inner = text.dropFirst(2).dropLast(2)
    if inner.hasPrefix("${") { return inner.hasSuffix("}") ? String(inner) : nil }
    return inner.contains("{") || inner.contains("}") ? nil : String(inner)
  }

  /// The named value a `<value>`'s text names when it only wraps one reference: in a CDATA
  /// section (`<![CDATA[{{fn-key}}]]>`) or as the string an expression returns
  /// (`@("{{fn-key}}")`, ``expressionStringLiteral(_:)``). APIM substitutes named values in the
  /// policy text before it runs, so both send that named value.
  static func wrappedNamedValueReference(_ text: String) -> String? {
    var inner = text
    if inner.hasPrefix("<![CDATA["), inner.hasSuffix("]]>"), inner.utf8.count >= 12 {
      inner = String(inner.dropFirst(9).dropLast(3)).trimmingXMLSpace
      if let name = namedValueReference(inner) { return name }
    }
    return expressionStringLiteral(inner).flatMap(namedValueReference)
  }

  /// The text of the one string literal that a policy expression only returns:
  /// `@("text")` or `@((string)"text")`, quotes written as `"`, `&quot;` or `&#34;`; `nil` for
  /// any other expression.
  static func expressionStringLiteral(_ text: String) -> String? {
    guard text.hasPrefix("@("), text.hasSuffix(")") else { return nil }
    var inner = String(text.dropFirst(2).dropLast()).trimmingXMLSpace
    if inner.hasPrefix("(string)") { inner = String(inner.dropFirst(8)).trimmingXMLSpace }
    for quote in ["\"", "&quot;", "&#34;"] where inner.hasPrefix(quote) && inner.hasSuffix(quote) {
      guard inner.utf8.count >= 2 * quote.utf8.count else { return nil }
      let literal = inner.dropFirst(quote.count).dropLast(quote.count)
      // One literal: no quote or escape inside (`"a" + "b"` is two).
      guard !literal.contains("\""), !literal.contains("&quot;"), !literal.contains("&#34;"), !literal.contains("\\")
      else { return nil }
      return String(literal)
    }
    return nil
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

extension KeyInjectionRule {
  fileprivate static func unresolvableName(_ name: String) -> String {
    "set-header name '\(name)' is a named value or an expression; check by hand whether it sends a function key, and whether it may be Authorization: after an <authentication-managed-identity> it would overwrite APIM's token, so the backend would not get it"
  }

  fileprivate static func reviewMessage(_ rule: Rule, header: String, section: String) -> String {
    switch rule {
    case .keyOutsideInbound where section == "outbound" || section == "on-error":
      "function key header '\(header)' is set in <\(section)>, on the response: it leaks the key to callers and does nothing for the backend; remove it"
    case .keyOutsideInbound:
      "function key header '\(header)' is set in <\(section)>; <authentication-managed-identity> is valid only in <inbound> and <send-request>: migrate it by hand"
    case .keyInResponse:
      "function key header '\(header)' is set on a response returned to the client: remove it by hand"
    case .unresolvableExistsAction:
      "function key header '\(header)' has an exists-action expression: check by hand whether it sends the key"
    default:
      rule.details.summary
    }
  }

  fileprivate static func fragmentIncludedOutsideInbound(header: String, includers: [String]) -> String {
    let list =
      includers.prefix(3).joined(separator: ", ") + (includers.count > 3 ? " and \(includers.count - 3) more" : "")
    return
      "function key header '\(header)' is set in a fragment included from \(list); <authentication-managed-identity> is valid only in <inbound> and <send-request>, so the fragment is not rewritten: migrate it by hand"
  }

  fileprivate static func fragmentIncludedBeforeReaders(header: String, readers: [String]) -> String {
    let list =
      readers.prefix(3).joined(separator: "; ") + (readers.count > 3 ? "; and \(readers.count - 3) more" : "")
    return
      "function key header '\(header)' is set in a fragment included from \(list): the <authentication-managed-identity> element that would replace it sets Authorization to APIM's token before that reader, so the fragment is not rewritten: migrate it by hand"
  }

  fileprivate static func remainingKey(_ injection: KeyInjection) -> String {
    let origin = injection.namedValue.map { " from named value '\($0)'" } ?? ""
    return
      "header '\(injection.headerName)' injects a function key\(origin); replace it with <authentication-managed-identity> (policy-rewrite migrate)"
  }
}
