/// "Did you mean …?": the nearest name to a mistyped one.
public enum NameSuggestion {
  /// The candidate nearest to `name` by edit distance, when it is close enough to be a typo
  /// (at most 2 edits, or a fifth of the name for longer names).
  public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
    let limit = max(2, name.count / 5)
    let scored = candidates.map { ($0, editDistance(Array(name.utf8), Array($0.utf8))) }.filter { $0.1 <= limit }
    return scored.min { ($0.1, $0.0) < ($1.1, $1.0) }?.0
  }

  /// The Levenshtein distance between two byte strings.
  public static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
