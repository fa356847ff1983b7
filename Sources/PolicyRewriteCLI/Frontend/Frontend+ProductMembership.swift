import PolicyRewrite

extension Frontend {
  /// What an APIOps product's folder says about the APIs the product holds
  /// (`rewrite-spec.md` §2c): `products/<p>/apis.json` (a list of API names, or of objects
  /// with a `name`) and the link files that newer Azure/apiops writes instead,
  /// `products/<p>/apis/<api>/productApiInformation.json`.
  enum APIOpsMembership: Equatable {
    /// Neither file: the product may hold any API of its tree.
    case unknown
    /// An `apis.json` (its path) that is well-formed JSON but not a list of names or of named
    /// objects: what it lists is not known, so the product may hold any API of its tree.
    case unreadable(String)
    /// An `apis.json` (its path) that does not parse as JSON, with the line and column of its
    /// first error: bad input. The run reports it as a `parse-error`; the product may hold
    /// any API of its tree, and the keys it could hold are not migrated.
    case malformed(String, line: Int, column: Int)
    /// The APIs the files name, as ``membershipName(_:)`` gives them.
    case members(Set<String>)
  }

  /// The membership the folder `productFolder` (that of `products/<p>/policy.xml`) declares.
  static func apiopsMembership(productFolder: String) -> APIOpsMembership {
    let join = { (name: String) in productFolder.isEmpty ? name : productFolder + "/" + name }
    var members = Set<String>()
    // One folder per linked API, named after it.
    let links = join("apis")
    for entry in (try? FileSystem.entries(of: links)) ?? [] where entry.kind == .directory {
      let link = links + "/" + entry.name + "/productApiInformation.json"
      if FileSystem.kind(of: link) == .file { members.insert(membershipName(entry.name)) }
    }
    let list = join("apis.json")
    guard FileSystem.kind(of: list) == .file else { return members.isEmpty ? .unknown : .members(members) }
    guard let bytes = try? FileSystem.read(list).bytes else { return .unreadable(list) }
    switch ProductAPIsJSON(bytes) {
    case .names(let names): return .members(members.union(names.map(membershipName)))
    case .otherShape: return .unreadable(list)
    case .malformed(let line, let column): return .malformed(list, line: line, column: column)
    }
  }

  /// Whether the policy at `parent` may run above the one at `child`, as far as an APIOps
  /// product's membership says: a product whose folder names its APIs (`apis.json`, link
  /// files) runs above those only; any other parent, or a child that is not an API's or
  /// operation's, may. `members` keeps each product's membership, read once.
  static func apiopsProduct(_ parent: String, mayHold child: String, members: inout [String: Set<String>?]) -> Bool {
    // Both placed as the tree's table places them (``APIOpsScope``).
    guard APIOpsScope(path: parent)?.level == .product else { return true }
    if members[parent] == nil {
      switch apiopsMembership(productFolder: folder(of: parent)) {
      case .members(let names): members[parent] = .some(names)
      default: members[parent] = .some(nil)
      }
    }
    guard let names = members[parent] ?? nil, let api = APIOpsScope(path: child)?.api else { return true }
    return names.contains(membershipName(api))
  }

  /// The folder part of `path` (`""` for a bare name).
  static func folder(of path: String) -> String { PolicyGraph.folder(of: path) }

  /// An API name as membership compares it: APIM names are case-insensitive, and a revision
  /// (`orders;rev=2`) belongs to the products of its API.
  static func membershipName(_ api: String) -> String {
    String(api.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").lowercased()
  }

  /// The `apis.json` files whose membership is not known, for one policy: well-formed of
  /// another shape (`lists`), or not JSON (`malformed`, each as `path:line:column`).
  struct UnknownMemberships: Equatable {
    var lists: [String] = []
    var malformed: [String] = []
  }

  /// For each product, API or operation policy of an APIOps tree that may hold a key
  /// (`injecting`), the `apis.json` files of the products of its tree whose membership is not
  /// known: those products count as its parents (a warning says so; an error that leaves the
  /// file unchanged when the file does not parse). A product's own policy counts only its own
  /// folder's file, and only when it does not parse (its children are then all of its tree).
  func unreadableMemberships(_ graph: PolicyGraph, injecting: Set<String>) -> [String: UnknownMemberships] {
    var unknown: [String: UnknownMemberships] = [:]
    var result: [String: UnknownMemberships] = [:]
    for policy in graph.policies where policy.scope == .product && policy.declaredAt == nil && policy.inlineText == nil
    {
      guard let root = Self.apiopsRoot(of: policy) else { continue }
      switch Self.apiopsMembership(productFolder: Self.folder(of: policy.path)) {
      case .unreadable(let list):
        unknown[root, default: UnknownMemberships()].lists.append(list)
      case .malformed(let list, let line, let column):
        let place = "\(list):\(line):\(column)"
        unknown[root, default: UnknownMemberships()].malformed.append(place)
        if injecting.contains(policy.path) {
          result[policy.path, default: UnknownMemberships()].malformed.append(place)
        }
      case .members, .unknown:
        continue
      }
    }
    guard !unknown.isEmpty else { return [:] }
    for policy in graph.policies
    where [.api, .operation].contains(policy.scope) && policy.declaredAt == nil && policy.inlineText == nil
      && injecting.contains(policy.path)
    {
      if let root = Self.apiopsRoot(of: policy), let lists = unknown[root] { result[policy.path] = lists }
    }
    return result.mapValues { UnknownMemberships(lists: $0.lists.sorted(), malformed: $0.malformed.sorted()) }
  }
}
