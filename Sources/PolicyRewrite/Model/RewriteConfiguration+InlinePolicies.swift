import PolicyDOM

extension RewriteConfiguration {
  /// The key under which the cross-scope maps (``authorizationChildScopes``,
  /// ``authorizationParentScopes``, ``authorizationParentLaterReaders``, ``authorizationParentWriters``,
  /// ``authorizationParentBackends``, ``authorizationChildWriters``) hold the entries of one policy written inline in a
  /// Terraform, Bicep or ARM file: the file's path and the policy's text, without the blanks
  /// around it. A file holds several inline policies; each gets its own entries.
  package static func inlinePolicyKey(path: String, text: [UInt8]) -> String {
    var start = 0
    var end = text.count
    while start < end, text[start].isXMLSpace { start += 1 }
    while end > start, text[end - 1].isXMLSpace { end -= 1 }
    return path + "\u{0}" + String(decoding: text[start..<end], as: UTF8.self)
  }

  /// This configuration for the inline policy `text` of the file at `path`: the entries kept
  /// under its ``inlinePolicyKey(path:text:)`` stand under `path`, where the rules look. `nil`
  /// when no entry names it.
  package func forInlinePolicy(_ text: [UInt8], path: String) -> RewriteConfiguration? {
    guard inlinePolicyFiles.contains(path) else { return nil }
    let key = Self.inlinePolicyKey(path: path, text: text)
    var scoped = self
    var found = false
    func move<Entry>(_ map: WritableKeyPath<RewriteConfiguration, [String: [Entry]]>) {
      guard let entries = self[keyPath: map][key] else { return }
      scoped[keyPath: map][path, default: []] += entries
      found = true
    }
    // The shared lists of `path` come before the inline policy's own entries, as if stored
    // with `path`'s own: they are joined there first.
    if authorizationParentScopeLists[path] != nil {
      scoped.authorizationParentScopes[path] = parentScopes(of: path)
    }
    if authorizationParentLaterReaderLists[path] != nil {
      scoped.authorizationParentLaterReaders[path] = parentLaterReaders(of: path)
    }
    move(\.authorizationChildScopes)
    move(\.authorizationParentScopes)
    move(\.authorizationParentLaterReaders)
    move(\.authorizationParentWriters)
    move(\.authorizationParentTokens)
    move(\.authorizationParentKeyHeaders)
    move(\.authorizationParentBackends)
    move(\.authorizationParentDefaultBackends)
    move(\.authorizationChildWriters)
    move(\.authorizationUnreadableChildScopes)
    move(\.authorizationUnreadableParentScopes)
    return found ? scoped : nil
  }
}
