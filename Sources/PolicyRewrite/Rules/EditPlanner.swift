import PolicyDOM

/// Turns groups of key injections into byte edits: removals, and one MI element per group.
struct EditPlanner {
  let document: PolicyDocument
  let configuration: RewriteConfiguration
  let path: String
  private let layout: LineLayout
  /// Where the MI element of an `<inbound>`'s direct-child injections goes instead of after
  /// `<base />` (``PolicyAnalysis/managedIdentityAnchors``).
  private let anchors: [Int: PolicyElement]
  /// The MI elements already in place, looked up once per container.
  private(set) var managedIdentities = ManagedIdentityLookup()
  private(set) var edits: [TextEdit] = []
  private(set) var findings: [Finding] = []
  private(set) var removedNamedValues: Set<String> = []

  /// Children of `<send-request>` (and `<send-one-way-request>`) that come before the MI
  /// element in the documented order.
  private static let sendRequestChildrenBefore: Set<String> = [
    "set-url", "set-method", "set-header", "set-body", "authentication-certificate",
  ]

  init(
    document: PolicyDocument, configuration: RewriteConfiguration, path: String, anchors: [Int: PolicyElement] = [:]
  ) {
    self.document = document
    self.configuration = configuration
    self.path = path
    self.layout = LineLayout(bytes: document.source)
    self.anchors = anchors
  }

  /// Plans the edits for injections that share one container.
  mutating func plan(_ group: [KeyInjection]) {
    guard let resource = resolveResource(for: group) else { return }
    if let existing = existingManagedIdentity(for: group[0].placement) {
      let current = existing.attribute("resource")?.trimmingXMLSpace ?? ""
      guard current == resource.value else {
        report(
          .rule(.managedIdentityConflict), .error, at: existing,
          "an <authentication-managed-identity> with resource '\(current)' is already here, but the key's resource is '\(resource.value)'; the file is left unchanged"
        )
        return
      }
      group.forEach { remove($0) }
      return
    }
    let element = managedIdentityElement(resource)
    if let variable = configuration.outputTokenVariableName {
      report(
        .rule(.managedIdentityTokenVariable), .warning, at: group[0].element,
        "the <authentication-managed-identity> written here puts its token into variable '\(variable)' (--output-token-variable-name); unless the policy sends it as Authorization (<set-header name=\"Authorization\" exists-action=\"override\"><value>@(\"Bearer \" + (string)context.Variables[\"\(variable)\"])</value></set-header> right after the element), the Function App gets neither key nor token"
      )
    }
    let removed = group.map(\.element.range).sorted { $0.lowerBound < $1.lowerBound }
    switch group[0].placement {
    case .inboundTop(let inbound):
      let children = inbound.children
      if let anchor = anchors[inbound.range.lowerBound] {
        insert(element, after: anchor, removing: removed)
        group.forEach { remove($0) }
      } else if let base = children.first(where: { $0.hasName("base") }) {
        insert(element, after: base, removing: removed)
        group.forEach { remove($0) }
      } else if let first = children.first, !group.contains(where: { $0.element.isSame(as: first) }) {
        insert(element, before: first)
        group.forEach { remove($0) }
      } else {
        replaceFirst(of: group, with: element)
      }
    case .inPlace(_, _, let inFragment):
      replaceFirst(of: group, with: element)
      if inFragment {
        report(
          .rule(.fragmentInboundOnly), .note, at: group[0].element,
          "the fragment now authenticates with Managed Identity, which is valid only where the fragment is included from <inbound>"
        )
      }
    case .sendRequest(let request):
      let starts = Set(removed.map(\.lowerBound))
      let remaining = request.children.filter { !starts.contains($0.range.lowerBound) }
      if let anchor = remaining.last(where: { Self.sendRequestChildrenBefore.contains($0.name) }) {
        insert(element, after: anchor, removing: removed)
        group.forEach { remove($0) }
      } else if let first = remaining.first {
        insert(element, before: first)
        group.forEach { remove($0) }
      } else {
        replaceFirst(of: group, with: element)
      }
    case .review, .accepted:
      preconditionFailure("review items are not planned")
    }
  }

  /// An MI element already in the same place: among the container's children, or, for a
  /// nested injection, among the children of its `<inbound>` (or `<fragment>`), which runs
  /// before the nested one.
  private mutating func existingManagedIdentity(for placement: KeyInjection.Placement) -> PolicyElement? {
    switch placement {
    case .inboundTop(let inbound): return managedIdentities.managedIdentity(in: inbound)
    case .inPlace(let parent, let scope, _):
      return managedIdentities.managedIdentity(in: parent) ?? managedIdentities.managedIdentity(in: scope)
    case .sendRequest(let request): return managedIdentities.managedIdentity(in: request)
    case .review, .accepted: return nil
    }
  }

  private mutating func resolveResource(for group: [KeyInjection]) -> Resource? {
    var resolved: Resource?
    for injection in group {
      let resolution = configuration.resources.resolve(namedValue: injection.namedValue, path: path)
      let origin = injection.namedValue.map { "named value '\($0)'" } ?? "this file"
      guard let resource = resolution.resource else {
        report(
          .operational(.unresolvedResource), .error, at: injection.element,
          "no resource (audience) for the key of \(origin): give --resource, or map it in --resource-map")
        return nil
      }
      if configuration.resources.requiresMapEntry && !resolution.isFromMapEntry {
        report(
          .operational(.unresolvedResource), .error, at: injection.element,
          "--strict-map: no byNamedValue or byPath entry for the key of \(origin) (the default '\(resource.value)' is not used); the file is left unchanged"
        )
        return nil
      }
      if let resolved, resolved != resource {
        report(
          .rule(.conflictingResources), .error, at: injection.element,
          "key injections here resolve to different resources ('\(resolved.value)' and '\(resource.value)') but share one <authentication-managed-identity>; the file is left unchanged"
        )
        return nil
      }
      resolved = resource
    }
    return resolved
  }

  /// Removes `set-variable` elements that only fed removed injections, by the same rule.
  mutating func remove(variables: [PolicyElement]) {
    for variable in variables {
      edits.append(TextEdit(range: layout.removal(of: variable.range), replacement: []))
    }
  }

  // MARK: Edits

  private mutating func remove(_ injection: KeyInjection) {
    edits.append(TextEdit(range: layout.removal(of: injection.element.range), replacement: []))
    if let name = injection.namedValue { removedNamedValues.insert(name) }
  }

  private mutating func replaceFirst(of group: [KeyInjection], with element: [UInt8]) {
    edits.append(TextEdit(range: group[0].element.range, replacement: element))
    if let name = group[0].namedValue { removedNamedValues.insert(name) }
    group.dropFirst().forEach { remove($0) }
  }

  /// Inserts `element` on a line of its own after the line of `reference` when nothing but
  /// blanks, comments and the `removed` injections follows `reference` on its line (so a key
  /// written on `<base />`'s line leaves the MI element a line of its own, `rewrite-spec.md`
  /// §3); else right after `reference` (a policy written on one line stays on one line).
  /// `removed` is in the order of its starts.
  private mutating func insert(_ element: [UInt8], after reference: PolicyElement, removing removed: [Range<Int>] = [])
  {
    let end = reference.range.upperBound
    let source = document.source
    // The removed injections that follow the reference on its line, one after another (each
    // found by a binary search of the starts).
    var rest = end
    while true {
      var next = rest
      while next < source.count, source[next].isBlank { next += 1 }
      let index = removed.partitioningIndex { $0.lowerBound >= next }
      guard index < removed.count, removed[index].lowerBound == next else { break }
      rest = removed[index].upperBound
    }
    if let lineEnd = layout.endOfLine(after: rest, skippingComments: true), lineEnd > end,
      document.source[lineEnd - 1] == layout.newline
    {
      let text = Array(layout.indentation(of: reference.range.lowerBound)) + element + layout.terminator(of: end)
      edits.append(TextEdit(range: lineEnd..<lineEnd, replacement: text))
    } else if let close = closingTag(after: rest), layout.startsLine(reference.range.lowerBound),
      let parent = reference.parent
    {
      // The reference starts its line and its parent's end tag follows it there
      // (`<base /></inbound>`): the MI element gets a line of its own between them, and the end
      // tag a line of its own, indented like the parent's start tag.
      let terminator = layout.terminator(of: end)
      let text =
        terminator + Array(layout.indentation(of: reference.range.lowerBound)) + element + terminator
        + Array(layout.indentation(of: parent.range.lowerBound))
      edits.append(TextEdit(range: close..<close, replacement: text))
    } else {
      edits.append(TextEdit(range: end..<end, replacement: element))
    }
  }

  /// The offset of the end tag (`</`) that follows `offset` on its line after nothing but
  /// spaces and tabs, or `nil`.
  private func closingTag(after offset: Int) -> Int? {
    let source = document.source
    var next = offset
    while next < source.count, source[next].isBlank { next += 1 }
    guard next + 1 < source.count, source[next] == UInt8(ascii: "<"), source[next + 1] == .slash else { return nil }
    return next
  }

  private mutating func insert(_ element: [UInt8], before reference: PolicyElement) {
    let start = reference.range.lowerBound
    if layout.startsLine(start) {
      let lineStart = layout.lineStart(start)
      let text = Array(layout.indentation(of: start)) + element + layout.terminator(of: start)
      edits.append(TextEdit(range: lineStart..<lineStart, replacement: text))
    } else {
      edits.append(TextEdit(range: start..<start, replacement: element))
    }
  }

  /// The MI element's bytes, in the document's empty-element style.
  private func managedIdentityElement(_ resource: Resource) -> [UInt8] {
    var text = "<authentication-managed-identity resource=\""
    // Every value is escaped, placeholders too (validated, they hold nothing to escape).
    text += Self.escapeAttribute(resource.value)
    text += "\""
    if let clientID = configuration.clientID { text += " client-id=\"\(Self.escapeAttribute(clientID))\"" }
    if let variable = configuration.outputTokenVariableName {
      text += " output-token-variable-name=\"\(Self.escapeAttribute(variable))\""
    }
    if let ignoreError = configuration.ignoreError { text += " ignore-error=\"\(ignoreError)\"" }
    text += document.prefersSpaceInEmptyElements ? " />" : "/>"
    return Array(text.utf8)
  }

  static func escapeAttribute(_ value: String) -> String {
    var escaped = ""
    for character in value {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      default: escaped.append(character)
      }
    }
    return escaped
  }

  private mutating func report(_ id: FindingID, _ severity: Severity, at element: PolicyElement, _ message: String) {
    let (line, column) = element.location
    let section = element.parent.map { $0.path.joined(separator: "/") } ?? ""
    findings.append(
      Finding(id: id, severity: severity, message: message, line: line, column: column, section: section))
  }
}
