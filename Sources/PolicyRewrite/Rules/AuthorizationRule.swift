import PolicyDOM

/// Keeps the migration from moving APIM's token in front of the policies that check, strip
/// or already write the request's `Authorization` header (`rewrite-spec.md` §2a).
///
/// The MI element writes `Authorization` when it runs. So, for each injection the rewrite
/// would rewrite, in the same `<inbound>` (or fragment, or `send-request`):
///
/// - Rewrite: the MI element of direct-child injections goes after the last top-level child
///   that reads or removes the header (instead of right after `<base />`).
/// - Review (`authorization-writer`): something else writes the header; the injection is
///   not rewritten.
/// - Review (`authorization-reader-after-managed-identity`): a nested injection, replaced in
///   place, would run before a reader or remover; the injection is not rewritten.
/// - Review (`authorization-child-scope`): in an APIOps tree, a child scope reads or removes
///   the header after its `<base />`, where this scope's MI element would run first.
/// - Review (`authorization-writer`, naming the child): a child scope writes the header before
///   its `<base />`; this scope's MI element, which runs at that `<base />`, would overwrite it.
/// - Note (`authorization-token-replaced`, migration only): a reader that no remover follows:
///   the backend now receives APIM's token instead of the caller's.
///
/// - Review (`managed-identity-output-variable`): an MI element with the key's resource is
///   already in place but may put its token only into `output-token-variable-name`.
///
/// Where an MI element is already in place and its token reaches the backend, nothing else
/// happens: the injections are only removed.
enum AuthorizationRule: AnalysisRule {
  static let id = Rule.authorizationWriter

  static func run(on analysis: inout PolicyAnalysis) {
    guard analysis.injections.contains(where: \.isRewritable) else { return }
    holdSkipsAfterInjections(&analysis)
    let directives = TemplateDirectives(analysis.document.source)
    if !directives.isEmpty { keepInsideDirectives(&analysis, directives) }
    guard analysis.injections.contains(where: \.isRewritable) else { return }
    let scansText = analysis.document.source.containsLiteral("authorization", caseInsensitive: true)
    var scans: [Int: AuthorizationScan] = [:]
    func scan(_ scope: PolicyElement) -> AuthorizationScan {
      if let known = scans[scope.range.lowerBound] { return known }
      let new = AuthorizationScan(scope: scope, configuration: analysis.configuration, scansText: scansText)
      scans[scope.range.lowerBound] = new
      return new
    }
    let path = analysis.path
    let resources = analysis.configuration.resources
    /// Whether `touch` is an MI element with the injection's own resource: it writes the same token.
    func sameToken(_ touch: AuthorizationScan.Touch, _ injection: KeyInjection) -> Bool {
      guard touch.kind == .managedIdentity, let resource = touch.element.attribute("resource")?.trimmingXMLSpace,
        let own = resources.resolve(namedValue: injection.namedValue, path: path).resource
      else { return false }
      return own.value == resource
    }
    // The first reader in <backend>, <outbound> or <on-error>: the request header it reads is
    // the one the MI element in <inbound> sets. Scanned once a document, when first needed.
    var laterSectionReader: AuthorizationScan.Touch??
    func readerInLaterSections() -> AuthorizationScan.Touch? {
      if let known = laterSectionReader { return known }
      var found: AuthorizationScan.Touch?
      let root = analysis.document.root
      if root.hasName("policies") {
        for section in root.children where Self.laterSections.contains(section.name) {
          if let reader = scan(section).touches.first(where: { $0.kind == .reader }) {
            found = reader
            break
          }
        }
      }
      laterSectionReader = .some(found)
      return found
    }
    var demotions: [Int: (rule: Rule, touch: AuthorizationScan.Touch)] = [:]
    // Containers held because of what a parent scope does (the messages name the parents).
    var byParents = Set<Int>()
    let parentWriters = analysis.configuration.authorizationParentWriters[path] ?? []
    let parentTokens = analysis.configuration.authorizationParentTokens[path] ?? []
    /// The parents' MI elements of another resource than the injection's, as messages name
    /// them: they and the injection's MI element would overwrite each other's token.
    func overwritingParentTokens(_ injection: KeyInjection) -> [String] {
      guard !parentTokens.isEmpty else { return [] }
      let own = resources.resolve(namedValue: injection.namedValue, path: path).resource?.value
      return parentTokens.filter { $0.resource != own }.map {
        "\($0.parent) (<authentication-managed-identity> for resource '\($0.resource)')"
      }
    }
    let parentBackends = analysis.configuration.authorizationParentBackends[path] ?? []
    // Parents that route every request (none in a branch) hold only a child that routes some.
    let defaultOnly = Set(analysis.configuration.authorizationParentDefaultBackends[path] ?? [])
    /// What a parent scope's `<inbound>` does that holds an injection of this `<inbound>`: a
    /// writer of the header (it and the MI element overwrite each other's value, in either
    /// order), or a backend that is not the Function App, unless this `<inbound>` sets a
    /// Function App backend of its own for every request after its `<base />`.
    func parentRule(_ inbound: PolicyElement, _ injection: KeyInjection) -> Rule? {
      if !parentWriters.isEmpty || !overwritingParentTokens(injection).isEmpty { return .authorizationWriter }
      if !parentBackends.isEmpty, !Self.setsFunctionBackend(inbound, for: injection),
        parentBackends.contains(where: { !defaultOnly.contains($0) }) || Self.routesInBranch(inbound)
      {
        return .authorizationOtherBackend
      }
      return nil
    }
    // Parents whose `<inbound>` reads or removes the header (looked up once, not once a scope).
    let readingParents = analysis.configuration.parentScopes(of: path)
    // Parents whose later sections read the request's header: they run after this whole
    // `<inbound>`, so they see its MI element wherever it stands.
    let parentLaterReaders = analysis.configuration.parentLaterReaders(of: path)
    // Containers held because of them (the message names those parents).
    var byParentLaterReaders = Set<Int>()
    let childWriters = analysis.configuration.authorizationChildWriters[path] ?? []
    // Containers held because a child scope writes the header before its `<base />`.
    var byChildWriters: [Int: [RewriteConfiguration.ChildScopeWriter]] = [:]
    // Containers held because a child's MI element after its `<base />` asks for another
    // resource: those children, as the message names them.
    var childTokens: [Int: [String]] = [:]
    /// The child scopes' writers before their `<base />` that this `<inbound>`'s MI element
    /// would overwrite: all but MI elements with the injection's own resource.
    func overwrittenChildWriters(_ injection: KeyInjection) -> [RewriteConfiguration.ChildScopeWriter] {
      guard !childWriters.isEmpty else { return [] }
      let own = resources.resolve(namedValue: injection.namedValue, path: path).resource?.value
      return childWriters.filter { $0.resource == nil || $0.resource != own }
    }
    // Child scopes whose policy could not be read: what they do after `<base />` is not known.
    let unreadableChildren = analysis.configuration.authorizationUnreadableChildScopes[path] ?? []
    // Declared parent scopes whose policy cannot be read, and fragments not resolved.
    let unreadableParents = analysis.configuration.authorizationUnreadableParentScopes[path] ?? []
    let unresolvedIDs = analysis.configuration.unresolvedFragmentIDs
    /// Why an injection of `inbound` (an `<inbound>`) is held by the scopes around this one: a
    /// parent's writer or other backend, a child's writer, a child scope at all, a child or a
    /// declared parent that cannot be read; `nil` when none holds it. Records the parents and
    /// child writers that the messages name.
    func heldByScopes(_ inbound: PolicyElement, _ injection: KeyInjection, key: Int) -> Rule? {
      if let rule = parentRule(inbound, injection) {
        byParents.insert(key)
        return rule
      }
      let overwritten = overwrittenChildWriters(injection)
      if case let before = overwritten.filter({ !$0.isAfterBase }), !before.isEmpty {
        byChildWriters[key] = before
        return .authorizationWriter
      }
      // A child's MI element of another resource after its `<base />` overwrites this token.
      if !overwritten.isEmpty {
        childTokens[key] = overwritten.map {
          "\($0.location), which writes the Authorization header after its <base /> (<\($0.element)> for resource '\($0.resource ?? "")', not this key's)"
        }
        return .authorizationChildScope
      }
      if !analysis.childScopes.isEmpty { return .authorizationChildScope }
      if !unreadableChildren.isEmpty { return .childScopeUnreadable }
      if !unreadableParents.isEmpty { return .parentScopeUnreadable }
      return nil
    }
    var notes: [Int: (injection: KeyInjection, reader: AuthorizationScan.Touch)] = [:]
    // For a note about a possible reader, every possible reader it stands after.
    var possibleReaders: [Int: [AuthorizationScan.Touch]] = [:]
    // Containers whose MI element is already in place but does not reach the backend.
    var inPlaceAlready = Set<Int>()
    // Containers whose MI element in place stands in a template directive branch the key is
    // not in: when the template renders without it, the backend gets neither key nor token.
    var inPlaceInDirective = Set<Int>()
    /// Whether the template renders `element` whenever it renders the injection: outside every
    /// directive, or in the injection's own branch.
    func rendersWith(_ injection: KeyInjection) -> (PolicyElement) -> Bool {
      { element in
        directives.isEmpty || directives.region(at: element.range.lowerBound) == 0
          || directives.region(at: element.range.lowerBound) == directives.region(at: injection.offset)
      }
    }
    var seen = Set<Int>()
    // One decision per container, made at its first injection: a reader after the first
    // nested injection of a group is after the group.
    for injection in analysis.injections where injection.isRewritable {
      guard let container = injection.placement.container, seen.insert(container.range.lowerBound).inserted
      else { continue }
      let key = container.range.lowerBound
      switch injection.placement {
      case .inboundTop(let inbound):
        if let existing = analysis.managedIdentities.managedIdentity(in: inbound) {
          if !rendersWith(injection)(existing) {
            demotions[key] = (.templateDirective, Self.touch(existing))
            inPlaceInDirective.insert(key)
          } else if let held = Self.undone(
            existing, in: scan(inbound), injection, sameToken: sameToken, children: analysis.childScopes,
            rendersWithKey: rendersWith(injection))
          {
            demotions[key] = held
            inPlaceAlready.insert(key)
          }
          continue
        }
        let touches = scan(inbound)
        if let writer = touches.firstWriter(where: { !sameToken($0, injection) }) {
          demotions[key] = (.authorizationWriter, writer)
          continue
        }
        if let rule = heldByScopes(inbound, injection, key: key) {
          demotions[key] = (rule, Self.touch(inbound))
          continue
        }
        // The MI element goes after <base />: an unknown fragment included after that runs after it.
        let base = inbound.firstChildElement(named: "base")
        let start = base?.range.lowerBound ?? inbound.range.lowerBound
        if let include = Self.unresolvedInclude(after: start, in: inbound, ids: unresolvedIDs) {
          demotions[key] = (.unresolvedFragment, Self.touch(include))
          continue
        }
        if let reader = readerInLaterSections() {
          demotions[key] = (.authorizationReaderAfterManagedIdentity, reader)
          continue
        }
        if !parentLaterReaders.isEmpty {
          demotions[key] = (.authorizationParentScope, Self.touch(inbound))
          byParentLaterReaders.insert(key)
          continue
        }
        if let other = otherBackend(in: inbound, for: injection, analysis: analysis) {
          demotions[key] = (.authorizationOtherBackend, Self.touch(other))
          continue
        }
        var destination = base?.range.upperBound ?? inbound.firstChildElement?.range.lowerBound ?? 0
        if let last = touches.lastReaderOrRemover, base.map({ last.top.range.lowerBound > $0.range.lowerBound }) ?? true
        {
          analysis.managedIdentityAnchors[key] = last.top
          destination = last.top.range.upperBound
        }
        if !directives.isEmpty, directives.region(at: destination) != directives.region(at: injection.offset) {
          demotions[key] = (.templateDirective, Self.touch(inbound))
          continue
        }
        if let reader = touches.unremovedReader(before: Int.max) {
          notes[key] = (injection, reader)
          if reader.possible { possibleReaders[key] = touches.unremovedPossibleReaders(before: Int.max) }
        }
      case .inPlace(let parent, let scope, _):
        if let existing = analysis.managedIdentities.managedIdentity(in: parent)
          ?? analysis.managedIdentities.managedIdentity(in: scope)
        {
          let children = scope.hasName("inbound") ? analysis.childScopes : []
          if !rendersWith(injection)(existing) {
            demotions[key] = (.templateDirective, Self.touch(existing))
            inPlaceInDirective.insert(key)
          } else if let held = Self.undone(
            existing, in: scan(scope), injection, sameToken: sameToken, children: children,
            rendersWithKey: rendersWith(injection))
          {
            demotions[key] = held
            inPlaceAlready.insert(key)
          }
          continue
        }
        let touches = scan(scope)
        let element = injection.element
        // An MI element among the parent's children is the one in place (excluded above).
        if let writer = touches.firstWriter(where: {
          !sameToken($0, injection) && !Self.exclusive($0.element, element)
        }) {
          demotions[key] = (.authorizationWriter, writer)
          continue
        }
        if scope.hasName("inbound"), let rule = heldByScopes(scope, injection, key: key) {
          demotions[key] = (rule, Self.touch(scope))
          continue
        }
        if let include = Self.unresolvedInclude(after: injection.offset, in: scope, ids: unresolvedIDs) {
          demotions[key] = (.unresolvedFragment, Self.touch(include))
          continue
        }
        if !readingParents.isEmpty,
          scope.hasName("inbound"),
          let base = scope.firstChildElement(named: "base"), base.range.lowerBound > injection.offset
        {
          demotions[key] = (.authorizationParentScope, Self.touch(base))
          continue
        }
        if scope.hasName("inbound"), let reader = readerInLaterSections() {
          demotions[key] = (.authorizationReaderAfterManagedIdentity, reader)
          continue
        }
        if scope.hasName("inbound"), !parentLaterReaders.isEmpty {
          demotions[key] = (.authorizationParentScope, Self.touch(scope))
          byParentLaterReaders.insert(key)
          continue
        }
        if let later = touches.firstReaderOrRemover(
          after: injection.offset, where: { !Self.exclusive($0.element, element) })
        {
          demotions[key] = (.authorizationReaderAfterManagedIdentity, later)
          continue
        }
        if let reader = touches.unremovedReader(before: injection.offset), !Self.exclusive(reader.element, element) {
          notes[key] = (injection, reader)
          if reader.possible {
            possibleReaders[key] = touches.unremovedPossibleReaders(
              before: injection.offset, excluding: { Self.exclusive($0.element, element) })
          }
        }
      case .sendRequest(let request):
        if let existing = analysis.managedIdentities.managedIdentity(in: request) {
          if !rendersWith(injection)(existing) {
            demotions[key] = (.templateDirective, Self.touch(existing))
            inPlaceInDirective.insert(key)
          } else if tokenVariable(of: existing) != nil {
            // Whether a set-header of the same request sees the variable is not known: held.
            demotions[key] = (.managedIdentityOutputVariable, Self.touch(existing))
          } else if let other = Self.requestTouch(
            in: request, besides: existing, sameToken: { sameToken($0, injection) })
          {
            // Another child writes or removes that request's header: the token may not reach it.
            demotions[key] =
              other.kind == .remover ? (.authorizationReaderAfterManagedIdentity, other) : (.authorizationWriter, other)
            if other.kind == .remover { inPlaceAlready.insert(key) }
          }
          continue
        }
        var child = request.firstChildElement
        while let current = child {
          if isRequestWriter(current) {
            demotions[key] = (.authorizationWriter, Self.touch(current, kind: .writer))
            break
          }
          child = current.nextSiblingElement
        }
      case .review, .accepted:
        continue
      }
    }
    /// The child scopes that hold `container`'s injections, as the message names them.
    func childScopes(_ container: PolicyElement) -> [String] {
      analysis.childScopes + (childTokens[container.range.lowerBound] ?? [])
    }
    for index in analysis.injections.indices {
      let injection = analysis.injections[index]
      guard injection.isRewritable, let container = injection.placement.container,
        let (rule, touch) = demotions[container.range.lowerBound]
      else { continue }
      analysis.injections[index] = injection.leftForReview(rule)
      analysis.managedIdentityAnchors[container.range.lowerBound] = nil
      let fromParents = byParents.contains(container.range.lowerBound)
      // The scopes a message names (`…; and 4 more`): all of them, for JSON and SARIF.
      var named: [String] = []
      let message =
        switch rule {
        case .managedIdentityOutputVariable: outputVariableMessage(injection, existing: touch.element)
        case .templateDirective where inPlaceInDirective.contains(container.range.lowerBound):
          existingInDirectiveMessage(injection, existing: touch.element)
        case _ where inPlaceAlready.contains(container.range.lowerBound):
          existingUndoneMessage(injection, rule: rule, touch: touch, children: analysis.childScopes)
        case .authorizationWriter where fromParents:
          naming(
            parentWriters + overwritingParentTokens(injection), in: &named,
            parentWriterMessage(injection, parents: parentWriters + overwritingParentTokens(injection)))
        case .authorizationWriter where byChildWriters[container.range.lowerBound] != nil:
          childWriterMessage(injection, writers: byChildWriters[container.range.lowerBound] ?? [])
        case .authorizationOtherBackend where fromParents:
          naming(parentBackends, in: &named, parentBackendMessage(injection, parents: parentBackends))
        case .authorizationWriter: writerMessage(injection, writer: touch)
        case .authorizationChildScope:
          naming(
            childScopes(container), in: &named, childScopeMessage(injection, children: childScopes(container)))
        case .authorizationParentScope where byParentLaterReaders.contains(container.range.lowerBound):
          naming(parentLaterReaders, in: &named, parentLaterReaderMessage(injection, parents: parentLaterReaders))
        case .childScopeUnreadable:
          naming(unreadableChildren, in: &named, unreadableChildMessage(injection, children: unreadableChildren))
        case .parentScopeUnreadable:
          naming(unreadableParents, in: &named, unreadableParentMessage(injection, parents: unreadableParents))
        case .unresolvedFragment: unresolvedIncludeMessage(injection, include: touch.element)
        case .authorizationParentScope:
          naming(
            readingParents, in: &named, parentScopeMessage(injection, base: touch.element, parents: readingParents))
        case .authorizationOtherBackend: otherBackendMessage(injection, backend: touch.element)
        case .templateDirective: directiveMessage(injection)
        default:
          touch.top.parent.map { Self.laterSections.contains($0.name) } == true
            ? laterSectionMessage(injection, reader: touch) : readerAfterMessage(injection, reader: touch)
        }
      // What the graph could not read is an error with --strict, as its other gaps are.
      let severity: Severity =
        [.childScopeUnreadable, .parentScopeUnreadable].contains(rule)
          && analysis.configuration.policyGraphGapsAreErrors
        ? .error : .warning
      analysis.report(rule, severity, at: injection.element, section: injection.section, message, related: named)
    }
    let outputTokenVariable = analysis.configuration.outputTokenVariableName
    for (key, note) in notes.sorted(by: { $0.key < $1.key }) where demotions[key] == nil {
      let (line, column) = note.injection.element.location
      analysis.migrationFindings.append(
        Finding(
          rule: note.reader.possible ? .authorizationPossibleReader : .authorizationTokenReplaced, severity: .note,
          message: note.reader.possible
            ? possibleReaderMessage(note.injection, possibleReaders[key] ?? [note.reader])
            : tokenReplacedMessage(note.injection, note.reader, outputTokenVariable: outputTokenVariable),
          line: line, column: column, section: note.injection.section))
    }
    // A parent scope that reads the caller's token ran before this `<inbound>`'s MI element
    // (which follows `<base />`, or the key was held): the backend now gets APIM's token.
    guard !readingParents.isEmpty else { return }
    var noted = Set(notes.keys)
    for injection in analysis.injections where injection.isRewritable {
      guard let scope = scopeOf(injection), scope.hasName("inbound"), let container = injection.placement.container,
        demotions[container.range.lowerBound] == nil, noted.insert(container.range.lowerBound).inserted
      else { continue }
      let (line, column) = injection.element.location
      analysis.migrationFindings.append(
        Finding(
          rule: .authorizationTokenReplaced, severity: .note,
          message: parentTokenReplacedMessage(
            injection, parents: readingParents, outputTokenVariable: outputTokenVariable),
          line: line, column: column, section: injection.section))
    }
  }

  /// A touch standing for an element that is not itself a reader or writer (the scope, a
  /// `<base />`, a backend), for the messages.
  static func touch(_ element: PolicyElement, kind: AuthorizationScan.Touch.Kind = .reader)
    -> AuthorizationScan.Touch
  {
    AuthorizationScan.Touch(kind: kind, element: element, top: element)
  }

  /// Whether `a` and `b` stand in different branches (`when` / `otherwise`) of one `choose`:
  /// one never runs after the other.
  /// The sections that run after `<inbound>`.
  private static let laterSections: Set<String> = ["backend", "outbound", "on-error"]

  static func exclusive(_ a: PolicyElement, _ b: PolicyElement) -> Bool {
    var branches: [Int: Int] = [:]
    var node: PolicyElement? = a
    while let current = node, let parent = current.parent {
      if parent.hasName("choose") { branches[parent.range.lowerBound] = current.range.lowerBound }
      node = parent
    }
    node = b
    while let current = node, let parent = current.parent {
      if parent.hasName("choose"), let other = branches[parent.range.lowerBound] {
        return other != current.range.lowerBound
      }
      node = parent
    }
    return false
  }

  /// The `<inbound>` or `<fragment>` of an injection that the rules place, else `nil`.
  static func scopeOf(_ injection: KeyInjection) -> PolicyElement? {
    switch injection.placement {
    case .inboundTop(let inbound): inbound
    case .inPlace(_, let scope, _): scope
    default: nil
    }
  }

  /// Keeps each MI element in the Terraform directive branch of the injections it replaces:
  /// a direct-child injection inside a directive is replaced in place; a group whose
  /// injections stand in different branches, or a `send-request` injection inside a directive
  /// of its own, is left for review.
  private static func keepInsideDirectives(_ analysis: inout PolicyAnalysis, _ directives: TemplateDirectives) {
    var regions: [Int: Set<Int>] = [:]
    for injection in analysis.injections where injection.isRewritable {
      guard let container = injection.placement.container else { continue }
      regions[container.range.lowerBound, default: []].insert(directives.region(at: injection.offset))
    }
    for index in analysis.injections.indices {
      let injection = analysis.injections[index]
      guard injection.isRewritable, let container = injection.placement.container,
        let set = regions[container.range.lowerBound]
      else { continue }
      let region = directives.region(at: injection.offset)
      var review = set.count > 1
      if !review, region != 0 {
        switch injection.placement {
        case .inboundTop(let inbound):
          analysis.injections[index] = injection.placed(.inPlace(parent: inbound, scope: inbound, inFragment: false))
        case .sendRequest(let request):
          review = directives.region(at: request.range.lowerBound) != region
        default:
          break
        }
      }
      if review {
        analysis.injections[index] = injection.leftForReview(.templateDirective)
        analysis.report(
          .templateDirective, .warning, at: injection.element, section: injection.section, directiveMessage(injection))
      }
    }
  }
}
