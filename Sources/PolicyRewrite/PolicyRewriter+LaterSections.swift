import PolicyDOM

extension PolicyRewriter {
  /// Whether an MI element written in the `<inbound>` of the policy `source` would hand APIM's
  /// token to a reader: its `<inbound>` reads or removes `Authorization`, or its `<backend>`,
  /// `<outbound>` or `<on-error>` reads the request's header (an expression, or a
  /// `send-request` in copy mode).
  package static func readsAuthorizationAroundInbound(
    _ source: [UInt8], configuration: RewriteConfiguration = RewriteConfiguration()
  ) -> Bool {
    readsAuthorizationAroundInbound(source, configuration: configuration, documents: nil)
  }

  /// ``readsAuthorizationAroundInbound(_:configuration:)``, parsed through `documents` when
  /// given, as the run's own pass and ``inboundBaseLine(_:documents:)`` parse it.
  package static func readsAuthorizationAroundInbound(
    _ source: [UInt8], configuration: RewriteConfiguration, documents: ParsedDocuments?
  ) -> Bool {
    guard AuthorizationScan.mayFindReaderOrRemover(in: source, configuration: configuration),
      let document = try? documents.parse(source),
      document.root.hasName("policies")
    else { return false }
    let scansText = source.containsLiteral("authorization", caseInsensitive: true)
    if let inbound = document.root.children.first(where: { $0.hasName("inbound") }),
      AuthorizationScan(scope: inbound, configuration: configuration, scansText: scansText).touches.contains(
        where: \.readsOrRemoves)
    {
      return true
    }
    return laterSectionsRead(document, configuration: configuration, scansText: scansText)
  }

  /// The line of the `<base />` of the `<inbound>` of the policy `source`, where its parent
  /// scopes run; `nil` when it has none (no parent runs) or does not parse. Parsed through
  /// `documents`, when given.
  package static func inboundBaseLine(_ source: [UInt8], documents: ParsedDocuments? = nil) -> Int? {
    guard source.containsLiteral("<base"), let document = try? documents.parse(source),
      document.root.hasName("policies"),
      let base = document.root.children.first(where: { $0.hasName("inbound") })?.firstChildElement(named: "base")
    else { return nil }
    return base.location.line
  }

  /// Whether the `<backend>`, `<outbound>` or `<on-error>` of `document` reads the request's
  /// `Authorization` header (an expression, or a `send-request` in copy mode). They run after
  /// every `<inbound>` of the pipeline, whatever the scope: such a reader sees the token an MI
  /// element in any scope's `<inbound>` wrote.
  /// The first reader of the request's `Authorization` in `<backend>`, `<outbound>` or
  /// `<on-error>` (as ``laterSectionsRead(_:configuration:scansText:)`` finds them).
  static func laterSectionReader(
    _ document: PolicyDocument, configuration: RewriteConfiguration, scansText: Bool
  ) -> PolicyElement? {
    for section in document.root.children
    where section.hasName("backend") || section.hasName("outbound") || section.hasName("on-error") {
      let scan = AuthorizationScan(scope: section, configuration: configuration, scansText: scansText)
      if let reader = scan.touches.first(where: { $0.kind == .reader }) { return reader.element }
    }
    return nil
  }

  static func laterSectionsRead(
    _ document: PolicyDocument, configuration: RewriteConfiguration, scansText: Bool
  ) -> Bool {
    document.root.children.contains { section in
      (section.hasName("backend") || section.hasName("outbound") || section.hasName("on-error"))
        && AuthorizationScan(scope: section, configuration: configuration, scansText: scansText).touches.contains {
          $0.kind == .reader
        }
    }
  }
}
