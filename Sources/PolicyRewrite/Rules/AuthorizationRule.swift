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
/// - Note (`authorization-token-replaced`, migration only): a reader that no remover follows:
///   the backend now receives APIM's token instead of the caller's.
///
/// Nothing happens where an MI element is already in place: the injections are only removed.
enum AuthorizationRule: AnalysisRule {
  static let id = Rule.authorizationWriter

  static func run(on analysis: inout PolicyAnalysis) {
    guard analysis.injections.contains(where: \.isRewritable) else { return }
    let scansText = analysis.document.source.containsLiteral("authorization", caseInsensitive: true)
    var scans: [Int: AuthorizationScan] = [:]
    func scan(_ scope: PolicyElement) -> AuthorizationScan {
      if let known = scans[scope.range.lowerBound] { return known }
      let new = AuthorizationScan(scope: scope, configuration: analysis.configuration, scansText: scansText)
      scans[scope.range.lowerBound] = new
      return new
    }
    var demotions: [Int: (rule: Rule, touch: AuthorizationScan.Touch)] = [:]
    var notes: [Int: (injection: KeyInjection, reader: AuthorizationScan.Touch)] = [:]
    var seen = Set<Int>()
    // One decision per container, made at its first injection: a reader after the first
    // nested injection of a group is after the group.
    for injection in analysis.injections where injection.isRewritable {
      guard let container = injection.placement.container, seen.insert(container.range.lowerBound).inserted
      else { continue }
      let key = container.range.lowerBound
      switch injection.placement {
      case .inboundTop(let inbound):
        guard analysis.managedIdentities.managedIdentity(in: inbound) == nil else { continue }
        let touches = scan(inbound)
        if let writer = touches.firstWriter {
          demotions[key] = (.authorizationWriter, writer)
          continue
        }
        if !analysis.childScopes.isEmpty {
          demotions[key] = (
            .authorizationChildScope, AuthorizationScan.Touch(kind: .reader, element: inbound, top: inbound)
          )
          continue
        }
        let base = inbound.firstChildElement(named: "base")
        if let last = touches.lastReaderOrRemover, base.map({ last.top.range.lowerBound > $0.range.lowerBound }) ?? true
        {
          analysis.managedIdentityAnchors[key] = last.top
        }
        if let reader = touches.unremovedReader(before: Int.max) { notes[key] = (injection, reader) }
      case .inPlace(let parent, let scope, _):
        guard analysis.managedIdentities.managedIdentity(in: parent) == nil,
          analysis.managedIdentities.managedIdentity(in: scope) == nil
        else { continue }
        let touches = scan(scope)
        // An MI element among the parent's children is the one in place (excluded above).
        if let writer = touches.firstWriter {
          demotions[key] = (.authorizationWriter, writer)
          continue
        }
        if !analysis.childScopes.isEmpty, scope.hasName("inbound") {
          demotions[key] = (
            .authorizationChildScope, AuthorizationScan.Touch(kind: .reader, element: scope, top: scope)
          )
          continue
        }
        let offset = injection.element.range.lowerBound
        if !analysis.parentReaders.isEmpty, scope.hasName("inbound"),
          let base = scope.firstChildElement(named: "base"), offset < base.range.lowerBound
        {
          demotions[key] = (.authorizationParentScope, AuthorizationScan.Touch(kind: .reader, element: base, top: base))
          continue
        }
        if let later = touches.firstReaderOrRemover(after: offset) {
          demotions[key] = (.authorizationReaderAfterManagedIdentity, later)
          continue
        }
        if let reader = touches.unremovedReader(before: offset) { notes[key] = (injection, reader) }
      case .sendRequest(let request):
        guard analysis.managedIdentities.managedIdentity(in: request) == nil else { continue }
        var child = request.firstChildElement
        while let current = child {
          if isRequestWriter(current) {
            demotions[key] = (
              .authorizationWriter, AuthorizationScan.Touch(kind: .writer, element: current, top: current)
            )
            break
          }
          child = current.nextSiblingElement
        }
      case .review:
        continue
      }
    }
    for index in analysis.injections.indices {
      let injection = analysis.injections[index]
      guard injection.isRewritable, let container = injection.placement.container,
        let (rule, touch) = demotions[container.range.lowerBound]
      else { continue }
      analysis.injections[index] = injection.leftForReview(rule)
      analysis.managedIdentityAnchors[container.range.lowerBound] = nil
      let message =
        switch rule {
        case .authorizationWriter: writerMessage(injection, writer: touch)
        case .authorizationChildScope: childScopeMessage(injection, children: analysis.childScopes)
        case .authorizationParentScope: parentScopeMessage(injection, parents: analysis.parentReaders)
        default: readerAfterMessage(injection, reader: touch)
        }
      analysis.report(rule, .warning, at: injection.element, section: injection.section, message)
    }
    for (key, note) in notes.sorted(by: { $0.key < $1.key }) where demotions[key] == nil {
      let (line, column) = note.injection.element.location
      analysis.migrationFindings.append(
        Finding(
          rule: .authorizationTokenReplaced, severity: .note,
          message: tokenReplacedMessage(note.injection, note.reader),
          line: line, column: column, section: note.injection.section))
    }
  }

  /// A `send-request` child that writes `Authorization` on that request.
  private static func isRequestWriter(_ element: PolicyElement) -> Bool {
    if element.hasName("authentication-basic") { return true }
    guard element.hasName("set-header"), element.attribute("name")?.trimmingXMLSpace.lowercased() == "authorization"
    else { return false }
    return element.attribute("exists-action")?.trimmingXMLSpace.lowercased() != "delete"
  }
}

extension PolicyElement {
  /// The first child element called `name`.
  fileprivate func firstChildElement(named name: StaticString) -> PolicyElement? {
    var child = firstChildElement
    while let current = child {
      if current.hasName(name) { return current }
      child = current.nextSiblingElement
    }
    return nil
  }
}

extension AuthorizationRule {
  fileprivate static func line(_ element: PolicyElement) -> Int { element.location.line }

  fileprivate static func writerMessage(_ injection: KeyInjection, writer: AuthorizationScan.Touch) -> String {
    "the key injection at line \(line(injection.element)) is not rewritten: <authentication-managed-identity> writes the Authorization header, and <\(writer.element.name)> at line \(line(writer.element)) writes it too, so one token would overwrite the other; migrate it by hand"
  }

  fileprivate static func readerAfterMessage(_ injection: KeyInjection, reader: AuthorizationScan.Touch) -> String {
    let does = reader.kind == .remover ? "removes" : "reads"
    return
      "the key injection at line \(line(injection.element)) is not rewritten: replaced in place, its <authentication-managed-identity> would run before <\(reader.element.name)> at line \(line(reader.element)), which \(does) the caller's Authorization header and would get APIM's token instead; migrate it by hand"
  }

  fileprivate static func childScopeMessage(_ injection: KeyInjection, children: [String]) -> String {
    let files =
      children.prefix(3).joined(separator: ", ") + (children.count > 3 ? " and \(children.count - 3) more" : "")
    return
      "the key injection at line \(line(injection.element)) is not rewritten: this scope's <authentication-managed-identity> would run inside the <base /> of \(files), which then \(children.count == 1 ? "reads, removes or writes" : "read, remove or write") the caller's Authorization header and would get or overwrite APIM's token; migrate it by hand"
  }

  fileprivate static func parentScopeMessage(_ injection: KeyInjection, parents: [String]) -> String {
    let files = parents.prefix(3).joined(separator: ", ") + (parents.count > 3 ? " and \(parents.count - 3) more" : "")
    return
      "the key injection at line \(line(injection.element)) is not rewritten: replaced in place before <base />, its <authentication-managed-identity> would run before the parent scope's policy in \(files), which \(parents.count == 1 ? "reads or removes" : "read or remove") the caller's Authorization header and would get APIM's token instead; migrate it by hand"
  }

  fileprivate static func tokenReplacedMessage(_ injection: KeyInjection, _ reader: AuthorizationScan.Touch) -> String {
    "<\(reader.element.name)> at line \(line(reader.element)) reads the caller's Authorization header and nothing removes it before the <authentication-managed-identity> that replaces the key injection at line \(line(injection.element)): the backend now receives APIM's token instead of the caller's; if the Function App needs the caller's token, migrate with --output-token-variable-name and forward it in another header"
  }
}
