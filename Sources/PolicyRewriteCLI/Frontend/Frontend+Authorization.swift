import PolicyDOM
import PolicyRewrite

extension Frontend {
  /// A frontend whose configuration says what the other files of the run do with the
  /// `Authorization` header, so that each file can still be rewritten on its own:
  ///
  /// - what each policy fragment among `items` does, so that an `include-fragment` of it
  ///   counts as what it does;
  /// - for each APIOps parent scope (global `policy.xml`, `products/<p>/policy.xml`,
  ///   `apis/<a>/policy.xml`), the child-scope files that read, remove or write the header
  ///   after their `<base />`, where the parent's MI element would run;
  /// - for each child scope that may inject a key, the parent-scope files that read or remove
  ///   the header (a child's MI element before its `<base />` would run before them);
  /// - for each fragment that may inject a key, the files that include it from `<backend>`,
  ///   `<outbound>` or `<on-error>`, where the MI element is not valid.
  ///
  /// A first, cheap pass: fragment files (below a folder whose name holds `fragment`), parent
  /// and child-scope files are read; every other file only when a fragment injects a key (a
  /// byte search for its includes). Fragments that are not among the files are assumed not to
  /// touch the header.
  func withAuthorizationContext(_ items: [FileWalker.Item]) -> Frontend {
    var options = self.options
    let given = options.configuration
    // The graph is built for migrate and plan only: check does not need it. Its pass reads
    // every policy file first (the bytes are kept for the passes below and the run's own)
    // and says which may inject a key: the passes below take that instead of reading again.
    let built = options.command == .check ? nil : policyGraph(items, needles: CheckNeedles(configuration: given))
    let known = built.map(\.injecting)
    /// Whether the file at the display path `path` may inject a key: the graph's answer, or
    /// `nil` when the graph did not read it.
    func graphSaysInjects(_ path: String) -> Bool? {
      guard let known, PolicyGraph.mayContribute(path: path) else { return nil }
      return known.contains(path)
    }
    var uses: [String: AuthorizationUse] = [:]
    // Most paths name no fragment: a byte search spares them the display path.
    let fragments = items.compactMap { item in
      item.path.containsLiteral("fragment", caseInsensitive: true)
        ? Self.fragmentID(of: item.displayPath).map { (item.path, $0) } : nil
    }
    let fragmentUses = readInParallel(fragments.map(\.0)) { [documents] bytes in
      PolicyRewriter.authorizationUse(ofFragment: bytes, configuration: given, documents: documents)
    }
    for ((_, id), use) in zip(fragments, fragmentUses) {
      guard let use = use ?? nil, !use.isEmpty else { continue }
      uses[id, default: []].formUnion(use)
    }
    // The fragments' uses come first: every scope read below (child scopes that include a
    // fragment after their `<base />`, parents that include one) counts them.
    options.configuration.authorizationFragments.merge(uses) { $0.union($1) }
    var graph: PolicyGraph?
    var parentEffects: [String: PolicyRewriter.ParentScopeEffects] = [:]
    if let built {
      parentEffects = graphContext(built.graph, injecting: built.injecting, into: &options.configuration)
      graph = built.graph
    }
    let configuration = options.configuration
    var children: [String: [String]] = [:]
    // Each file's scope is worked out once, as small ids of its own key and its parents'
    // keys (the keys' strings are kept once each, not once a file: operations are most of a
    // large tree). Only scopes some child looks up are parents: an operation never is, nor a
    // global scope without products or APIs below it.
    let scopes = APIOpsScope.Table(items)
    // Parent scopes by the key a child looks them up with: linear in the number of files.
    var parentsByKey: [Int32: [String]] = [:]
    for (index, ids) in scopes.ids.enumerated() where ids.own >= 0 && scopes.isLookedUp[Int(ids.own)] {
      parentsByKey[ids.own, default: []].append(items[index].displayPath)
    }
    // The rewriter sees absolute paths (byPath globs are relative to the map's folder): each
    // parent's is made once, not once for each of its children.
    var absolutePaths: [String: String] = [:]
    // Only a parent with a key injection uses its child scopes: a parent without the
    // injection needles has none, and its children need not be read.
    // Each parent is read once, and the lists are filtered once, not once a child (a tree has
    // as many products as it has, and every product is a parent of every API).
    let needles = CheckNeedles(configuration: configuration)
    let parentPaths = parentsByKey.values.flatMap { $0 }
    // An unreadable parent counts as injecting: its children are still looked at.
    let injects = mayInject(parentPaths, needles: needles, graphSays: graphSaysInjects)
    let injecting = Set(zip(parentPaths, injects).compactMap { path, injects in injects ?? true ? path : nil })
    let injectingParentsByKey = parentsByKey.mapValues { $0.filter(injecting.contains) }.filter { !$0.value.isEmpty }
    // A candidate keeps its item's index only: its parents are listed again for the few that
    // read (a list a child would repeat every product's path).
    var candidates: [Int] = []
    if !injectingParentsByKey.isEmpty {
      for (index, ids) in scopes.ids.enumerated()
      where ids.parents.contains(where: { injectingParentsByKey[$0] != nil }) {
        candidates.append(index)
      }
    }
    let effects = readInParallel(candidates.map { items[$0].path }) { [documents] bytes in
      PolicyRewriter.childScopeEffects(bytes, configuration: configuration, documents: documents)
    }
    var childWriters: [String: [RewriteConfiguration.ChildScopeWriter]] = [:]
    // An APIOps product whose folder names its APIs is a parent of those only.
    var members: [String: Set<String>?] = [:]
    for (index, found) in zip(candidates, effects) {
      guard let found,
        found.touchesAfterBase || !found.writersBeforeBase.isEmpty || !found.managedIdentitiesAfterBase.isEmpty
      else { continue }
      // One display path for all its parents' lists (each would make a String of its own).
      let child = items[index].displayPath
      for key in scopes.ids[index].parents {
        for parent in injectingParentsByKey[key] ?? []
        where Self.apiopsProduct(parent, mayHold: child, members: &members) {
          let absolute = absolutePaths[parent] ?? absolutePath(parent)
          absolutePaths[parent] = absolute
          if found.touchesAfterBase { children[absolute, default: []].append(Self.childTouch(child, found.touch)) }
          childWriters[absolute, default: []] +=
            found.writersBeforeBase.map {
              RewriteConfiguration.ChildScopeWriter(
                location: "\(child):\($0.line)", element: $0.element, resource: $0.resource)
            }
            + found.managedIdentitiesAfterBase.map {
              RewriteConfiguration.ChildScopeWriter(
                location: "\(child):\($0.line)", element: $0.element, resource: $0.resource, isAfterBase: true)
            }
        }
      }
    }
    options.configuration.authorizationChildScopes.merge(children) { $0 + $1 }
    options.configuration.authorizationChildWriters.merge(childWriters) { $0 + $1 }
    // The other way round: a child whose injection may stand before its `<base />`, below a
    // parent that reads or removes the header anywhere in its `<inbound>`. A parent the graph
    // has parsed already is not parsed again.
    // Only a parent with a child that may inject can name itself to a child: the children's
    // byte tests come first, and a parent without such a child is not parsed.
    var scopedChildren: [Int] = []
    if !parentsByKey.isEmpty {
      for (index, ids) in scopes.ids.enumerated() where ids.parents.contains(where: { parentsByKey[$0] != nil }) {
        scopedChildren.append(index)
      }
    }
    // A child's display path is made only when the graph has answers to look it up in.
    let childInjects = mayInject(
      scopedChildren.map { items[$0].path }, needles: needles,
      graphSays: known == nil ? { _ in nil } : { graphSaysInjects(FileSystem.display($0)) })
    var keysAboveInjecting = Set<Int32>()
    for (index, injects) in zip(scopedChildren, childInjects) where injects == true {
      keysAboveInjecting.formUnion(scopes.ids[index].parents)
    }
    let mattering = parentsByKey.filter { keysAboveInjecting.contains($0.key) }.values.flatMap { $0 }
    let unparsed = mattering.filter { parentEffects[$0] == nil }
    var matteringEffects = parentEffects
    for (path, found) in zip(
      unparsed,
      readInParallel(unparsed.map { Array($0.utf8) }) { [documents] bytes in
        PolicyRewriter.parentScopeEffects(bytes, configuration: configuration, documents: documents)
      })
    {
      matteringEffects[path] = found ?? []
    }
    let readingParents = Set(mattering.filter { matteringEffects[$0]?.contains(.readsOrRemoves) == true })
    // Their later sections run after the child's whole `<inbound>`: every injection there
    // counts, not only one before the child's `<base />`.
    let laterReadingParents = Set(mattering.filter { matteringEffects[$0]?.contains(.readsInLaterSections) == true })
    /// For each child that may inject, the parents in `selected` above it. Each parent key's
    /// parents are one part, kept once, and children below the same keys share one list: most
    /// children of a large tree have the same parents (every product, then their API).
    func parentLists(_ selected: Set<String>) -> ScopeLists {
      var lists = ScopeLists()
      guard !selected.isEmpty else { return lists }
      var parts: [Int32: Int32] = [:]
      for (key, paths) in parentsByKey {
        let kept = paths.filter(selected.contains)
        if !kept.isEmpty { parts[key] = lists.addPart(kept) }
      }
      for (index, injects) in zip(scopedChildren, childInjects) where injects == true {
        let ids = scopes.ids[index].parents.compactMap { parts[$0] }
        guard !ids.isEmpty else { continue }
        lists.append(absolutePath(items[index].displayPath), parts: ids)
      }
      return lists
    }
    let parents = parentLists(readingParents)
    let laterParents = parentLists(laterReadingParents)
    // The graph has named some of them already (it reads every layout, APIOps included): the
    // rule names those first (`RewriteConfiguration.parentScopes(of:)`).
    options.configuration.authorizationParentScopeLists.merge(parents)
    options.configuration.authorizationParentLaterReaderLists.merge(laterParents)
    let outside = fragmentIncludesOutsideInbound(
      items, fragments: fragments, needles: needles, graphSays: graphSaysInjects, graphIncludes: graph?.includes)
    options.configuration.fragmentIncludesOutsideInbound.merge(outside) { known, found in known.isEmpty ? found : known
    }
    guard
      graph != nil || !uses.isEmpty || !children.isEmpty || !childWriters.isEmpty || !parents.isEmpty
        || !laterParents.isEmpty || !outside.isEmpty
    else {
      return self
    }
    var frontend = Frontend(options: options, readAhead: readAhead, documents: documents)
    frontend.policyGraph = graph
    return frontend
  }

  /// Whether each file (by display path) may inject a key: what the policy graph's pass found
  /// (`graphSays`), else read now; `nil` for a file that cannot be read.
  func mayInject(_ paths: [String], needles: CheckNeedles, graphSays: (String) -> Bool?) -> [Bool?] {
    mayInject(paths.map { Array($0.utf8) }, needles: needles, graphSays: { graphSays(FileSystem.display($0)) })
  }

  /// Whether each file (by its path's bytes) may inject a key, as ``mayInject(_:needles:graphSays:)``
  /// says for display paths.
  private func mayInject(_ paths: [[UInt8]], needles: CheckNeedles, graphSays: ([UInt8]) -> Bool?) -> [Bool?] {
    var answers = paths.map(graphSays)
    let unknown = answers.indices.filter { answers[$0] == nil }
    guard !unknown.isEmpty else { return answers }
    let read = readInParallel(unknown.map { paths[$0] }, needles.mayInject)
    for (index, value) in zip(unknown, read) { answers[index] = value }
    return answers
  }

  /// `body` of each file's bytes, `nil` for a file that cannot be read, on the run's threads;
  /// the bytes are kept for the run (``ReadAhead``), and bytes kept already are not read again.
  func readInParallel<Value: Sendable>(
    _ paths: [[UInt8]], _ body: @escaping @Sendable ([UInt8]) -> Value
  ) -> [Value?] {
    var values: [Value?] = []
    values.reserveCapacity(paths.count)
    OrderedParallel.run(
      count: paths.count, jobs: min(options.jobs, Self.maximumJobs),
      work: { [readAhead] index in
        readAhead.bytes(paths[index]).map(body)
      },
      consume: { _, value in values.append(value) })
    return values
  }

  /// The fragment id a path stands for: the folder of a `policy.xml`, else the file name
  /// without its extension; `nil` when no folder of the path names fragments.
  static func fragmentID(of path: String) -> String? {
    // Most paths name no fragment: a byte search (ASCII case, as `lowercased()` is for these
    // letters) spares them the split.
    guard Array(path.utf8).containsLiteral("fragment", caseInsensitive: true) else { return nil }
    let components = path.split(separator: "/").map(String.init)
    guard components.count >= 2, components.dropLast().contains(where: { $0.lowercased().contains("fragment") }),
      let name = components.last, name.lowercased().hasSuffix(".xml")
    else { return nil }
    if name.lowercased() == "policy.xml" { return components[components.count - 2] }
    return String(name.dropLast(4))
  }
}

/// Where a policy file sits in an APIOps tree: global, product, API or operation scope.
struct APIOpsScope: Hashable {
  enum Level: Int {
    case global, product, api, operation
  }

  /// The folder that holds the tree (`apis/`, `products/` and the global `policy.xml`).
  let root: String
  let level: Level
  /// The API's folder name, for API and operation scopes.
  let api: String?
  /// For a scope of a workspace (`<tree>/workspaces/<w>/…`, whose `root` is the workspace's
  /// folder), the folder of the service's tree: its global policy runs for the workspace's
  /// policy, products, APIs and operations too (global → workspace → product → API →
  /// operation).
  let serviceRoot: String?

  /// The scope of `path`, or `nil` when it is not an APIOps policy file.
  init?(path: String) { self.init(bytes: Array(path.utf8)) }

  /// The scope of the path `bytes` (as ``FileWalker/Item/path`` has it).
  init?(bytes: [UInt8]) {
    // Most paths are ASCII: split as bytes (a String splits by grapheme, which costs far more)
    // and compared as bytes, with a String made only for the scope's root and API; a path with
    // other bytes is split as its display String, where a combining mark after a `/` keeps it.
    var ascii = true
    for byte in bytes where byte >= 0x80 {
      ascii = false
      break
    }
    guard ascii else {
      self.init(parts: FileSystem.display(bytes).split(separator: "/").map { Array($0.utf8)[...] })
      return
    }
    // Split by hand: the library's generic `split` cost more than the rest of the scope.
    var parts: [ArraySlice<UInt8>] = []
    var start = 0
    for (offset, byte) in bytes.enumerated() where byte == .slash {
      if offset > start { parts.append(bytes[start..<offset]) }
      start = offset + 1
    }
    if bytes.count > start { parts.append(bytes[start...]) }
    self.init(parts: parts)
  }

  private init?(parts: [ArraySlice<UInt8>]) {
    guard let name = parts.last else { return nil }
    let n = parts.count
    func root(_ count: Int) -> String {
      String(decoding: Array(parts.prefix(count).joined(separator: [UInt8.slash])), as: UTF8.self)
    }
    func text(_ part: ArraySlice<UInt8>) -> String { String(decoding: part, as: UTF8.self) }
    func equals(_ part: ArraySlice<UInt8>, _ literal: StaticString) -> Bool {
      part.count == literal.utf8CodeUnitCount && part.hasLiteral(literal, at: 0)
    }
    let isPolicy = equals(name, "policy.xml")
    // APIM names are case-insensitive: an API is looked up by its lowercased folder name
    // (lowercased only when it has an uppercase ASCII letter or other bytes: most do not).
    func apiName(_ part: ArraySlice<UInt8>) -> String {
      let plain = part.allSatisfy { $0 < 0x80 && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
      return plain ? text(part) : text(part).lowercased()
    }
    let rootCount: Int
    if n >= 3, equals(parts[n - 3], "apis"), isPolicy || equals(name, "apiPolicy.xml") {
      (rootCount, level, api) = (n - 3, .api, apiName(parts[n - 2]))
    } else if n >= 5, equals(parts[n - 5], "apis"), equals(parts[n - 3], "operations"), isPolicy {
      (rootCount, level, api) = (n - 5, .operation, apiName(parts[n - 4]))
    } else if n >= 3, equals(parts[n - 3], "products"), isPolicy {
      (rootCount, level, api) = (n - 3, .product, nil)
    } else if isPolicy {
      (rootCount, level, api) = (n - 1, .global, nil)
    } else {
      return nil
    }
    self.root = root(rootCount)
    serviceRoot = rootCount >= 2 && equals(parts[rootCount - 2], "workspaces") ? root(rootCount - 2) : nil
  }

  /// How a parent scope is looked up: its root, level and (for an API) its folder name.
  struct ParentKey: Hashable {
    let root: String
    let level: Level
    let api: String?
  }

  /// This scope's key when it is a parent.
  var keyAsParent: ParentKey { ParentKey(root: root, level: level, api: level == .api ? api : nil) }

  /// The keys of the scopes whose policy runs inside this scope's `<base />`: every product of
  /// the tree may be an API's (``Frontend/apiopsProduct(_:mayHold:members:)`` reads membership
  /// later). A workspace's scopes have the service's global policy above them too.
  var parentKeys: [ParentKey] {
    let keys = ownTreeParentKeys
    guard let serviceRoot else { return keys }
    return [ParentKey(root: serviceRoot, level: .global, api: nil)] + keys
  }

  /// The parents' keys within this scope's own tree (a workspace's, or the service's).
  private var ownTreeParentKeys: [ParentKey] {
    switch level {
    case .global: []
    case .product: [ParentKey(root: root, level: .global, api: nil)]
    case .api: [ParentKey(root: root, level: .global, api: nil), ParentKey(root: root, level: .product, api: nil)]
    case .operation:
      [
        ParentKey(root: root, level: .global, api: nil), ParentKey(root: root, level: .product, api: nil),
        ParentKey(root: root, level: .api, api: api),
      ]
    }
  }
}

extension APIOpsScope {
  /// The APIOps scope of each of a run's files, worked out once: its own key (as a parent)
  /// and its parents' keys, each as a small id, so that a key's strings are kept once and
  /// not once a file.
  struct Table {
    /// A file's keys: `own` is `-1` for an operation or a file outside APIOps scopes.
    struct IDs {
      var own: Int32 = -1
      var parents: [Int32] = []
    }

    /// The ids of each file, in the order of the items.
    let ids: [IDs]
    /// Whether some file looks the key of each id up as a parent.
    let isLookedUp: [Bool]

    /// The scopes of `items`.
    init(_ items: [FileWalker.Item]) {
      var keys: [ParentKey: Int32] = [:]
      func id(_ key: ParentKey) -> Int32 {
        if let known = keys[key] { return known }
        let new = Int32(keys.count)
        keys[key] = new
        return new
      }
      var ids: [IDs] = []
      ids.reserveCapacity(items.count)
      // Files with the same parents share one array of them: the operations of an API do.
      var shared: [[Int32]: [Int32]] = [:]
      for item in items {
        guard let scope = APIOpsScope(bytes: item.path) else {
          ids.append(IDs())
          continue
        }
        let found = scope.parentKeys.map(id)
        let parents = shared[found] ?? found
        shared[found] = parents
        ids.append(IDs(own: scope.level == .operation ? -1 : id(scope.keyAsParent), parents: parents))
      }
      var isLookedUp = [Bool](repeating: false, count: keys.count)
      for entry in ids {
        for parent in entry.parents { isLookedUp[Int(parent)] = true }
      }
      self.ids = ids
      self.isLookedUp = isLookedUp
    }
  }
}
