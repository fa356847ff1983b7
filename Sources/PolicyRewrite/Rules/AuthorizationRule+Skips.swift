import PolicyDOM

extension AuthorizationRule {
  /// A nested `exists-action="skip"` injection after another injection of the same header in
  /// the same section: the skip never took effect, but as an MI element it would write a second
  /// token. Every injection of that section is left for review.
  static func holdSkipsAfterInjections(_ analysis: inout PolicyAnalysis) {
    var held: [Int: (skip: KeyInjection, earlier: KeyInjection)] = [:]
    for (index, injection) in analysis.injections.enumerated() where injection.isRewritable {
      guard injection.existsAction == "skip", case .inPlace(_, let scope, _) = injection.placement else { continue }
      let header = injection.headerName.lowercased()
      let earlier = analysis.injections[..<index].first { other in
        other.headerName.lowercased() == header && !exclusive(other.element, injection.element)
          && scopeOf(other)?.isSame(as: scope) == true
      }
      if let earlier, held[scope.range.lowerBound] == nil { held[scope.range.lowerBound] = (injection, earlier) }
    }
    holdSkipsAfterParents(&analysis)
    guard !held.isEmpty else { return }
    for index in analysis.injections.indices {
      let injection = analysis.injections[index]
      guard injection.isRewritable, let scope = scopeOf(injection), let (skip, earlier) = held[scope.range.lowerBound]
      else { continue }
      analysis.injections[index] = injection.leftForReview(.skippedKeyInjection)
      analysis.report(
        .skippedKeyInjection, .warning, at: injection.element, section: injection.section,
        skipMessage(injection, skip: skip, earlier: earlier))
    }
  }

  /// An `exists-action="skip"` injection after its `<inbound>`'s `<base />`, below a parent
  /// scope that sets a key header (`rewrite-spec.md` §2a, read along the pipeline, §2c): the
  /// parent ran at `<base />`, so the skip never took effect; as an MI element it would
  /// overwrite the parent's token. It is left for review.
  private static func holdSkipsAfterParents(_ analysis: inout PolicyAnalysis) {
    guard let parents = analysis.configuration.authorizationParentKeyHeaders[analysis.path], !parents.isEmpty
    else { return }
    for index in analysis.injections.indices {
      let injection = analysis.injections[index]
      guard injection.isRewritable, injection.existsAction == "skip", let scope = scopeOf(injection),
        scope.hasName("inbound"), let base = scope.firstChildElement(named: "base"),
        injection.offset > base.range.lowerBound
      else { continue }
      analysis.injections[index] = injection.leftForReview(.skippedKeyInjection)
      analysis.report(
        .skippedKeyInjection, .warning, at: injection.element, section: injection.section,
        parentSkipMessage(injection, base: base, parents: parents))
    }
  }
}
