/// Lists of scope paths by the path of the policy they are for, kept so that policies with the
/// same list share one copy of it.
///
/// A list is joined from parts (each part an array of paths, kept once), and each distinct
/// sequence of parts is kept once: a policy holds only a small id. Without `apis.json` every
/// product is a parent of every API, so the operations of each API list every product and
/// then their API; stored as paths, that is as many strings as APIs times products, stored as
/// parts, one list of products and one part per API.
package struct ScopeLists: Sendable, Hashable {
  /// The parts, by id.
  private var parts: [[String]] = []
  /// Each distinct list, as the ids of its parts in order.
  private var lists: [[Int32]] = []
  /// The id of each list in ``lists``.
  private var listIDs: [[Int32]: Int32] = [:]
  /// Each policy's list.
  private var listByPath: [String: Int32] = [:]

  package init() {}

  /// Whether no policy has a list.
  package var isEmpty: Bool { listByPath.isEmpty }
  /// How many policies have a list.
  package var count: Int { listByPath.count }
  /// The policies that have a list.
  package var paths: Dictionary<String, Int32>.Keys { listByPath.keys }
  /// How many distinct lists are kept.
  package var distinctLists: Int { lists.count }
  /// How many paths the parts hold together (each part counted once).
  package var storedPaths: Int { parts.reduce(0) { $0 + $1.count } }

  /// Keeps `paths` as a part of the lists to come.
  /// - Returns: The part's id, for ``append(_:parts:)``.
  package mutating func addPart(_ paths: [String]) -> Int32 {
    parts.append(paths)
    return Int32(parts.count - 1)
  }

  /// Adds the parts `ids` (from ``addPart(_:)``), in order, to the end of the list of `path`.
  package mutating func append(_ path: String, parts ids: [Int32]) {
    guard !ids.isEmpty else { return }
    let joined = listByPath[path].map { lists[Int($0)] + ids } ?? ids
    if let id = listIDs[joined] {
      listByPath[path] = id
      return
    }
    let id = Int32(lists.count)
    lists.append(joined)
    listIDs[joined] = id
    listByPath[path] = id
  }

  /// Adds `other`'s lists to the end of these (its parts are kept as parts of these).
  package mutating func merge(_ other: ScopeLists) {
    guard !other.isEmpty else { return }
    guard !isEmpty else {
      self = other
      return
    }
    let offset = Int32(parts.count)
    parts += other.parts
    for (path, id) in other.listByPath {
      append(path, parts: other.lists[Int(id)].map { $0 + offset })
    }
  }

  /// The list of `path`, its parts joined in order; `nil` when it has none.
  package subscript(path: String) -> [String]? {
    guard let id = listByPath[path] else { return nil }
    let ids = lists[Int(id)]
    if ids.count == 1 { return parts[Int(ids[0])] }
    return ids.flatMap { parts[Int($0)] }
  }

  /// Equal when each policy has the same paths in the same order, however they are stored.
  package static func == (lhs: ScopeLists, rhs: ScopeLists) -> Bool {
    guard lhs.listByPath.count == rhs.listByPath.count else { return false }
    return lhs.listByPath.keys.allSatisfy { lhs[$0] == rhs[$0] }
  }

  package func hash(into hasher: inout Hasher) {
    hasher.combine(listByPath.count)
  }
}
