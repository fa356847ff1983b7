import PolicyDOM
import PolicyRewrite

extension Frontend {
  /// A frontend whose configuration says what the other files of the run do with the
  /// `Authorization` header, so that each file can still be rewritten on its own:
  ///
  /// - what each policy fragment among `items` does, so that an `include-fragment` of it
  ///   counts as what it does;
  /// - for each APIOps parent scope (global `policy.xml`, `products/<p>/policy.xml`,
  ///   `apis/<a>/policy.xml`), the child-scope files that read or remove the header after
  ///   their `<base />`, where the parent's MI element would run.
  ///
  /// A first, cheap pass: only fragment files (below a folder whose name holds `fragment`)
  /// and child-scope files are read. Fragments that are not among the files are assumed not
  /// to touch the header.
  func withAuthorizationContext(_ items: [FileWalker.Item]) -> Frontend {
    var options = self.options
    var uses: [String: AuthorizationUse] = [:]
    for item in items {
      guard let id = Self.fragmentID(of: item.displayPath),
        let (bytes, _) = try? FileSystem.read(item.path),
        let use = PolicyRewriter.authorizationUse(ofFragment: bytes, configuration: options.configuration),
        !use.isEmpty
      else { continue }
      uses[id, default: []].formUnion(use)
    }
    options.configuration.authorizationFragments.merge(uses) { $0.union($1) }
    var children: [String: [String]] = [:]
    // Parent scopes by the key a child looks them up with: linear in the number of files. An
    // operation is no scope's parent, so operations (most of a large tree) are not kept here;
    // scopes are worked out again in the second loop rather than kept for every file.
    // Only a parent with a key injection uses its child scopes: a parent in which no rule
    // can report anything has none, and its children need not be read.
    // Each parent is read once, not once a child (a tree has as many products as it has, and
    // every product is a parent of every API).
    let needles = CheckNeedles(configuration: options.configuration)
    var injectingParentsByKey: [APIOpsScope.ParentKey: [String]] = [:]
    for item in items {
      let path = item.displayPath
      guard let scope = APIOpsScope(path: path), scope.level != .operation,
        (try? FileSystem.read(path)).map({ needles.mayReport($0.bytes) }) ?? true
      else { continue }
      injectingParentsByKey[scope.keyAsParent, default: []].append(path)
    }
    // The rewriter sees absolute paths (byPath globs are relative to the map's folder): each
    // parent's is made once, not once for each of its children.
    var absolutePaths: [String: String] = [:]
    for item in items where !injectingParentsByKey.isEmpty {
      let path = item.displayPath
      guard let scope = APIOpsScope(path: path) else { continue }
      let parents = scope.parentKeys.flatMap { injectingParentsByKey[$0] ?? [] }
      guard !parents.isEmpty, let (bytes, _) = try? FileSystem.read(item.path),
        PolicyRewriter.readsAuthorizationAfterBase(bytes, configuration: options.configuration)
      else { continue }
      for parent in parents {
        let absolute = absolutePaths[parent] ?? absolutePath(parent)
        absolutePaths[parent] = absolute
        children[absolute, default: []].append(path)
      }
    }
    options.configuration.authorizationChildScopes.merge(children) { $0 + $1 }
    guard !uses.isEmpty || !children.isEmpty else { return self }
    return Frontend(options: options)
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

  /// The scope of `path`, or `nil` when it is not an APIOps policy file.
  init?(path: String) {
    // Most paths are ASCII: split as bytes (a String splits by grapheme, which costs far more);
    // a path with other bytes is split as a String, where a combining mark after a `/` keeps it.
    let parts: [String]
    if path.utf8.allSatisfy({ $0 < 0x80 }) {
      parts = path.utf8.split(separator: UInt8(ascii: "/")).map { String(decoding: $0, as: UTF8.self) }
    } else {
      parts = path.split(separator: "/").map(String.init)
    }
    guard let name = parts.last else { return nil }
    let n = parts.count
    func root(_ count: Int) -> String { parts.prefix(count).joined(separator: "/") }
    if n >= 3, parts[n - 3] == "apis", name == "policy.xml" || name == "apiPolicy.xml" {
      (self.root, level, api) = (root(n - 3), .api, parts[n - 2])
    } else if n >= 5, parts[n - 5] == "apis", parts[n - 3] == "operations", name == "policy.xml" {
      (self.root, level, api) = (root(n - 5), .operation, parts[n - 4])
    } else if n >= 3, parts[n - 3] == "products", name == "policy.xml" {
      (self.root, level, api) = (root(n - 3), .product, nil)
    } else if name == "policy.xml" {
      (self.root, level, api) = (root(n - 1), .global, nil)
    } else {
      return nil
    }
  }

  /// How a parent scope is looked up: its root, level and (for an API) its folder name.
  struct ParentKey: Hashable {
    let root: String
    let level: Level
    let api: String?
  }

  /// This scope's key when it is a parent.
  var keyAsParent: ParentKey { ParentKey(root: root, level: level, api: level == .api ? api : nil) }

  /// The keys of the scopes whose policy runs inside this scope's `<base />`. Product
  /// membership is not read: every product of the tree counts as a parent of every API.
  var parentKeys: [ParentKey] {
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
