import PolicyRewrite

extension Frontend {
  /// ``RewriteConfiguration/fragmentIncludedBeforeReaders`` from the graph: for each fragment
  /// file that may inject a key (`injecting`), the policies that include it from `<inbound>`
  /// and whose `<inbound>` reads or removes `Authorization` (anywhere in it: the MI element
  /// would stand where the fragment is included), or whose `<backend>`, `<outbound>` or
  /// `<on-error>` reads the request's header, or whose parent scopes' later sections read it,
  /// or whose child scopes read, remove or write it after `<base />`, or write it before their
  /// `<base />`. Each includer and each child is read once, and only for an include
  /// of such a fragment.
  /// `parents` gives a policy's parent scopes (``parentIndicesInGraph(_:)``).
  func fragmentIncludersWithReaders(
    _ graph: PolicyGraph, parents parentsOf: (PolicyGraph.Policy) -> [PolicyGraph.Policy], injecting: Set<String>,
    configuration base: RewriteConfiguration, into configuration: inout RewriteConfiguration
  ) {
    let includes = graph.includes.filter { include in
      include.section == "inbound" && include.resolved.map(injecting.contains) == true
    }
    guard !includes.isEmpty else { return }
    let policies = graph.policies.filter { $0.scope != .fragment }
    var byPath: [String: [PolicyGraph.Policy]] = [:]
    for policy in policies { byPath[policy.path, default: []].append(policy) }
    // An inline policy is matched to its include by the fragment id in its text (a file may
    // hold several): conservative when two of them include the same fragment.
    func includers(of include: PolicyGraph.Include) -> [PolicyGraph.Policy] {
      (byPath[include.path] ?? []).filter { $0.inlineText?.contains(include.written ?? include.fragment) ?? true }
    }
    let includerLists = includes.map(includers)
    var unique: [PolicyGraph.Policy] = []
    var seen = Set<PolicyGraph.Policy>()
    for list in includerLists {
      for policy in list where seen.insert(policy).inserted { unique.append(policy) }
    }
    let reads = evaluate(unique) { [documents] bytes in
      (
        PolicyRewriter.readsAuthorizationAroundInbound(bytes, configuration: base, documents: documents),
        PolicyRewriter.inboundBaseLine(bytes, documents: documents)
      )
    }
    var reading = Set<PolicyGraph.Policy>()
    // Where each includer's parents run: the line of its `<base />` in its file (`nil` for an
    // inline policy whose text does not stand in the file line for line: not known).
    var baseLines: [PolicyGraph.Policy: Int?] = [:]
    for (policy, (reads, baseLine)) in zip(unique, reads) {
      if reads { reading.insert(policy) }
      guard let baseLine else { continue }
      baseLines[policy] = policy.inlineText == nil ? baseLine : inlineLine(policy, line: baseLine)
    }
    // Child scopes of the includers, each read once.
    var byAPI: [String: [PolicyGraph.Policy]] = [:]
    for policy in policies where policy.scope == .api || policy.scope == .operation {
      if let api = policy.api { byAPI[api, default: []].append(policy) }
    }
    func children(of parent: PolicyGraph.Policy) -> [PolicyGraph.Policy] {
      switch parent.scope {
      case .global, .workspace:
        policies.filter { [.product, .api, .operation].contains($0.scope) }
      case .product:
        (parent.product.flatMap { graph.productAPIs[$0] } ?? []).sorted().flatMap { byAPI[$0] ?? [] }
      case .api:
        (parent.api.flatMap { byAPI[$0] } ?? []).filter { $0.scope == .operation }
      default:
        []
      }
    }
    let childLists = Dictionary(unique.map { ($0, children(of: $0)) }, uniquingKeysWith: { first, _ in first })
    var uniqueChildren: [PolicyGraph.Policy] = []
    var seenChildren = Set<PolicyGraph.Policy>()
    for policy in unique {
      for child in childLists[policy] ?? [] where seenChildren.insert(child).inserted { uniqueChildren.append(child) }
    }
    let childEffects = evaluate(uniqueChildren) { [documents] bytes in
      PolicyRewriter.childScopeEffects(bytes, configuration: base, documents: documents)
    }
    // Parent scopes of the includers whose later sections read the request's header: they run
    // after the includer's whole `<inbound>`, wherever the fragment stands in it.
    let parentLists = Dictionary(unique.map { ($0, parentsOf($0)) }, uniquingKeysWith: { first, _ in first })
    var uniqueParents: [PolicyGraph.Policy] = []
    var seenParents = Set<PolicyGraph.Policy>()
    for policy in unique {
      for parent in parentLists[policy] ?? [] where seenParents.insert(parent).inserted { uniqueParents.append(parent) }
    }
    let parentEffects = evaluate(uniqueParents) { bytes in PolicyRewriter.parentScopeEffects(bytes, configuration: base)
    }
    var laterReadingParents = Set<PolicyGraph.Policy>()
    var readingParents = Set<PolicyGraph.Policy>()
    var writingParents = Set<PolicyGraph.Policy>()
    for (parent, effects) in zip(uniqueParents, parentEffects) {
      if effects.contains(.readsInLaterSections) { laterReadingParents.insert(parent) }
      if effects.contains(.readsOrRemoves) { readingParents.insert(parent) }
      if effects.contains(.writes) { writingParents.insert(parent) }
    }
    var readingChildren = Set<PolicyGraph.Policy>()
    var writingChildren: [PolicyGraph.Policy: RewriteConfiguration.ChildScopeWriter] = [:]
    for (child, effects) in zip(uniqueChildren, childEffects) {
      if effects.touchesAfterBase { readingChildren.insert(child) }
      if let writer = effects.writersBeforeBase.first { writingChildren[child] = childWriter(child, writer) }
    }
    for (include, list) in zip(includes, includerLists) {
      guard let fragment = include.resolved else { continue }
      var found: [String] = []
      let place = "\(include.path):\(include.line) (<inbound>)"
      for policy in list {
        if reading.contains(policy) {
          found.append("\(place), which reads or removes Authorization after the MI element would run")
        }
        if let child = (childLists[policy] ?? []).first(where: readingChildren.contains) {
          found.append("\(place), whose child scope \(child.path) reads, removes or sets Authorization after <base />")
        }
        // Included before the includer's `<base />`, the MI element runs before its parents'
        // `<inbound>`: one that reads or removes the header would get APIM's token.
        if let baseLine = baseLines[policy], baseLine.map({ include.line < $0 }) ?? true,
          let parent = (parentLists[policy] ?? []).first(where: readingParents.contains)
        {
          found.append(
            "\(place), before the <base /> where its parent scope \(Self.describe(parent)) reads or removes Authorization after the MI element would run"
          )
        }
        if let parent = (parentLists[policy] ?? []).first(where: writingParents.contains) {
          found.append(
            "\(place), whose parent scope \(Self.describe(parent)) writes Authorization in <inbound>, so it and the MI element would overwrite each other"
          )
        }
        if let parent = (parentLists[policy] ?? []).first(where: laterReadingParents.contains) {
          found.append(
            "\(place), whose parent scope \(Self.describe(parent)) reads Authorization in <backend>, <outbound> or <on-error>, after the MI element would run"
          )
        }
        // A child's writer before its `<base />` runs first: the MI element would overwrite it.
        if let writer = (childLists[policy] ?? []).lazy.compactMap({ writingChildren[$0] }).first {
          found.append(
            "\(place), whose child scope writes Authorization before <base /> (<\(writer.element)> at \(writer.location)), which the MI element would overwrite"
          )
        }
      }
      guard !found.isEmpty else { continue }
      let key = absolutePath(fragment)
      let known = Set(configuration.fragmentIncludedBeforeReaders[key] ?? [])
      configuration.fragmentIncludedBeforeReaders[key, default: []] += found.filter { !known.contains($0) }
    }
  }

  /// The most include levels followed from one fragment: deeper chains than this are not
  /// counted (APIM itself limits how deep fragments nest).
  static let fragmentIncludeDepth = 16

  /// Adds to each fragment's entry in ``RewriteConfiguration/authorizationFragments`` what the
  /// fragments it includes do, and what theirs include do: a fixpoint over the graph's
  /// fragment-to-fragment includes, at most ``fragmentIncludeDepth`` rounds of one pass over
  /// those includes each.
  func followFragmentIncludes(_ graph: PolicyGraph, into configuration: inout RewriteConfiguration) {
    let inFragments = graph.includes.filter { $0.section == "fragment" }
    guard !inFragments.isEmpty, !configuration.authorizationFragments.isEmpty else { return }
    var fragmentsByPath: [String: [PolicyGraph.Policy]] = [:]
    for policy in graph.policies where policy.scope == .fragment && policy.fragment != nil {
      fragmentsByPath[policy.path, default: []].append(policy)
    }
    // Includer id → included id; an inline fragment is matched by the id in its text.
    var edges: [(from: String, to: String)] = []
    var seen = Set<[String]>()
    for include in inFragments {
      for policy in fragmentsByPath[include.path] ?? [] {
        guard let id = policy.fragment, id != include.fragment,
          policy.inlineText?.contains(include.written ?? include.fragment) ?? true,
          seen.insert([id, include.fragment]).inserted
        else { continue }
        edges.append((id, include.fragment))
      }
    }
    var uses = configuration.authorizationFragments
    for _ in 0..<Self.fragmentIncludeDepth {
      var changed = false
      for edge in edges {
        guard let included = uses[edge.to], !included.isEmpty else { continue }
        let known = uses[edge.from] ?? []
        let joined = known.union(included)
        if joined != known {
          uses[edge.from] = joined
          changed = true
        }
      }
      if !changed { break }
    }
    configuration.authorizationFragments = uses
  }

  /// Gives each fragment id that a policy's text writes as a Terraform reference the graph
  /// resolved (``PolicyGraph/Include/written``) what the fragment it stands for does, in
  /// ``RewriteConfiguration/authorizationFragments``: the rewrite reads the id as written.
  /// One written text that stands for several fragments (`${auth_fragment}` in two
  /// templates) does what any of them does.
  func aliasWrittenFragmentIDs(_ graph: PolicyGraph, into configuration: inout RewriteConfiguration) {
    var aliases: [String: AuthorizationUse] = [:]
    for include in graph.includes {
      guard let written = include.written, written != include.fragment else { continue }
      aliases[written, default: []].formUnion(configuration.authorizationFragments[include.fragment] ?? [])
    }
    for (written, use) in aliases where !use.isEmpty {
      configuration.authorizationFragments[written, default: []].formUnion(use)
    }
  }

  /// `body` of each policy's text: files read on the run's threads (once each), inline
  /// policies from their text; `body` of no bytes for a file that cannot be read.
  func evaluate<Value: Sendable>(
    _ policies: [PolicyGraph.Policy], _ body: @escaping @Sendable ([UInt8]) -> Value
  ) -> [Value] {
    var paths: [String] = []
    var seen = Set<String>()
    for policy in policies where policy.inlineText == nil && seen.insert(policy.path).inserted {
      paths.append(policy.path)
    }
    let results = readInParallel(paths.map { Array($0.utf8) }, body)
    var byPath: [String: Value] = [:]
    for (path, result) in zip(paths, results) { byPath[path] = result }
    return policies.map { policy in
      if let text = policy.inlineText { return body(Array(text.utf8)) }
      return byPath[policy.path] ?? body([])
    }
  }
}
