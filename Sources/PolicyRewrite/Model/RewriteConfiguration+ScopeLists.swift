extension RewriteConfiguration {
  /// The parent scopes whose `<inbound>` reads or removes `Authorization`, for the child scope's
  /// policy at `path`: those of ``authorizationParentScopes``, then those of
  /// ``authorizationParentScopeLists`` not already named.
  package func parentScopes(of path: String) -> [String] {
    Self.joined(authorizationParentScopes[path], authorizationParentScopeLists[path])
  }

  /// The parent scopes whose later sections read `Authorization`, for the child scope's policy
  /// at `path`: those of ``authorizationParentLaterReaders``, then those of
  /// ``authorizationParentLaterReaderLists`` not already named.
  package func parentLaterReaders(of path: String) -> [String] {
    Self.joined(authorizationParentLaterReaders[path], authorizationParentLaterReaderLists[path])
  }

  /// `known`, then the paths of `shared` that `known` does not hold.
  private static func joined(_ known: [String]?, _ shared: [String]?) -> [String] {
    guard let shared else { return known ?? [] }
    guard let known, !known.isEmpty else { return shared }
    return known + shared.filter { !known.contains($0) }
  }
}
