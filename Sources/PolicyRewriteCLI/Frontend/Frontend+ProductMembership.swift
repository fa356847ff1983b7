import FoundationEssentials
import PolicyRewrite

extension Frontend {
  /// What an APIOps product's folder says about the APIs the product holds
  /// (`rewrite-spec.md` §2c): `products/<p>/apis.json` (a list of API names, or of objects
  /// with a `name`) and the link files that newer Azure/apiops writes instead,
  /// `products/<p>/apis/<api>/productApiInformation.json`.
  enum APIOpsMembership: Equatable {
    /// Neither file: the product may hold any API of its tree.
    case unknown
    /// An `apis.json` (its path) that is not a list of names or of named objects: what it
    /// lists is not known, so the product may hold any API of its tree.
    case unreadable(String)
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
    guard let bytes = try? FileSystem.read(list).bytes, let names = apiNames(inAPIsJSON: bytes) else {
      return .unreadable(list)
    }
    return .members(members.union(names.map(membershipName)))
  }

  /// The API names of an `apis.json`: a list of names, or of objects with a `name` (as the
  /// policy graph reads it); `nil` for anything else.
  static func apiNames(inAPIsJSON bytes: [UInt8]) -> [String]? {
    struct Named: Decodable { var name: String }
    let data = Data(bytes)
    if let names = try? JSONDecoder().decode([String].self, from: data) { return names }
    return (try? JSONDecoder().decode([Named].self, from: data))?.map(\.name)
  }

  /// The folder part of `path` (`""` for a bare name).
  static func folder(of path: String) -> String { PolicyGraph.folder(of: path) }

  /// An API name as membership compares it: APIM names are case-insensitive, and a revision
  /// (`orders;rev=2`) belongs to the products of its API.
  static func membershipName(_ api: String) -> String {
    String(api.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").lowercased()
  }

  /// For each product, API or operation policy of an APIOps tree that may hold a key
  /// (`injecting`), the unreadable `apis.json` files of the products of its tree: their
  /// membership is not known, so those products count as its parents (a warning says so).
  func unreadableMemberships(_ graph: PolicyGraph, injecting: Set<String>) -> [String: [String]] {
    var unreadable: [String: [String]] = [:]
    for policy in graph.policies where policy.scope == .product && policy.declaredAt == nil && policy.inlineText == nil
    {
      guard let root = Self.apiopsRoot(of: policy),
        case .unreadable(let list) = Self.apiopsMembership(productFolder: Self.folder(of: policy.path))
      else { continue }
      unreadable[root, default: []].append(list)
    }
    guard !unreadable.isEmpty else { return [:] }
    var result: [String: [String]] = [:]
    for policy in graph.policies
    where [.api, .operation].contains(policy.scope) && policy.declaredAt == nil && policy.inlineText == nil
      && injecting.contains(policy.path)
    {
      if let root = Self.apiopsRoot(of: policy), let lists = unreadable[root] { result[policy.path] = lists.sorted() }
    }
    return result
  }
}
