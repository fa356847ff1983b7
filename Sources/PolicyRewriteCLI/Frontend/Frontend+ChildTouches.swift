import PolicyRewrite

extension Frontend {
  /// A child scope as `authorization-child-scope` names it: where it does what holds the
  /// parent's key, and what (`api/orders.xml:4, which removes the Authorization header after
  /// its <base /> (<set-header>)`). For a policy written inline the line is the file's
  /// (``childLocation(_:line:)``), or, when its text does not stand in the file line for line
  /// (``inlineLine(_:line:)``: an escaped JSON string), the declaration's with the line of the
  /// policy's own text. A child without
  /// one is named as ``describe(_:)`` names it.
  /// `scope`, when given, names which of the scopes that apply the file this one is (a file
  /// that several declarations apply).
  func childTouch(
    _ policy: PolicyGraph.Policy, _ touch: PolicyRewriter.ChildScopeEffects.Touch?, as scope: String? = nil
  ) -> String {
    let named = scope.map { " (as \($0))" } ?? ""
    guard let touch else { return Self.describe(policy) + named }
    if policy.inlineText != nil, inlineLine(policy, line: touch.line) == nil {
      return "\(Self.describe(policy)) (line \(touch.line) of its policy)\(named), which \(touch.described)"
    }
    return "\(childLocation(policy, line: touch.line))\(named), which \(touch.described)"
  }

  /// An APIOps child scope (`path`) as `authorization-child-scope` names it (``childTouch(_:_:)``).
  static func childTouch(_ path: String, _ touch: PolicyRewriter.ChildScopeEffects.Touch?) -> String {
    guard let touch else { return path }
    return "\(path):\(touch.line), which \(touch.described)"
  }
}
