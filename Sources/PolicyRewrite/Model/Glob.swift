import PolicyDOM

/// A path pattern: `*` and `?` match within one path segment, `**` matches any number of
/// segments, `[abc]` matches one of the listed characters.
///
/// A pattern that does not start with `/` or `**` may match at any segment boundary of a
/// path (as in `.gitignore`), so `apis/orders/**` matches `samples/apis/orders/policy.xml`.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
  /// The pattern as written.
  public let pattern: String
  private let segments: [[UInt8]]
  private let anchored: Bool

  /// Creates a glob from its pattern.
  public init(_ pattern: String) {
    self.pattern = pattern
    self.anchored = pattern.hasPrefix("/")
    self.segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.utf8) }
  }

  /// The pattern as written.
  public var description: String { pattern }

  /// The number of literal characters in the pattern: more means more specific.
  public var specificity: Int {
    segments.reduce(0) { $0 + $1.filter { $0 != UInt8(ascii: "*") && $0 != .question }.count }
  }

  /// Whether `path` (with `/` separators) matches.
  public func matches(_ path: String) -> Bool {
    matches(components: Self.components(of: path))
  }

  /// Whether a path already split into its components matches.
  public func matches(components: [[UInt8]]) -> Bool {
    var steps = 0
    return matches(components: components, steps: &steps)
  }

  /// ``matches(components:)``, counting the steps of the match (at most one per pair of
  /// pattern segment and path component, plus one per component).
  func matches(components: [[UInt8]], steps: inout Int) -> Bool {
    // One segment without `**` can only match the last component.
    if !anchored, segments.count == 1, segments[0] != Self.anySegments {
      guard let last = components.last else { return false }
      steps += 1
      return Glob.matchSegment(segments[0][...], last[...])
    }
    // Matching at any segment boundary is matching after a leading `**`.
    let pattern = anchored || segments.first == Self.anySegments ? segments : [Self.anySegments] + segments
    return Self.match(pattern, components[...], steps: &steps)
  }

  private static let anySegments = Array("**".utf8)

  /// The components of a path: split at `/`, without empty and `.` components.
  public static func components(of path: String) -> [[UInt8]] {
    var parts = path.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.utf8) }
    parts.removeAll { $0 == [UInt8(ascii: ".")] }
    return parts
  }

  /// Matches segments against components; `**` matches any number of components and
  /// every other segment exactly one. The two-pointer scan of wildcard matching: on a
  /// mismatch it goes back only to the last `**`, letting it take one more component, so
  /// the work is at most segments × components whatever the number of `**` (a recursion
  /// over every split was exponential in them).
  private static func match(_ pattern: [[UInt8]], _ path: ArraySlice<[UInt8]>, steps: inout Int) -> Bool {
    var p = 0
    var n = path.startIndex
    var star: Int?
    var starN = n
    while n < path.endIndex {
      steps += 1
      if p < pattern.count, pattern[p] == anySegments {
        star = p
        starN = n
        p += 1
        continue
      }
      if p < pattern.count, matchSegment(pattern[p][...], path[n][...]) {
        p += 1
        n += 1
        continue
      }
      guard let star else { return false }
      p = star + 1
      starN += 1
      n = starN
    }
    while p < pattern.count, pattern[p] == anySegments { p += 1 }
    return p == pattern.count
  }

  /// Matches one segment against one name: `*`, `?` and `[...]`.
  static func matchSegment(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
    var p = pattern.startIndex
    var n = name.startIndex
    var starP: Int?
    var starN = 0
    while n < name.endIndex {
      if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
        starP = p
        starN = n
        p += 1
        continue
      }
      if p < pattern.endIndex, let next = matchOne(pattern, at: p, name[n]) {
        p = next
        n += 1
        continue
      }
      guard let star = starP else { return false }
      p = star + 1
      starN += 1
      n = starN
    }
    while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
    return p == pattern.endIndex
  }

  /// Matches one pattern item at `p` against `byte`; returns the index after the item.
  private static func matchOne(_ pattern: ArraySlice<UInt8>, at p: Int, _ byte: UInt8) -> Int? {
    let item = pattern[p]
    if item == .question { return p + 1 }
    if item == .openBracket, let close = pattern[(p + 1)...].firstIndex(of: .closeBracket), close > p + 1 {
      var set = pattern[(p + 1)..<close]
      let negated = set.first == .bang || set.first == UInt8(ascii: "^")
      if negated { set = set.dropFirst() }
      var found = false
      var i = set.startIndex
      while i < set.endIndex {
        if i + 2 < set.endIndex, set[i + 1] == .hyphen {
          if byte >= set[i] && byte <= set[i + 2] { found = true }
          i += 3
        } else {
          if byte == set[i] { found = true }
          i += 1
        }
      }
      return found != negated ? close + 1 : nil
    }
    return item == byte ? p + 1 : nil
  }
}
