import PolicyRewrite

extension Frontend {
  /// A frontend whose configuration lists what the policy fragments among `items` do with
  /// the `Authorization` header, so that an `include-fragment` of one counts as what it does.
  ///
  /// A first, cheap pass: only files below a folder whose name holds `fragment` (APIOps
  /// `policy fragments/<id>/policy.xml`, or `fragments/<id>.xml`) are read, and only those
  /// whose root is `<fragment>` count. Fragments that are not among the files are assumed not
  /// to touch the header.
  func withScannedFragments(_ items: [FileWalker.Item]) -> Frontend {
    var uses: [String: AuthorizationUse] = [:]
    for item in items {
      guard let id = Self.fragmentID(of: item.path),
        let (bytes, _) = try? FileSystem.read(item.path),
        let use = PolicyRewriter.authorizationUse(ofFragment: bytes, configuration: options.configuration),
        !use.isEmpty
      else { continue }
      uses[id, default: []].formUnion(use)
    }
    guard !uses.isEmpty else { return self }
    var options = self.options
    options.configuration.authorizationFragments.merge(uses) { $0.union($1) }
    return Frontend(options: options)
  }

  /// The fragment id a path stands for: the folder of a `policy.xml`, else the file name
  /// without its extension; `nil` when no folder of the path names fragments.
  static func fragmentID(of path: String) -> String? {
    let components = path.split(separator: "/").map(String.init)
    guard components.count >= 2, components.dropLast().contains(where: { $0.lowercased().contains("fragment") }),
      let name = components.last, name.lowercased().hasSuffix(".xml")
    else { return nil }
    if name.lowercased() == "policy.xml" { return components[components.count - 2] }
    return String(name.dropLast(4))
  }
}
