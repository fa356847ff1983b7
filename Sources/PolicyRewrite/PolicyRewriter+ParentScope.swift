import PolicyDOM

extension PolicyRewriter {
  /// What a parent scope's `<inbound>` does that decides a child scope's injections
  /// (`rewrite-spec.md` §2a, §2c): the parent runs at the child's `<base />`, in the same
  /// pipeline as the child's MI element.
  package struct ParentScopeEffects: OptionSet, Sendable, Hashable {
    package let rawValue: Int
    package init(rawValue: Int) { self.rawValue = rawValue }

    /// Its `<inbound>` reads or removes `Authorization`: a child's MI element before the
    /// child's `<base />` would hand it APIM's token.
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
    /// Its `<backend>`, `<outbound>` or `<on-error>` reads the request's `Authorization` (an
    /// expression, a `send-request` in copy mode): those sections run after the child's whole
    /// `<inbound>`, so any MI element of the child's `<inbound>`, wherever it stands, would
    /// hand it APIM's token.
    package static let readsInLaterSections = ParentScopeEffects(rawValue: 16)
    /// Its `<inbound>` has an MI element that sets `Authorization` to a token of its own
    /// (``parentTokenResources(_:documents:)`` says which): a child's MI element of another
    /// resource and it overwrite each other.
    package static let setsToken = ParentScopeEffects(rawValue: 32)
    /// Its `<inbound>` sets a key header (not in a `send-request`): a child's
    /// `exists-action="skip"` injection of it after the child's `<base />` never took effect.
    package static let setsKeyHeader = ParentScopeEffects(rawValue: 64)
  }

  /// Whether the `<inbound>` of `document` sets a key header of `configuration` (a `set-header`
  /// other than a delete, outside any `send-request`).
  static func setsKeyHeader(_ inbound: PolicyElement, configuration: RewriteConfiguration) -> Bool {
    var child = inbound.firstChildElement
    while let current = child {
      if current.hasName("set-header"), let name = current.attribute("name"),
        configuration.isKeyHeader(name.trimmingXMLSpace),
        current.attribute("exists-action")?.trimmingXMLSpace.lowercased() != "delete"
      {
        return true
      }
      if !current.hasName("send-request") && !current.hasName("send-one-way-request"),
        setsKeyHeader(current, configuration: configuration)
      {
        return true
      }
      child = current.nextSiblingElement
    }
    return false
  }

  /// The resources of the MI elements of a parent scope's `<inbound>` that set the header
  /// (not those that fill only `output-token-variable-name`, nor those of a `send-request`),
  /// from the document ``parentScopeEffects(_:configuration:documents:)`` kept.
  package static func parentTokenResources(_ source: [UInt8], documents: ParsedDocuments? = nil) -> [String] {
    guard source.containsLiteral("authentication-managed-identity"), let document = try? documents.parse(source),
      let inbound = document.root.children.first(where: { $0.hasName("inbound") })
    else { return [] }
    return tokenResources(below: inbound)
  }

  /// The resources of the MI elements below `element` that set the header.
  private static func tokenResources(below element: PolicyElement) -> [String] {
    var resources: [String] = []
    var child = element.firstChildElement
    while let current = child {
      if current.hasName("authentication-managed-identity") {
        if current.attribute("output-token-variable-name") == nil {
          resources.append(current.attribute("resource")?.trimmingXMLSpace ?? "")
        }
      } else if !current.hasName("send-request") && !current.hasName("send-one-way-request") {
        resources += tokenResources(below: current)
      }
      child = current.nextSiblingElement
    }
    return resources
  }

  /// What the parent-scope policy `source` does in its `<inbound>` (and, for readers, in its
  /// later sections), with one parse (kept in `documents` for the run's own pass); empty when a
  /// byte search finds none of it.
  package static func parentScopeEffects(
    _ source: [UInt8], configuration: RewriteConfiguration = RewriteConfiguration(),
    documents: ParsedDocuments? = nil
  ) -> ParentScopeEffects {
    if let alternatives = templateAlternatives(source) {
      return alternatives.reduce(into: []) { $0.formUnion(parentScopeEffects($1, configuration: configuration)) }
    }
    let mayTouch = AuthorizationScan.mayFindReaderOrRemover(in: source, configuration: configuration)
    let mayRoute = source.containsLiteral("set-backend-service")
    let mayToken = source.containsLiteral("authentication-managed-identity")
    let mayKey = configuration.keyHeaders.contains {
      BackendCredentialScanner.find(Array($0.utf8), in: source, from: 0, to: source.count, caseInsensitive: true) != nil
    }
    guard mayTouch || mayRoute || mayToken || mayKey, let document = try? documents.parse(source),
      document.root.hasName("policies")
    else { return [] }
    // A parent without `<inbound>` still runs its later sections.
    let inbound = document.root.children.first(where: { $0.hasName("inbound") })
    var effects: ParentScopeEffects = []
    if mayTouch {
      let scansText = source.containsLiteral("authorization", caseInsensitive: true)
      if let inbound {
        for touch in AuthorizationScan(scope: inbound, configuration: configuration, scansText: scansText).touches {
          if touch.readsOrRemoves { effects.insert(.readsOrRemoves) }
          if touch.kind == .writer { effects.insert(.writes) }
        }
      }
      // Its later sections run after the child's whole `<inbound>`.
      if laterSectionsRead(document, configuration: configuration, scansText: scansText) {
        effects.insert(.readsInLaterSections)
      }
    }
    if mayRoute, let inbound {
      Self.addOtherBackends(below: inbound, nested: false, backendURLs: configuration.backendURLs, to: &effects)
    }
    if mayToken, let inbound, !tokenResources(below: inbound).isEmpty { effects.insert(.setsToken) }
    if mayKey, let inbound, setsKeyHeader(inbound, configuration: configuration) { effects.insert(.setsKeyHeader) }
    return effects
  }

  /// The first `set-backend-service` below `element`, in document order, that does not look
  /// like a Function App.
  private static func firstOtherBackend(below element: PolicyElement, backendURLs: [String: String])
    -> PolicyElement?
  {
    var child = element.firstChildElement
    while let current = child {
      if current.hasName("set-backend-service") {
        if !AuthorizationRule.looksLikeFunctionApp(current, own: nil, backendURLs: backendURLs) { return current }
      } else if let found = firstOtherBackend(below: current, backendURLs: backendURLs) {
        return found
      }
      child = current.nextSiblingElement
    }
    return nil
  }

  /// Adds the backends below `element` that do not look like a Function App: top-level
  /// (`nested` false) or in a branch.
  private static func addOtherBackends(
    below element: PolicyElement, nested: Bool, backendURLs: [String: String], to effects: inout ParentScopeEffects
  ) {
    var child = element.firstChildElement
    while let current = child {
      if current.hasName("set-backend-service") {
        if !AuthorizationRule.looksLikeFunctionApp(current, own: nil, backendURLs: backendURLs) {
          effects.insert(nested ? .setsOtherBackendInBranch : .setsOtherBackend)
        }
      } else {
        addOtherBackends(below: current, nested: true, backendURLs: backendURLs, to: &effects)
      }
      child = current.nextSiblingElement
    }
  }
}

extension PolicyRewriter {
  /// What a child scope's `<inbound>` does that decides a parent scope's injections
  /// (`rewrite-spec.md` §2a, §2c): the parent runs at the child's `<base />`.
  package struct ChildScopeEffects: Sendable, Hashable {
    /// What a child does after its `<base />` that the parent's MI element would meet.
    package struct Touch: Sendable, Hashable {
      package enum Kind: Sendable, Hashable {
        case reads, removes, writes
        /// Reads the header in `<backend>`, `<outbound>` or `<on-error>`.
        case readsInLaterSection
        /// Sends requests to a backend that does not look like a Function App.
        case routesElsewhere
      }
      package var kind: Kind
      /// Its line in the child's policy text.
      package var line: Int
      /// Its element name.
      package var element: String

      /// What it does, as a message says it after the child's `path:line` (`removes the
      /// Authorization header after its <base /> (<set-header>)`).
      package var described: String {
        let what =
          switch kind {
          case .reads: "reads the Authorization header after its <base />"
          case .removes: "removes the Authorization header after its <base />"
          case .writes: "writes the Authorization header after its <base />"
          case .readsInLaterSection: "reads the Authorization header in <backend>, <outbound> or <on-error>"
          case .routesElsewhere: "sends requests to a backend that does not look like the Function App"
          }
        return "\(what) (<\(element)>)"
      }
    }

    /// A writer of `Authorization` before the child's `<base />`.
    package struct Writer: Sendable, Hashable {
      /// Its line in the child's policy text.
      package var line: Int
      /// Its element name.
      package var element: String
      /// For an `authentication-managed-identity`, its resource.
      package var resource: String?
    }

    /// It reads, removes or writes the header after its `<base />` (with no MI element of its
    /// own before that touch), reads it in a later section, or sends requests to a backend
    /// that does not look like a Function App: it would see, strip or overwrite the parent's
    /// token, or receive it.
    package var touchesAfterBase = false
    /// When ``touchesAfterBase``: the first thing it does of those, and where.
    package var touch: Touch?
    /// Its writers before `<base />` (`set-header` that sets the header,
    /// `authentication-basic`, an MI element, an included fragment that writes it): they run
    /// before every parent, whose MI element would overwrite their value.
    package var writersBeforeBase: [Writer] = []
    /// Its MI elements after `<base />`: they run after every parent and overwrite a parent's
    /// token unless they ask for the same resource.
    package var managedIdentitiesAfterBase: [Writer] = []
  }

  /// What the child-scope policy `source` does in its `<inbound>` around its `<base />`, with
  /// one parse (kept in `documents` for the run's own pass); empty when it has no `<base />`
  /// (no parent runs) or a byte search finds no touch of the header.
  package static func childScopeEffects(
    _ source: [UInt8], configuration: RewriteConfiguration = RewriteConfiguration(),
    documents: ParsedDocuments? = nil
  ) -> ChildScopeEffects {
    var effects = ChildScopeEffects()
    if let alternatives = templateAlternatives(source) {
      // Either may be the one deployed: what either does counts.
      for alternative in alternatives {
        let found = childScopeEffects(alternative, configuration: configuration)
        effects.touchesAfterBase = effects.touchesAfterBase || found.touchesAfterBase
        effects.touch = effects.touch ?? found.touch
        effects.writersBeforeBase += found.writersBeforeBase
        effects.managedIdentitiesAfterBase += found.managedIdentitiesAfterBase
      }
      return effects
    }
    let mayRoute = source.containsLiteral("set-backend-service")
    guard source.containsLiteral("<base"),
      AuthorizationScan.mayFindReaderOrRemover(in: source, configuration: configuration)
        || source.containsLiteral("authentication-managed-identity") || mayRoute,
      let document = try? documents.parse(source),
      document.root.hasName("policies"),
      let inbound = document.root.children.first(where: { $0.hasName("inbound") }),
      let base = inbound.children.first(where: { $0.hasName("base") })
    else { return effects }
    let scansText = source.containsLiteral("authorization", caseInsensitive: true)
    let touches = AuthorizationScan(scope: inbound, configuration: configuration, scansText: scansText).touches
    for touch in touches {
      guard touch.kind == .writer || touch.kind == .managedIdentity else { continue }
      let writer = ChildScopeEffects.Writer(
        line: touch.element.location.line, element: touch.element.name,
        resource: touch.kind == .managedIdentity ? touch.element.attribute("resource")?.trimmingXMLSpace : nil)
      if touch.offset < base.range.lowerBound {
        effects.writersBeforeBase.append(writer)
      } else if touch.kind == .managedIdentity, touch.element.hasName("authentication-managed-identity"),
        touch.element.attribute("output-token-variable-name") == nil
      {
        // One that only fills a variable leaves the header as the parent set it.
        effects.managedIdentitiesAfterBase.append(writer)
      }
    }
    // A writer (other than an MI element) after `<base />` overwrites the parent's token.
    if let reader = touches.first(where: {
      ($0.readsOrRemoves || $0.kind == .writer) && $0.offset >= base.range.upperBound
    }) {
      effects.touchesAfterBase = !inbound.children.contains {
        $0.hasName("authentication-managed-identity") && $0.range.lowerBound < reader.offset
      }
      if effects.touchesAfterBase {
        let kind: ChildScopeEffects.Touch.Kind =
          reader.kind == .writer ? .writes : reader.kind == .remover ? .removes : .reads
        effects.touch = ChildScopeEffects.Touch(
          kind: kind, line: reader.element.location.line, element: reader.element.name)
      }
    }
    // Its `<backend>`, `<outbound>` and `<on-error>` run after the parent's `<inbound>`: a
    // reader there sees the parent's token, unless an MI element of the child's own after its
    // `<base />` wrote the header last.
    if !effects.touchesAfterBase,
      let reader = laterSectionReader(document, configuration: configuration, scansText: scansText)
    {
      effects.touchesAfterBase = !inbound.children.contains {
        $0.hasName("authentication-managed-identity") && $0.range.lowerBound > base.range.lowerBound
      }
      if effects.touchesAfterBase {
        effects.touch = ChildScopeEffects.Touch(
          kind: .readsInLaterSection, line: reader.location.line, element: reader.name)
      }
    }
    // A backend that does not look like a Function App, set by the child for some or all of
    // its requests: the parent's MI element would hand it APIM's token instead of the caller's.
    if !effects.touchesAfterBase, mayRoute,
      let backend = firstOtherBackend(below: inbound, backendURLs: configuration.backendURLs)
    {
      effects.touchesAfterBase = true
      effects.touch = ChildScopeEffects.Touch(
        kind: .routesElsewhere, line: backend.location.line, element: backend.name)
    }
    return effects
  }
}

extension PolicyRewriter {
  /// The documents of a Terraform template (a `.tftpl` file, a heredoc) whose directives
  /// outside the root choose between several (``TerraformTemplateContainer``); `nil` for one
  /// document. Terraform deploys one of them: a cross-scope check counts what either does.
  static func templateAlternatives(_ source: [UInt8]) -> [[UInt8]]? {
    guard source.containsLiteral("%{") else { return nil }
    let pieces = TerraformTemplateContainer.alternatives(of: source)
    return pieces.count > 1 ? pieces.map(\.decoded) : nil
  }
}
