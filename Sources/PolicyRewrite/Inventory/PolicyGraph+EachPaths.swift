extension PolicyGraph.FileFacts.Content {
  /// What a file path holds in place of `${each.key}`, `${each.value}` or `${each.value.attr}`
  /// (the steps after `each`) until the graph is joined: the path of each `for_each` element
  /// is then its own (`file("./apis/${each.key}.xml")` applies `apis/a.xml` to element `a`).
  static func eachMark(_ steps: ArraySlice<String>) -> String {
    "\u{1}" + steps.joined(separator: ".") + "\u{1}"
  }

  /// This policy with the `each` marks of its paths replaced by `value(steps)`, or by `*` (a
  /// value the run does not know) where that is `nil`.
  func substitutingEach(_ value: ([String]) -> String?) -> Self {
    switch self {
    case .file(let pattern): .file(Self.substitutingEach(in: pattern, value))
    case .files(let patterns): .files(patterns.map { Self.substitutingEach(in: $0, value) })
    case .alternatives(let choices): .alternatives(choices.map { $0.substitutingEach(value) })
    case .inline, .unknown: self
    }
  }

  /// `pattern` with its `each` marks replaced by `value(steps)`, or by `*` where that is `nil`.
  static func substitutingEach(in pattern: String, _ value: ([String]) -> String?) -> String {
    guard pattern.utf8.contains(1) else { return pattern }
    // Marks alternate with the text around them: every odd piece is a mark's steps.
    let pieces = pattern.split(separator: "\u{1}", omittingEmptySubsequences: false)
    return pieces.enumerated().map { index, piece in
      guard index % 2 == 1 else { return String(piece) }
      return value(piece.split(separator: ".").map(String.init)) ?? "*"
    }.joined()
  }
}
