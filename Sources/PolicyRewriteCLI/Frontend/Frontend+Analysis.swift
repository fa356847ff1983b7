import PolicyDOM
import PolicyRewrite

extension Frontend {
  /// What the command makes of one policy file: `check` analyses it as it is; `migrate` and
  /// `plan` rewrite it (`migrate` leaving the injections a suppression or the baseline accepts).
  /// byPath globs are relative to the map's folder, and child scopes are known by absolute
  /// path: the rewriter sees the absolute path (made for `check` only when child scopes
  /// matter: it chooses no resource).
  /// - Returns: The result, and the `key-injection` findings `migrate` left as accepted.
  func analysis(of bytes: [UInt8], kind: SourceKind, report: FileReport, item: FileWalker.Item?) -> (
    result: RewriteResult, accepted: [Finding]
  ) {
    switch options.command {
    case .check:
      let scopesMatter =
        item != nil
        && !(options.configuration.authorizationChildScopes.isEmpty
          && options.configuration.authorizationParentScopes.isEmpty
          && options.configuration.authorizationParentLaterReaders.isEmpty
          && options.configuration.authorizationParentScopeLists.isEmpty
          && options.configuration.authorizationParentLaterReaderLists.isEmpty
          && options.configuration.authorizationChildWriters.isEmpty
          && options.configuration.fragmentIncludesOutsideInbound.isEmpty)
      return (rewriter.check(bytes, path: scopesMatter ? absolutePath(report.path) : report.path, kind: kind), [])
    case .migrate, .plan:
      let resourcePath =
        item == nil && options.standardInputPath == nil ? report.path : absolutePath(report.path)
      let accepted =
        options.command == .migrate ? acceptedInjections(bytes, kind: kind, report: report, as: resourcePath) : []
      let result = rewriter.rewrite(
        bytes, path: resourcePath, kind: kind, accepted: Set(accepted.map { [$0.line, $0.column] }))
      return (result, accepted)
    }
  }
}
