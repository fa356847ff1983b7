import PolicyDOM

extension AuthorizationRule {
  /// Why an MI element already in place (`existing`, with the injection's resource) does not
  /// stand for the key (`rewrite-spec.md` §2a, §2b): after it, in the same scope, a policy
  /// removes `Authorization` or writes another value into it, and no MI element with the same
  /// resource sets the token again; or, for `<inbound>`, a child scope reads, removes or
  /// writes the header after its `<base />` (`children`). The token then does not reach the
  /// backend, and removing the key would leave the backend with no credential; §2b allows no
  /// second MI element, so none can go after the last remover. A reader after the element
  /// does not count: it already sees APIM's token, and the token still reaches the backend.
  /// - Returns: The rule and the element that cuts the token off; `nil` when the existing
  ///   element stands for the key.
  static func undone(
    _ existing: PolicyElement, in scan: AuthorizationScan, _ injection: KeyInjection,
    sameToken: (AuthorizationScan.Touch, KeyInjection) -> Bool, children: [String]
  ) -> (rule: Rule, touch: AuthorizationScan.Touch)? {
    var cut: AuthorizationScan.Touch?
    for touch in scan.touches
    where touch.offset >= existing.range.upperBound && !exclusive(touch.element, existing) {
      switch touch.kind {
      case .remover: cut = touch
      case .writer: cut = touch
      case .managedIdentity: cut = sameToken(touch, injection) ? nil : touch
      case .reader: continue
      }
    }
    if let cut {
      return (cut.kind == .remover ? .authorizationReaderAfterManagedIdentity : .authorizationWriter, cut)
    }
    if !children.isEmpty { return (.authorizationChildScope, touch(existing)) }
    return nil
  }
}
