import PolicyDOM
import PolicyRewrite

extension Frontend {
  /// For each fragment file that may inject a key (by its absolute path), the files that
  /// include it from `<backend>`, `<outbound>` or `<on-error>`, each with that section. The
  /// includes are the policy graph's, when it was built (`graphIncludes`), else found by a
  /// byte search of the other files for the fragment's id.
  func fragmentIncludesOutsideInbound(
    _ items: [FileWalker.Item], fragments: [([UInt8], String)], needles: CheckNeedles,
    graphSays: (String) -> Bool?, graphIncludes: [PolicyGraph.Include]?
  ) -> [String: [String]] {
    guard !fragments.isEmpty else { return [:] }
    let paths = fragments.map { FileSystem.display($0.0) }
    let injecting = zip(fragments, mayInject(paths, needles: needles, graphSays: graphSays)).compactMap {
      fragment, injects in injects == true ? fragment : nil
    }
    guard !injecting.isEmpty else { return [:] }
    let ids = Set(injecting.map(\.1))
    let fragmentPaths = Set(fragments.map(\.0))
    /// Whether `path` is a fragment's: only a path that names fragments is hashed (hashing
    /// every path of a large tree, byte by byte, cost more than the search).
    func isFragment(_ path: [UInt8]) -> Bool {
      path.containsLiteral("fragment", caseInsensitive: true) && fragmentPaths.contains(path)
    }
    // Display paths of the fragments only (a dictionary of every file's would be most of the
    // pass's memory on a large tree).
    var display: [[UInt8]: String] = [:]
    for item in items where isFragment(item.path) && display[item.path] == nil {
      display[item.path] = item.displayPath
    }
    var byID: [String: [String]] = [:]
    if let graphIncludes {
      // The graph has read every policy's includes, with their sections: no second read.
      let fragmentFiles = Set(fragmentPaths.map { display[$0] ?? FileSystem.display($0) })
      for include in graphIncludes
      where ids.contains(include.fragment) && ["backend", "outbound", "on-error"].contains(include.section)
        && !fragmentFiles.contains(include.path)
      {
        byID[include.fragment, default: []].append("\(include.path) (<\(include.section)>)")
      }
    } else {
      let others = items.indices.filter { !isFragment(items[$0].path) }
      let found = readInParallel(others.map { items[$0].path }) { bytes in Self.includesOutsideInbound(bytes, ids: ids)
      }
      for (index, includes) in zip(others, found) {
        for (id, section) in includes ?? [] {
          byID[id, default: []].append("\(items[index].displayPath) (<\(section)>)")
        }
      }
    }
    var result: [String: [String]] = [:]
    for (path, id) in injecting {
      guard let includers = byID[id] else { continue }
      result[absolutePath(display[path] ?? FileSystem.display(path)), default: []] += includers
    }
    return result
  }

  /// The `include-fragment` elements of `bytes` that name one of `ids` and stand in
  /// `<backend>`, `<outbound>` or `<on-error>` (the last section opened before them).
  static func includesOutsideInbound(_ bytes: [UInt8], ids: Set<String>) -> [(String, String)] {
    guard bytes.containsLiteral("include-fragment") else { return [] }
    var found: [(String, String)] = []
    var section = "inbound"
    var offset = 0
    // One pass over the start tags: the section is the last one opened.
    while let start = bytes[offset...].firstIndex(of: .lessThan) {
      offset = start + 1
      var end = offset
      while end < bytes.count,
        bytes[end] == .hyphen
          || bytes[end].asciiLowercased >= UInt8(ascii: "a")
            && bytes[end].asciiLowercased <= UInt8(ascii: "z")
      {
        end += 1
      }
      // The name is compared as bytes: a String made for every tag cost more than the scan.
      let name = bytes[offset..<end]
      func named(_ literal: StaticString) -> Bool {
        name.count == literal.utf8CodeUnitCount && bytes.hasLiteral(literal, at: offset)
      }
      let opened: String? =
        if named("inbound") {
          "inbound"
        } else if named("backend") {
          "backend"
        } else if named("outbound") {
          "outbound"
        } else if named("on-error") {
          "on-error"
        } else {
          nil
        }
      if let opened {
        section = opened
        continue
      }
      guard named("include-fragment"), section != "inbound",
        let close = bytes[end...].firstIndex(of: .greaterThan)
      else { continue }
      let tag = String(decoding: bytes[end..<close], as: UTF8.self)
      for id in ids where tag.contains("\"\(id)\"") || tag.contains("'\(id)'") { found.append((id, section)) }
    }
    return found
  }
}
