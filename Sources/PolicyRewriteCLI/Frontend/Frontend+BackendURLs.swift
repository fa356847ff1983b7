import PolicyRewrite

extension Frontend {
  /// The frontend with the URLs of the APIOps backends of the run (`backendInformation.json`)
  /// in its configuration (``RewriteConfiguration/backendURLs``), so that a branch's
  /// `set-backend-service backend-id` is judged by the host it resolves to. For `migrate` and
  /// `plan` only; an id that two files declare with different URLs is left out (judged by its
  /// name). The files read stay in the read-ahead store for the run.
  func withBackendURLs(_ items: [FileWalker.Item]) -> Frontend {
    guard options.command != .check else { return self }
    var urls: [String: String] = [:]
    var ambiguous = Set<String>()
    for item in items {
      let kind = SourceKind(path: item.displayPath)
      guard kind.role == .backendInformation, let bytes = readAhead.bytes(item.path) else { continue }
      for declaration in DeclarationScanner.declarations(in: bytes, path: item.displayPath, kind: kind)
      where declaration.kind == .backend {
        guard let url = declaration.url, !url.isEmpty else { continue }
        if let known = urls[declaration.name], known != url { ambiguous.insert(declaration.name) }
        urls[declaration.name] = url
      }
    }
    for name in ambiguous { urls[name] = nil }
    guard !urls.isEmpty else { return self }
    var options = self.options
    options.configuration.backendURLs = urls
    return Frontend(options: options, readAhead: readAhead, documents: documents)
  }
}
