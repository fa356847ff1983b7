import PolicyDOM

extension PolicyRewriter {
  /// What a parent scope's `<inbound>` does that decides a child scope's injections
  /// (`rewrite-spec.md` §2a, §2c): the parent runs at the child's `<base />`, in the same
  /// pipeline as the child's MI element.
  package struct ParentScopeEffects: OptionSet, Sendable, Hashable {
    package let rawValue: Int
    package init(rawValue: Int) { self.rawValue = rawValue }

    /// It reads or removes `Authorization`: a child's MI element before the child's
    /// `<base />` would hand it APIM's token.
    package static let readsOrRemoves = ParentScopeEffects(rawValue: 1)
    /// It writes `Authorization` (`authentication-basic`, a `set-header` that sets it): it and
    /// a child's MI element overwrite each other, whichever runs last.
    package static let writes = ParentScopeEffects(rawValue: 2)
    /// It sends every request to a backend that does not look like a Function App (a
    /// top-level `set-backend-service`): what matters when a child routes some requests
    /// elsewhere, the pipeline then having two backends.
    package static let setsOtherBackend = ParentScopeEffects(rawValue: 4)
    /// It sends some requests (in a branch) to a backend that does not look like a Function
    /// App.
    package static let setsOtherBackendInBranch = ParentScopeEffects(rawValue: 8)
  }

  /// What the parent-scope policy `source` does in its `<inbound>`, with one parse; empty
  /// when a byte search finds none of it.
  package static func parentScopeEffects(
    _ source: [UInt8], configuration: RewriteConfiguration = RewriteConfiguration()
  ) -> ParentScopeEffects {
    let mayTouch = AuthorizationScan.mayFindReaderOrRemover(in: source, configuration: configuration)
    let mayRoute = source.containsLiteral("set-backend-service")
    guard mayTouch || mayRoute, let document = try? PolicyDocument.parse(source),
      document.root.hasName("policies"),
      let inbound = document.root.children.first(where: { $0.hasName("inbound") })
    else { return [] }
    var effects: ParentScopeEffects = []
    if mayTouch {
      let scansText = source.containsLiteral("authorization", caseInsensitive: true)
      for touch in AuthorizationScan(scope: inbound, configuration: configuration, scansText: scansText).touches {
        if touch.readsOrRemoves { effects.insert(.readsOrRemoves) }
        if touch.kind == .writer { effects.insert(.writes) }
      }
    }
    if mayRoute { Self.addOtherBackends(below: inbound, nested: false, to: &effects) }
    return effects
  }

  /// Adds the backends below `element` that do not look like a Function App: top-level
  /// (`nested` false) or in a branch.
  private static func addOtherBackends(below element: PolicyElement, nested: Bool, to effects: inout ParentScopeEffects)
  {
    var child = element.firstChildElement
    while let current = child {
      if current.hasName("set-backend-service") {
        if !AuthorizationRule.looksLikeFunctionApp(current, own: nil) {
          effects.insert(nested ? .setsOtherBackendInBranch : .setsOtherBackend)
        }
      } else {
        addOtherBackends(below: current, nested: true, to: &effects)
      }
      child = current.nextSiblingElement
    }
  }
}
