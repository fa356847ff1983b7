import PolicyRewrite

/// "Did you mean …?": the nearest name to a mistyped one (see ``NameSuggestion``).
public enum Suggestion {
  /// The candidate nearest to `name` by edit distance, when it is close enough to be a typo
  /// (at most 2 edits, or a fifth of the name for longer names).
  public static func closest(to name: String, among candidates: Set<String>) -> String? {
    NameSuggestion.closest(to: name, among: candidates)
  }

  /// The Levenshtein distance between two byte strings.
  public static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int { NameSuggestion.editDistance(a, b) }
}
