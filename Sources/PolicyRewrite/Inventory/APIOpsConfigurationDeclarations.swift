import PolicyDOM

/// The named values and backends an APIOps `configuration.<env>.yaml` declares: the items of
/// its top-level `namedValues:` and `backends:` lists (`- name: …`, with `displayName:` and
/// `url:` under `properties:`).
enum APIOpsConfigurationDeclarations {
  /// The declarations, in file order.
  static func declarations(in source: [UInt8]) -> [Declaration] {
    let text = String(decoding: source, as: UTF8.self)
    var result: [Declaration] = []
    var section = ""
    var itemIndent = -1
    for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
      let content = line.drop { $0 == " " }
      if content.isEmpty || content.hasPrefix("#") { continue }
      let indent = line.count - content.count
      if indent == 0 {
        section = content.hasSuffix(":") ? String(content.dropLast()) : ""
        itemIndent = -1
        continue
      }
      guard section == "namedValues" || section == "backends" else { continue }
      if content.hasPrefix("- ") {
        guard itemIndent < 0 || indent == itemIndent else { continue }
        itemIndent = indent
        if let name = value(of: "name", in: content.dropFirst(2)) {
          result.append(
            Declaration(kind: section == "backends" ? .backend : .namedValue, name: name, line: index + 1))
        }
      } else if indent > itemIndent, itemIndent >= 0, let last = result.indices.last {
        if result[last].kind == .namedValue, let display = value(of: "displayName", in: content) {
          result[last].name = display
        } else if result[last].kind == .namedValue,
          value(of: "secret", in: content) == "true"
            || value(of: "keyVault", in: content) != nil || content.hasPrefix("keyVault:")
        {
          result[last].isSecret = true
        } else if result[last].kind == .backend, let url = value(of: "url", in: content) {
          result[last].url = url
        }
      }
    }
    return result
  }

  /// The scalar of `key: value` (quotes removed), or `nil` when the line is another key.
  private static func value(of key: String, in content: Substring) -> String? {
    guard content.hasPrefix(key + ":") else { return nil }
    var rest = content.dropFirst(key.count + 1).drop { $0 == " " }
    var previous: Character = " "
    if let hash = rest.indices.first(where: { index in
      defer { previous = rest[index] }
      return rest[index] == "#" && previous == " "
    }) {
      rest = rest[..<hash]
    }
    while rest.last == " " { rest = rest.dropLast() }
    if rest.count >= 2, let first = rest.first, first == "\"" || first == "'", rest.last == first {
      rest = rest.dropFirst().dropLast()
    }
    return rest.isEmpty ? nil : String(rest)
  }
}
