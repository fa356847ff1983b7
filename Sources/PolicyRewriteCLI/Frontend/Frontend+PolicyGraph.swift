import PolicyDOM
import PolicyRewrite

extension Frontend {
  /// The policy graph of the run's files: each file that can add to it is read once (the
  /// bytes are kept for the run's own pass, ``ReadAhead``) and its facts taken on the run's
  /// threads; the facts are joined in one pass.
  func policyGraph(_ items: [FileWalker.Item]) -> PolicyGraph { policyGraph(items, needles: nil).graph }

  /// The graph, and the files (by the graph's path) that `needles` says may inject a key,
  /// found in the same read.
  func policyGraph(_ items: [FileWalker.Item], needles: CheckNeedles?) -> (graph: PolicyGraph, injecting: Set<String>) {
    let selected = items.map { ($0.path, $0.displayPath) }.filter { PolicyGraph.mayContribute(path: $0.1) }
    var facts: [PolicyGraph.FileFacts] = []
    var injecting = Set<String>()
    facts.reserveCapacity(selected.count)
    OrderedParallel.run(
      count: selected.count, jobs: min(options.jobs, Self.maximumJobs),
      work: { [readAhead] index -> (PolicyGraph.FileFacts, Bool)? in
        let (path, display) = selected[index]
        guard let bytes = readAhead.bytes(path) else { return nil }
        return (PolicyGraph.FileFacts(path: display, bytes: bytes), needles?.mayInject(bytes) ?? false)
      },
      consume: { index, value in
        guard let (fileFacts, injects) = value else { return }
        facts.append(fileFacts)
        if injects { injecting.insert(selected[index].1) }
      })
    return (PolicyGraph(files: facts), injecting)
  }

  /// The configuration's cross-file entries from the graph (`rewrite-spec.md` §2c), for the
  /// layouts the folder-based pass does not read: what each fragment (found by id) does with
  /// `Authorization`; for each declared parent scope with a key injection, the declared child
  /// scopes that read or remove the header after `<base />`; the fragments included from
  /// outside `<inbound>`; and, for each file, what the graph does not know.
  /// - Returns: What each parent-scope policy file it parsed does (by path), for the
  ///   folder-based pass not to parse it again.
  @discardableResult
  func graphContext(
    _ graph: PolicyGraph, injecting: Set<String>, into configuration: inout RewriteConfiguration
  ) -> [String: PolicyRewriter.ParentScopeEffects] {
    let base = configuration
    // Fragments by id: files read once each, inline fragments from their text.
    var fragmentFiles: [(id: String, path: String)] = []
    for policy in graph.policies where policy.scope == .fragment {
      guard let id = policy.fragment else { continue }
      if let text = policy.inlineText {
        if let use = PolicyRewriter.authorizationUse(ofFragment: Array(text.utf8), configuration: base), !use.isEmpty {
          configuration.authorizationFragments[id, default: []].formUnion(use)
        }
      } else if Self.fragmentID(of: policy.path) != id {
        // A fragment the folder-based pass finds under the same id is read there.
        fragmentFiles.append((id, policy.path))
      }
    }
    let uses = readInParallel(fragmentFiles.map { Array($0.path.utf8) }) { [documents] bytes in
      PolicyRewriter.authorizationUse(ofFragment: bytes, configuration: base, documents: documents)
    }
    for (fragment, use) in zip(fragmentFiles, uses) {
      guard let use = use ?? nil, !use.isEmpty else { continue }
      configuration.authorizationFragments[fragment.id, default: []].formUnion(use)
    }
    // A fragment does what the fragments it includes do.
    followFragmentIncludes(graph, into: &configuration)
    // An include that writes the id as a Terraform reference the graph resolved does what
    // the fragment does, under the id as written.
    aliasWrittenFragmentIDs(graph, into: &configuration)
    let withFragments = configuration
    // Declared parents and children, in files or inline (APIOps trees are handled by the
    // folder-based pass).
    let needles = CheckNeedles(configuration: base)
    func mayInject(_ policy: PolicyGraph.Policy) -> Bool {
      policy.inlineText.map { needles.mayInject(Array($0.utf8)) } ?? injecting.contains(policy.path)
    }
    let declared = graph.policies.filter { $0.declaredAt != nil }
    // Names compare without regard to case; a child whose API name is not resolved may
    // belong to any API or product (PolicyGraph+Matching).
    let apiChildren = declared.filter { $0.scope == .api || $0.scope == .operation }
    let childLookup = PolicyGraph.ChildLookup(apiChildren)
    // The global policy of one layout is the parent of the other layouts' scopes too: a
    // declared global policy of the APIOps tree's scopes, an APIOps global policy of the
    // declared ones (the APIOps tree's own are the folder-based pass's).
    let scopes: [PolicyGraph.Policy] = graph.policies.filter {
      [.workspace, .product, .api, .operation].contains($0.scope)
    }
    let parents = graph.policies.filter {
      $0.declaredAt != nil ? [.global, .workspace, .product, .api].contains($0.scope) : $0.scope == .global
    }
    // A policy that nothing places (no APIOps folder, declaration or file name) may run below
    // a global or workspace policy: it counts as their child, as a declared child whose name
    // the run does not resolve does.
    let unplaced = Self.unplacedPolicies(graph)
    var childrenOf: [(parent: PolicyGraph.Policy, children: [PolicyGraph.Policy])] = []
    for parent in parents where mayInject(parent) {
      let children: [PolicyGraph.Policy]
      switch parent.scope {
      case .global where parent.declaredAt == nil:
        guard parent.inlineText == nil else { continue }
        children = scopes.filter { $0.declaredAt != nil } + unplaced
      case .global:
        // A workspace's policy, products, APIs and operations run the global policy too.
        children = scopes + unplaced
      case .workspace:
        children = declared.filter { [.product, .api, .operation].contains($0.scope) } + unplaced
      case .product:
        children = childLookup.mayHold(in: graph, product: parent.product).map { apiChildren[$0] }
      case .api:
        children = childLookup.mayMatch(api: parent.api).map { apiChildren[$0] }.filter { $0.scope == .operation }
      default:
        children = []
      }
      if !children.isEmpty { childrenOf.append((parent, children)) }
    }
    // A file that several declarations apply is named with the scope of each.
    let sharedFiles = Self.filesOfSeveralScopes(graph)
    var uniqueChildren: [PolicyGraph.Policy] = []
    var seen = Set<PolicyGraph.Policy>()
    for entry in childrenOf {
      for child in entry.children where seen.insert(child).inserted { uniqueChildren.append(child) }
    }
    let childEffects = evaluate(uniqueChildren) { [documents] bytes in
      PolicyRewriter.childScopeEffects(bytes, configuration: withFragments, documents: documents)
    }
    var reading: [PolicyGraph.Policy: PolicyRewriter.ChildScopeEffects.Touch?] = [:]
    var writers: [PolicyGraph.Policy: [RewriteConfiguration.ChildScopeWriter]] = [:]
    for (child, effects) in zip(uniqueChildren, childEffects) {
      if effects.touchesAfterBase { reading[child] = effects.touch }
      if !effects.writersBeforeBase.isEmpty || !effects.managedIdentitiesAfterBase.isEmpty {
        writers[child] =
          effects.writersBeforeBase.map { childWriter(child, $0) }
          + effects.managedIdentitiesAfterBase.map { childWriter(child, $0, isAfterBase: true) }
      }
    }
    for entry in childrenOf {
      // A file that several scopes apply is named with the scope, unless every one of them is
      // a child of this parent (then the file is named once).
      var childrenByPath: [String: Int] = [:]
      if !sharedFiles.isEmpty {
        for child in entry.children where child.inlineText == nil { childrenByPath[child.path, default: 0] += 1 }
      }
      let children = entry.children.filter { reading.keys.contains($0) }.map { child in
        // What it does, where; a child linked only because its API name is not resolved says so.
        childTouch(
          child, reading[child] ?? nil,
          as: child.inlineText == nil && (childrenByPath[child.path] ?? 0) < (sharedFiles[child.path] ?? 0)
            ? Self.scopeName(child) : nil)
          + (child.unlinkedIdentifier.map { ", whose \($0) the run does not resolve, so it may run below this scope" }
            ?? (child.scope == .unknown
              ? ", whose scope the run does not know (no APIOps folder, declaration or file name places it), so it may run below this scope"
              : ""))
      }
      let childWriters = entry.children.flatMap { writers[$0] ?? [] }
      guard !children.isEmpty || !childWriters.isEmpty else { continue }
      let key = scopeKey(entry.parent, in: &configuration)
      if !children.isEmpty { configuration.authorizationChildScopes[key, default: []].append(contentsOf: children) }
      if !childWriters.isEmpty { configuration.authorizationChildWriters[key, default: []] += childWriters }
    }
    // Child scopes whose policy cannot be read hold their parents' keys.
    unreadableChildScopes(graph, mayInject: mayInject, into: &configuration)
    // Declared parent scopes whose policy cannot be read hold their children's keys.
    unreadableParentScopes(graph, mayInject: mayInject, into: &configuration)
    // What parent scopes do (read or remove, write, route elsewhere), for each child scope
    // with a possible injection (every layout: APIOps places come from the graph too).
    // Each policy's parents are worked out once (it reads the APIOps products' membership
    // files) for both passes below.
    let parentIndices = Self.parentIndicesInGraph(graph)
    let parentEffects = parentScopes(
      graph, parents: parentIndices, mayInject: mayInject, configuration: withFragments, into: &configuration)
    // Fragments included from <inbound> by a policy that reads the header, or whose child
    // scopes do.
    fragmentIncludersWithReaders(
      graph, parents: { parentIndices($0).map { graph.policies[$0] } }, injecting: injecting,
      configuration: withFragments,
      into: &configuration)
    // Fragments included from outside <inbound>.
    for include in graph.includes {
      guard let resolved = include.resolved, ["backend", "outbound", "on-error"].contains(include.section) else {
        continue
      }
      configuration.fragmentIncludesOutsideInbound[absolutePath(resolved), default: []].append(
        "\(include.path):\(include.line) in <\(include.section)>")
    }
    // What the graph does not know, by file, and where in the file, when that is known.
    var gaps: [String: [Rule: String]] = [:]
    var gapLocations: [String: [Rule: RewriteConfiguration.Position]] = [:]
    // Of the policies of unknown scope, a tree's or a workspace's own `policy.xml` is placed
    // (``unplacedPolicies(_:)``).
    for policy in unplaced {
      // A policy written inline is placed where its text starts.
      if let offset = policy.inlineOffset, gapLocations[policy.path]?[.scopeUnknown] == nil {
        gapLocations[policy.path, default: [:]][.scopeUnknown] = gapLocation(in: policy.path, offset: offset)
      }
      gaps[policy.path, default: [:]][.scopeUnknown] =
        "the scope of this policy is not known: no APIOps folder, Terraform resource or module argument, or Bicep or ARM resource applies it, so the checks across scopes (a parent's or child's reader of Authorization) were not made; declare it, or scan the files that apply it too (see the README, \"The policy graph\")"
    }
    // A run inside what may be an APIOps tree, without evidence that it is one (APIOpsScopePlacement).
    for (path, reason) in ambiguousPlacements(graph) { gaps[path, default: [:]][.scopeUnknown] = reason }
    // A declared scope whose identifier could not be resolved (a `parent_id` or `parent:`
    // the run cannot follow, a name without its segments) is linked to nothing: as unknown.
    var unlinked: [String: [String]] = [:]
    for policy in graph.policies {
      guard let identifier = policy.unlinkedIdentifier, let declared = policy.declaredAt else { continue }
      // At the declaration, when it stands in the policy's own file (a policy written inline).
      if declared.path == policy.path, gapLocations[policy.path]?[.scopeUnknown] == nil {
        gapLocations[policy.path, default: [:]][.scopeUnknown] = gapLocation(in: policy.path, line: declared.line)
      }
      unlinked[policy.path, default: []].append(
        "the \(identifier) of the \(policy.scope.rawValue) policy declared at \(declared.path):\(declared.line)"
          + (declared.address.map { " (\($0))" } ?? ""))
    }
    for (path, list) in unlinked {
      let named = list.prefix(5).joined(separator: "; ") + (list.count > 5 ? "; and \(list.count - 5) more" : "")
      let earlier = gaps[path]?[.scopeUnknown].map { $0 + "; and " } ?? ""
      gaps[path, default: [:]][.scopeUnknown] =
        earlier
        + "the scope of \(list.count == 1 ? "a policy" : "policies") here is not known: \(named) could not be resolved (a variable, parameter, module input, data source or `for_each` value the run does not resolve, or a name, `parent:` or `parent_id` chain not among the run's files), so it is not linked to its parent and child scopes and the checks across scopes (a parent's or child's reader of Authorization) were not made; name it with a literal, or scan the files that declare its parents too (see the README, \"The policy graph\")"
    }
    for (path, missing) in unscannedChildScopes(graph, injecting: injecting) {
      let list = missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? " and \(missing.count - 5) more" : "")
      gaps[path, default: [:]][.childScopesNotScanned] =
        "child scopes of this policy are on disk but not in this run (\(list)): whether they read, remove or write Authorization after their <base /> was not checked; run on the folder that holds them too"
    }
    for (path, missing) in unscannedParentScopes(graph, injecting: injecting) {
      let list = missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? " and \(missing.count - 5) more" : "")
      gaps[path, default: [:]][.parentScopesNotScanned] =
        "parent scopes of this policy are on disk but not in this run (\(list)): whether they read Authorization in <backend>, <outbound> or <on-error>, read, remove or write it in <inbound>, or route requests to another backend was not checked; run on the folder that holds them too"
    }
    for (path, unknown) in unreadableMemberships(graph, injecting: injecting) {
      let malformed = unknown.malformed
      if !malformed.isEmpty {
        configuration.policyGraphInputErrors[absolutePath(path)] =
          "the product membership in \(malformed.joined(separator: ", ")) is not known: \(malformed.count == 1 ? "the file does" : "the files do") not parse as JSON (see \(malformed.count == 1 ? "its" : "their") parse error), so whether \(malformed.count == 1 ? "its product runs" : "their products run") in this policy's pipeline is not known; the file is left unchanged: fix \(malformed.count == 1 ? "it" : "them") and run again"
      }
      let lists = unknown.lists
      guard !lists.isEmpty, gaps[path]?[.scopeUnknown] == nil else { continue }
      gaps[path, default: [:]][.scopeUnknown] =
        "the product membership in \(lists.joined(separator: ", ")) is not known: \(lists.count == 1 ? "it does" : "they do") not read as a list of API names (or of objects with a name), so \(lists.count == 1 ? "its product counts" : "their products count") as a parent of this policy, as without the file; fix or remove \(lists.count == 1 ? "it" : "them")"
    }
    var unresolved: [String: [PolicyGraph.Include]] = [:]
    for include in graph.includes where include.resolved == nil {
      unresolved[include.path, default: []].append(include)
      // A key injection that such an include runs after is held (AuthorizationRule).
      configuration.unresolvedFragmentIDs.insert(include.written ?? include.fragment)
    }
    for (path, includes) in unresolved {
      // At the first unresolved include.
      if let first = includes.min(by: { $0.line < $1.line }) {
        gapLocations[path, default: [:]][.unresolvedFragment] = gapLocation(
          in: path, line: first.line, at: "include-fragment")
      }
      // An id the run cannot resolve (a reference, a variable) may name a fragment it does
      // define: it is not resolved, which is not the same as absent.
      let (absent, unknown) = (
        includes.filter { PolicyGraph.isResolved($0.fragment) },
        includes.filter { !PolicyGraph.isResolved($0.fragment) }
      )
      func listed(_ includes: [PolicyGraph.Include]) -> String {
        includes.prefix(5).map { "'\($0.written ?? $0.fragment)' (line \($0.line))" }.joined(separator: ", ")
          + (includes.count > 5 ? " and \(includes.count - 5) more" : "")
      }
      var parts: [String] = []
      if !absent.isEmpty {
        parts.append(
          "includes \(absent.count == 1 ? "a fragment" : "fragments") that no scanned file defines: \(listed(absent))")
      }
      if !unknown.isEmpty {
        parts.append(
          "includes \(unknown.count == 1 ? "a fragment whose id" : "fragments whose ids") the run does not resolve (a reference, variable or expression it cannot follow): \(listed(unknown))"
        )
      }
      gaps[path, default: [:]][.unresolvedFragment] =
        parts.joined(separator: "; ")
        + "; what \(includes.count == 1 ? "it does" : "they do") with Authorization is not known, and a key injection that \(includes.count == 1 ? "it runs" : "they run") after is not rewritten; scan the files that define \(includes.count == 1 ? "it" : "them") too, or name \(includes.count == 1 ? "it" : "them") with a literal (see the README, \"The policy graph\")"
    }
    for (path, gap) in gaps { configuration.policyGraphGaps[absolutePath(path)] = gap }
    // A policy file that a module called twice applies stands for two scopes: named once.
    Self.removeRepeats(&configuration.authorizationChildScopes)
    Self.removeRepeats(&configuration.authorizationChildWriters)
    Self.removeRepeats(&configuration.authorizationUnreadableChildScopes)
    Self.removeRepeats(&configuration.authorizationParentScopes)
    Self.removeRepeats(&configuration.authorizationParentLaterReaders)
    Self.removeRepeats(&configuration.authorizationParentWriters)
    Self.removeRepeats(&configuration.authorizationParentBackends)
    Self.removeRepeats(&configuration.authorizationParentDefaultBackends)
    for (path, locations) in gapLocations { configuration.policyGraphGapLocations[absolutePath(path)] = locations }
    return parentEffects
  }

  /// Each list of `map` without the entries it repeats, in order.
  static func removeRepeats<T: Hashable>(_ map: inout [String: [T]]) {
    for (key, list) in map where list.count > 1 {
      var seen = Set<T>()
      let once = list.filter { seen.insert($0).inserted }
      if once.count != list.count { map[key] = once }
    }
  }

  /// The key of a policy in the configuration's cross-scope maps: its file's absolute path,
  /// or, for a policy written inline, that path with its text (the file is noted in
  /// ``RewriteConfiguration/inlinePolicyFiles``).
  func scopeKey(_ policy: PolicyGraph.Policy, in configuration: inout RewriteConfiguration) -> String {
    let path = absolutePath(policy.path)
    guard let text = policy.inlineText else { return path }
    configuration.inlinePolicyFiles.insert(path)
    return RewriteConfiguration.inlinePolicyKey(path: path, text: Array(text.utf8))
  }

  /// A child scope's writer before its `<base />`, named by its file and line: for a policy
  /// written inline, the line in its file (exact where the file holds the text as it is, as a
  /// heredoc or `'''` string does; else the line where the text starts) and the declaration.
  func childWriter(
    _ policy: PolicyGraph.Policy, _ writer: PolicyRewriter.ChildScopeEffects.Writer, isAfterBase: Bool = false
  ) -> RewriteConfiguration.ChildScopeWriter {
    RewriteConfiguration.ChildScopeWriter(
      location: childLocation(policy, line: writer.line), element: writer.element, resource: writer.resource,
      isAfterBase: isAfterBase)
  }

  /// `path:line` (and the declaration's address, for a policy written inline) of the line
  /// `line` of `policy`'s text: for an inline policy, the file's line (its first line when the
  /// text is not in the file as written).
  func childLocation(_ policy: PolicyGraph.Policy, line: Int) -> String {
    var line = line
    if policy.inlineText != nil, let offset = policy.inlineOffset {
      let bytes = readAhead.bytes(Array(policy.path.utf8)) ?? []
      let first = 1 + bytes[..<min(offset, bytes.count)].count(where: { $0 == .lineFeed })
      line = inlineLine(policy, line: line) ?? first
    }
    let address = policy.inlineText == nil ? nil : policy.declaredAt?.address
    return "\(policy.path):\(line)" + (address.map { " (\($0))" } ?? "")
  }

  /// The line of the declaring file that holds line `line` of an inline policy's text, when
  /// that text stands in the file line for line: as written, or with other indentation (an
  /// indented heredoc, `<<-XML`, loses its lines' common indentation); `nil` when it does not
  /// (an escaped JSON string, a template whose interpolations span lines).
  func inlineLine(_ policy: PolicyGraph.Policy, line: Int) -> Int? {
    guard let text = policy.inlineText, let offset = policy.inlineOffset,
      let bytes = readAhead.bytes(Array(policy.path.utf8)), offset <= bytes.count
    else { return nil }
    let first = 1 + bytes[..<offset].count(where: { $0 == .lineFeed })
    if bytes[offset...].starts(with: text.utf8) { return first + line - 1 }
    let own = text.utf8.split(separator: .lineFeed, omittingEmptySubsequences: false)
    let file = bytes[offset...].split(separator: .lineFeed, maxSplits: own.count, omittingEmptySubsequences: false)
    guard file.count >= own.count else { return nil }
    func unindented<S: Collection<UInt8>>(_ line: S) -> S.SubSequence {
      line.drop { $0 == .space || $0 == .tab || $0 == .carriageReturn }
    }
    // The text's last line may end before the file's does (a closing quote after it).
    for (index, ownLine) in own.enumerated() {
      let fileLine = unindented(file[index])
      let matches =
        index == own.count - 1
        ? fileLine.starts(with: unindented(ownLine)) : fileLine.elementsEqual(unindented(ownLine))
      if !matches { return nil }
    }
    return first + line - 1
  }

  /// A policy as messages name it: its file, and for an inline policy the line and address
  /// of the declaration that holds it.
  static func describe(_ policy: PolicyGraph.Policy) -> String {
    guard policy.inlineText != nil, let declared = policy.declaredAt else { return policy.path }
    return "\(policy.path):\(declared.line)" + (declared.address.map { " (\($0))" } ?? "")
  }

  /// The files (not inline policies) that more than one policy of `graph` is, with how many: a
  /// file that several declarations, module calls or `for_each` elements apply with names of
  /// their own.
  static func filesOfSeveralScopes(_ graph: PolicyGraph) -> [String: Int] {
    var counts: [String: Int] = [:]
    for policy in graph.policies where policy.inlineText == nil { counts[policy.path, default: 0] += 1 }
    return counts.filter { $0.value > 1 }
  }

  /// A policy's scope as messages name it, with its identifiers and declaration: `the api
  /// policy of \`orders\` (main.tf:13, azurerm_api_management_api_policy.orders)`.
  static func scopeName(_ policy: PolicyGraph.Policy) -> String {
    var names: [String] = []
    if let product = policy.product, policy.scope == .product { names.append("`\(product)`") }
    if let workspace = policy.workspace, policy.scope == .workspace { names.append("`\(workspace)`") }
    if let api = policy.api, policy.scope == .api || policy.scope == .operation { names.append("`\(api)`") }
    if let operation = policy.operation, policy.scope == .operation { names.append("operation `\(operation)`") }
    let of = names.isEmpty ? "" : " of " + names.joined(separator: " ")
    let declared = policy.declaredAt.map { " (\($0.path):\($0.line)" + ($0.address.map { ", \($0))" } ?? ")") }
    return "the \(policy.scope.rawValue) policy\(of)\(declared ?? "")"
  }

  /// ``RewriteConfiguration/authorizationParentScopes``, ``RewriteConfiguration/authorizationParentLaterReaders``,
  /// ``RewriteConfiguration/authorizationParentWriters`` and
  /// ``RewriteConfiguration/authorizationParentBackends`` from the graph: for each product, API
  /// or operation policy (in a file or inline) that may inject a key, the global, product
  /// (through membership) and API policies whose `<inbound>` reads or removes `Authorization`,
  /// whose later sections read it, whose `<inbound>` writes it, or sends requests to a backend
  /// that is not a Function App.
  /// Each file is read and parsed once.
  /// - Returns: What each parent policy file does, by path.
  private func parentScopes(
    _ graph: PolicyGraph, parents: (PolicyGraph.Policy) -> [Int], mayInject: (PolicyGraph.Policy) -> Bool,
    configuration base: RewriteConfiguration, into configuration: inout RewriteConfiguration
  ) -> [String: PolicyRewriter.ParentScopeEffects] {
    let candidates = graph.policies.filter {
      ([.workspace, .product, .api, .operation].contains($0.scope)
        || $0.scope == .unknown && $0.inlineText == nil && Self.workspacePolicyRoot($0.path) != nil) && mayInject($0)
    }
    guard !candidates.isEmpty else { return [:] }
    let policies = graph.policies
    // The children's lists are made again below, not kept: where every product is a parent of
    // every API, each child's list names every product (hundreds of megabytes on a large tree).
    var unique: [Int] = []
    var seen = Set<Int>()
    for child in candidates {
      for index in parents(child) where seen.insert(index).inserted { unique.append(index) }
    }
    var effects: [Int: PolicyRewriter.ParentScopeEffects] = [:]
    var byPath: [String: PolicyRewriter.ParentScopeEffects] = [:]
    var tokens: [Int: [String]] = [:]
    for (index, (found, resources)) in zip(
      unique,
      evaluate(unique.map { policies[$0] }) { [documents] bytes in
        let effects = PolicyRewriter.parentScopeEffects(bytes, configuration: base, documents: documents)
        let resources =
          effects.contains(.setsToken) ? PolicyRewriter.parentTokenResources(bytes, documents: documents) : []
        return (effects, resources)
      })
    {
      if !found.isEmpty { effects[index] = found }
      if !resources.isEmpty { tokens[index] = resources }
      if policies[index].inlineText == nil { byPath[policies[index].path] = found }
    }
    guard !effects.isEmpty else { return byPath }
    func add(_ map: WritableKeyPath<RewriteConfiguration, [String: [String]]>, _ key: String, _ found: [String]) {
      guard !found.isEmpty else { return }
      // A first entry is the shared list itself (an assigned array shares its storage).
      guard let known = configuration[keyPath: map][key] else {
        configuration[keyPath: map][key] = found
        return
      }
      let knownSet = Set(known)
      configuration[keyPath: map][key] = known + found.filter { !knownSet.contains($0) }
    }
    /// What one list of parents with effects gives each map, in the order of ``add``'s calls;
    /// each parent named with `scope` (the child's scope, for a file that several scopes apply).
    func described(_ withEffects: [Int], scope: String = "") -> [[String]] {
      let found = withEffects.map { (parent: policies[$0], effects: effects[$0] ?? []) }
      let routing = found.filter { !$0.effects.isDisjoint(with: [.setsOtherBackend, .setsOtherBackendInBranch]) }
      func named(_ parent: PolicyGraph.Policy) -> String { Self.describe(parent) + scope }
      return [
        found.filter { $0.effects.contains(.readsOrRemoves) }.map { named($0.parent) },
        found.filter { $0.effects.contains(.readsInLaterSections) }.map { named($0.parent) },
        found.filter { $0.effects.contains(.writes) }.map { named($0.parent) },
        routing.map { named($0.parent) },
        routing.filter { !$0.effects.contains(.setsOtherBackendInBranch) }.map { named($0.parent) },
        found.filter { $0.effects.contains(.setsKeyHeader) }.map { named($0.parent) },
      ]
    }
    // A file that several declarations apply is a policy of each of their scopes: where their
    // parents differ, each parent is named with the scope it is a parent of.
    let sharedFiles = Self.filesOfSeveralScopes(graph)
    var parentListsOfFile: [String: Set<[Int]>] = [:]
    if !sharedFiles.isEmpty {
      for child in candidates where child.inlineText == nil && sharedFiles[child.path] != nil {
        parentListsOfFile[child.path, default: []].insert(parents(child).filter { effects[$0] != nil })
      }
    }
    // Children with the same parents with effects share their lists: most children of a large
    // tree have the same ones.
    var shared: [[Int]: [[String]]] = [:]
    for child in candidates {
      // Each parent's effects are looked up once (a policy hashes all its fields).
      let withEffects = parents(child).filter { effects[$0] != nil }
      guard !withEffects.isEmpty else { continue }
      let lists: [[String]]
      if child.inlineText == nil, (parentListsOfFile[child.path]?.count ?? 0) > 1 {
        lists = described(withEffects, scope: ", as a parent of \(Self.scopeName(child)),")
      } else {
        lists = shared[withEffects] ?? described(withEffects)
        shared[withEffects] = lists
      }
      let key = scopeKey(child, in: &configuration)
      add(\.authorizationParentScopes, key, lists[0])
      add(\.authorizationParentLaterReaders, key, lists[1])
      add(\.authorizationParentWriters, key, lists[2])
      add(\.authorizationParentBackends, key, lists[3])
      add(\.authorizationParentDefaultBackends, key, lists[4])
      add(\.authorizationParentKeyHeaders, key, lists[5])
      for parent in withEffects {
        for resource in tokens[parent] ?? [] {
          let token = RewriteConfiguration.ParentToken(parent: Self.describe(policies[parent]), resource: resource)
          if configuration.authorizationParentTokens[key]?.contains(token) != true {
            configuration.authorizationParentTokens[key, default: []].append(token)
          }
        }
      }
    }
    return byPath
  }
}
