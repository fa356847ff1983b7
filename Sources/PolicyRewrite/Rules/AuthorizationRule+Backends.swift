import PolicyDOM

/// Which backends a policy's `<inbound>` sends requests to, as the Authorization rule asks:
/// a branch's backend that is not a Function App, and whether every request after `<base />`
/// reaches a Function App.
extension AuthorizationRule {
  /// A `set-backend-service` in a branch of the `<inbound>` that sends the request to a backend
  /// that does not look like a Function App: with the MI element after `<base />`, that backend
  /// would receive APIM's token instead of the caller's.
  static func otherBackend(
    in inbound: PolicyElement, for injection: KeyInjection, analysis: PolicyAnalysis
  ) -> PolicyElement? {
    // The injection's own backend is one every request gets: a top-level `set-backend-service`.
    // A branch's backend is not its own, whichever the nearest one is: it is the one in question.
    let own = topLevelBackend(of: inbound)
    for entry in analysis.entries where entry.sendRequest == nil && entry.section.isSame(as: inbound) {
      guard case .url = entry.kind, entry.element.hasName("set-backend-service"),
        let parent = entry.element.parent, !parent.isSame(as: inbound)
      else { continue }
      if !looksLikeFunctionApp(entry.element, own: own, backendURLs: analysis.configuration.backendURLs) {
        return entry.element
      }
    }
    return nil
  }

  /// The backend the first top-level `set-backend-service` of `inbound` sets (by `backend-id`,
  /// else by `base-url`).
  static func topLevelBackend(of inbound: PolicyElement) -> BackendTarget? {
    guard let element = inbound.firstChildElement(named: "set-backend-service") else { return nil }
    if let id = element.attribute("backend-id")?.trimmingXMLSpace, !id.isEmpty, !id.hasPrefix("@") {
      return .backendID(id)
    }
    return nil
  }

  /// Whether `inbound` sends every request to a Function App itself, after its `<base />`
  /// (where a parent's backend is set), so that no request reaches a parent's backend: a
  /// top-level `set-backend-service` that names the injection's own backend or looks like a
  /// Function App, or a `choose` with an `otherwise` that sets one in every branch. A later
  /// top-level `set-backend-service` to another host undoes it; one in a branch is this
  /// policy's own other backend, held by ``otherBackend(in:for:analysis:)``.
  static func setsFunctionBackend(_ inbound: PolicyElement, for injection: KeyInjection) -> Bool {
    let base = inbound.firstChildElement(named: "base")?.range.lowerBound ?? -1
    var search = InjectionRecorder.BackendSearch()
    let own = InjectionRecorder.target(of: injection, backends: &search)
    return setsFunctionBackend(after: base, in: inbound, own: own)
  }

  /// Whether the children of `parent` that start after `offset`, run in order, leave every
  /// request with a Function App backend (``setsFunctionBackend(_:for:)``).
  static func setsFunctionBackend(after offset: Int, in parent: PolicyElement, own: BackendTarget?) -> Bool {
    var covered = false
    var child = parent.firstChildElement
    while let current = child {
      defer { child = current.nextSiblingElement }
      guard current.range.lowerBound > offset else { continue }
      if current.hasName("set-backend-service") {
        covered = looksLikeFunctionApp(current, own: own)
      } else if current.hasName("choose"), choiceSetsFunctionBackend(current, own: own) {
        covered = true
      }
    }
    return covered
  }

  /// Whether every request through `choose` gets a Function App backend: it has an
  /// `otherwise`, and each `when` and the `otherwise` sets one for every request.
  static func choiceSetsFunctionBackend(_ choose: PolicyElement, own: BackendTarget?) -> Bool {
    var hasOtherwise = false
    var branch = choose.firstChildElement
    while let current = branch {
      if current.hasName("otherwise") {
        hasOtherwise = true
      } else if !current.hasName("when") {
        return false
      }
      if !setsFunctionBackend(after: -1, in: current, own: own) { return false }
      branch = current.nextSiblingElement
    }
    return hasOtherwise
  }

  /// Whether a `set-backend-service` stands in a branch of `inbound` (not a direct child).
  static func routesInBranch(_ inbound: PolicyElement) -> Bool {
    func search(_ element: PolicyElement) -> Bool {
      var child = element.firstChildElement
      while let current = child {
        if current.hasName("set-backend-service") ? element.range != inbound.range : search(current) { return true }
        child = current.nextSiblingElement
      }
      return false
    }
    return search(inbound)
  }

  /// Whether a `set-backend-service` names the injection's own backend or, by its host or
  /// name, a Function App (`*.azurewebsites.net`, or a host or name that holds `func` or `fn`).
  /// A `base-url` overrides the backend's URL, so its host decides when it is there; else a
  /// `backend-id` that `backendURLs` resolves (an APIOps `backendInformation.json` of the run)
  /// is judged by that URL's host, and any other by its name.
  static func looksLikeFunctionApp(
    _ element: PolicyElement, own: BackendTarget?, backendURLs: [String: String] = [:]
  ) -> Bool {
    let id = element.attribute("backend-id")?.trimmingXMLSpace
    let url = element.attribute("base-url")?.trimmingXMLSpace
    if let url, !url.isEmpty { return hostLooksLikeFunctionApp(url) }
    guard let id, !id.isEmpty else { return true }
    if case .backendID(let ownID) = own, ownID == id { return true }
    if let resolved = backendURLs[id]?.trimmingXMLSpace, !resolved.isEmpty {
      return hostLooksLikeFunctionApp(resolved)
    }
    let lowered = id.lowercased()
    return lowered.contains("func") || lowered.contains("fn")
  }

  /// Whether a URL's host (or the first segment of a named value or template, `{{fn-url}}/api`)
  /// looks like a Function App's.
  static func hostLooksLikeFunctionApp(_ url: String) -> Bool {
    // The host of a URL, or the first segment of a named value or template (`{{fn-url}}/api`).
    let lowered = url.lowercased()
    let parts = lowered.split(separator: "/")
    let host = String((parts.first?.hasSuffix(":") == true ? parts.dropFirst().first : parts.first) ?? "")
    return host.hasSuffix(".azurewebsites.net") || host.contains("func") || host.contains("fn")
  }
}
