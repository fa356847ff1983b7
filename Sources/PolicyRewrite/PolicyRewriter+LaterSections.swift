import PolicyDOM

extension PolicyRewriter {
  /// Whether an MI element written in the `<inbound>` of the policy `source` would hand APIM's
  /// token to a reader: its `<inbound>` reads or removes `Authorization`, or its `<backend>`,
  /// `<outbound>` or `<on-error>` reads the request's header (an expression, or a
  /// `send-request` in copy mode).
  package static func readsAuthorizationAroundInbound(
    _ source: [UInt8], configuration: RewriteConfiguration = RewriteConfiguration()
  ) -> Bool {
    guard AuthorizationScan.mayFindReaderOrRemover(in: source, configuration: configuration),
      let document = try? PolicyDocument.parse(source),
      document.root.hasName("policies")
    else { return false }
    let scansText = source.containsLiteral("authorization", caseInsensitive: true)
    for section in document.root.children {
      let touches = AuthorizationScan(scope: section, configuration: configuration, scansText: scansText).touches
      if section.hasName("inbound") {
        if touches.contains(where: \.readsOrRemoves) { return true }
      } else if section.hasName("backend") || section.hasName("outbound") || section.hasName("on-error") {
        if touches.contains(where: { $0.kind == .reader }) { return true }
      }
    }
    return false
  }
}
