import PolicyDOM

extension AuthorizationRule {
  /// Why an MI element already in place (`existing`, with the injection's resource) does not
  /// stand for the key (`rewrite-spec.md` §2a, §2b): it may not write the header at all (it
  /// puts its token into `output-token-variable-name`, and the next element does not set
  /// `Authorization` from that variable, ``writesHeader(_:)``), and no MI element with the same
  /// resource that writes it follows on every path; or, after it, in the same scope, a policy
  /// removes `Authorization` or writes another value into it, and no such MI element sets the
  /// token again; or, for `<inbound>`, a child scope reads, removes or writes the header after
  /// its `<base />` (`children`). The token then does not reach the backend, and removing the
  /// key would leave the backend with no credential; §2b allows no second MI element, so none
  /// can go after the last remover. A reader after the element does not count: it already
  /// sees APIM's token, and the token still reaches the backend. An MI element that sets the
  /// token again counts only where it runs whenever `existing` does: beside it, or beside one
  /// of its ancestors (not in a branch of its own), and where the template renders it whenever
  /// it renders the key (`rendersWithKey`: outside every Terraform directive, or in the key's
  /// branch).
  /// - Returns: The rule and the element that cuts the token off (`existing` itself when it
  ///   never writes the header); `nil` when the existing element stands for the key.
  static func undone(
    _ existing: PolicyElement, in scan: AuthorizationScan, _ injection: KeyInjection,
    sameToken: (AuthorizationScan.Touch, KeyInjection) -> Bool, children: [String],
    rendersWithKey: (PolicyElement) -> Bool = { _ in true }
  ) -> (rule: Rule, touch: AuthorizationScan.Touch)? {
    var cut: AuthorizationScan.Touch?
    var written = writesHeader(existing)
    // The set-headers that send an MI element's variable as its token: part of that element.
    var bearers = Set<Int>()
    if let bearer = bearerHeader(after: existing) { bearers.insert(bearer.range.lowerBound) }
    for touch in scan.touches
    where touch.offset >= existing.range.upperBound && !exclusive(touch.element, existing)
      && !bearers.contains(touch.offset)
    {
      switch touch.kind {
      case .remover, .writer:
        cut = touch
        written = false
      case .managedIdentity:
        guard sameToken(touch, injection) else {
          cut = touch
          written = false
          continue
        }
        if let bearer = bearerHeader(after: touch.element) { bearers.insert(bearer.range.lowerBound) }
        if writesHeader(touch.element), runsWhenever(touch.element, existing), rendersWithKey(touch.element) {
          cut = nil
          written = true
        }
      case .reader: continue
      }
    }
    if let cut {
      return (cut.kind == .remover ? .authorizationReaderAfterManagedIdentity : .authorizationWriter, cut)
    }
    if !written { return (.managedIdentityOutputVariable, touch(existing)) }
    if !children.isEmpty { return (.authorizationChildScope, touch(existing)) }
    return nil
  }

  /// Whether `element`, which stands after `existing` in the same scope, runs whenever
  /// `existing` does: its parent is `existing`'s parent or one of its ancestors.
  private static func runsWhenever(_ element: PolicyElement, _ existing: PolicyElement) -> Bool {
    guard let parent = element.parent else { return false }
    var node = existing.parent
    while let current = node {
      if current.isSame(as: parent) { return true }
      node = current.parent
    }
    return false
  }

  /// The variable an MI element puts its token into (`output-token-variable-name`), if any.
  static func tokenVariable(of element: PolicyElement) -> String? {
    element.attribute("output-token-variable-name")
  }

  /// Whether an MI element writes its token into `Authorization`: it has no
  /// `output-token-variable-name` (the header is where the token goes), or the element right
  /// after it sends the variable as the header (``bearerHeader(after:)``). With the variable
  /// alone, the documentation sets the header by hand, and the policy toolkit's emulator
  /// stores the token only in the variable: whether the header is written is not known.
  static func writesHeader(_ element: PolicyElement) -> Bool {
    tokenVariable(of: element) == nil || bearerHeader(after: element) != nil
  }

  /// The `<set-header name="Authorization" exists-action="override">` that stands right after
  /// the MI element `element` (nothing but white space between them: no other policy, comment
  /// or template directive) and whose one `<value>` is, white space aside, exactly
  /// `@("Bearer " + (string)context.Variables["V"])`, `V` being the element's
  /// `output-token-variable-name`: the documented way to send the token. Any other form
  /// (another expression, a named value, another action, a second value) is not recognised.
  static func bearerHeader(after element: PolicyElement) -> PolicyElement? {
    guard let variable = tokenVariable(of: element), !variable.isEmpty,
      !variable.utf8.contains(where: { $0 == .doubleQuote || $0 == .backslash || $0 == .ampersand || $0 == .lessThan }),
      let next = element.nextSiblingElement, next.hasName("set-header"),
      next.attribute("name")?.trimmingXMLSpace.lowercased() == "authorization",
      next.attribute("exists-action").map({ $0.trimmingXMLSpace == "override" }) ?? true,
      let value = next.firstChildElement, value.hasName("value"), value.nextSiblingElement == nil,
      value.firstChildElement == nil
    else { return nil }
    let source = element.document.source
    guard source[element.range.upperBound..<next.range.lowerBound].allSatisfy(\.isXMLSpace) else { return nil }
    let pieces = ["@(", "\"Bearer \"", "+", "(string)", "context.Variables", "[", "\"\(variable)\"", "]", ")"]
    var index = value.contentRange.lowerBound
    let end = value.contentRange.upperBound
    for piece in pieces {
      while index < end, source[index].isXMLSpace { index += 1 }
      let bytes = Array(piece.utf8)
      guard index + bytes.count <= end, source[index..<(index + bytes.count)].elementsEqual(bytes) else { return nil }
      index += bytes.count
    }
    while index < end, source[index].isXMLSpace { index += 1 }
    return index == end ? next : nil
  }
}
