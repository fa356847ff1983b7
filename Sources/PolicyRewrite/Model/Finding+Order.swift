import PolicyDOM

extension Finding {
  /// Orders findings by line, then column, then rule id: the order every report lists them in.
  static func locationOrder(_ a: Finding, _ b: Finding) -> Bool {
    (a.line, a.column, a.id.rawValue) < (b.line, b.column, b.id.rawValue)
  }
}
