extension PolicyGraph {
  /// The folder part of `path` (`""` for a bare name). Found in the UTF-8 view: every path
  /// of a run comes here, and a search by `Character` costs far more.
  package static func folder(of path: String) -> String {
    guard let slash = path.utf8.lastIndex(of: .slash) else { return "" }
    return String(path[..<slash])
  }

  /// `relative` joined to `folder`, with `.` and `..` components resolved.
  static func join(_ folder: String, _ relative: String) -> String {
    let absolute = relative.hasPrefix("/")
    var parts: [Substring] = absolute ? [] : folder.split(separator: "/")
    let leadingSlash = absolute || folder.hasPrefix("/")
    for part in relative.split(separator: "/") {
      if part == "." || part.isEmpty { continue }
      if part == "..", let last = parts.last, last != ".." {
        parts.removeLast()
      } else {
        parts.append(part)
      }
    }
    return (leadingSlash ? "/" : "") + parts.joined(separator: "/")
  }
}
