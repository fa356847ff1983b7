import PolicyDOM

/// Turns an analysis into ``InjectionRecord``s: the resource each injection gets and why, its
/// outcome, and the Function App it reaches.
enum InjectionRecorder {
  /// The records of every key injection of `analysis`, in document order.
  /// - Parameters:
  ///   - analysis: The analysed policy.
  ///   - configuration: The map that chooses resources.
  ///   - path: The file's path, as the map's `byPath` globs see it.
  ///   - rewritten: Whether the rewrite went ahead (no error stopped the file).
  static func records(
    for analysis: PolicyAnalysis, configuration: RewriteConfiguration, path: String, rewritten: Bool
  ) -> [InjectionRecord] {
    let scope = PolicyScope.of(path: path, isFragment: analysis.document.root.hasName("fragment"))
    var backends = BackendSearch()
    return analysis.injections.map { injection in
      let (line, column) = injection.element.location
      let outcome: InjectionRecord.Outcome =
        injection.isAccepted ? .accepted : !injection.isRewritable ? .review : rewritten ? .rewritten : .blocked
      return InjectionRecord(
        line: line, column: column, section: injection.section, header: injection.headerName,
        key: key(of: injection),
        resolution: configuration.resources.resolve(namedValue: injection.namedValue, path: path),
        outcome: outcome, target: target(of: injection, backends: &backends), scope: scope)
    }
  }

  private static func key(of injection: KeyInjection) -> InjectionRecord.Key {
    switch injection.valueSource {
    case .namedValue(let name): return .namedValue(name)
    case .literal: return .literal
    case .expression: return .expression
    case .none: return .missing
    case .template:
      let value = injection.element.children.first { $0.hasName("value") }
      return .placeholder(value?.rawContent.trimmingXMLSpace ?? "")
    }
  }

  /// The backend the injection's request goes to: a `send-request`'s `set-url`, else the
  /// `set-backend-service` nearest to the injection (in its own branch first, then anywhere in its
  /// section).
  static func target(of injection: KeyInjection, backends: inout BackendSearch) -> BackendTarget? {
    if case .sendRequest(let request) = injection.placement {
      return request.children.first { $0.hasName("set-url") }.flatMap { url($0.rawContent) }
    }
    var scope = injection.element.parent
    while let current = scope {
      if let found = backends.first(in: current, backend) { return found }
      if current.path.count <= 1 { break }
      scope = current.parent
    }
    return nil
  }

  /// The first `set-backend-service` in each element searched, kept for the file: each
  /// injection searched its whole section again, so 20,000 injections in one `<inbound>` took
  /// minutes. `examinedChildren` counts the elements read.
  typealias BackendSearch = ChildSearch<BackendTarget>

  /// The backend `element` sets, or the first one its children set (not counting a
  /// `send-request`'s own).
  fileprivate static func backend(_ search: inout BackendSearch, _ element: PolicyElement) -> BackendTarget? {
    if element.hasName("set-backend-service") {
      if let id = element.attribute("backend-id")?.trimmingXMLSpace, !id.isEmpty, !id.hasPrefix("@") {
        return .backendID(id)
      }
      return element.attribute("base-url").flatMap(url)
    }
    if element.hasName("send-request") || element.hasName("send-one-way-request") { return nil }
    return search.first(in: element, backend)
  }

  fileprivate static func url(_ text: String) -> BackendTarget? {
    let trimmed = text.trimmingXMLSpace
    guard !trimmed.isEmpty, !trimmed.hasPrefix("@") else { return nil }
    return .url(trimmed)
  }
}
