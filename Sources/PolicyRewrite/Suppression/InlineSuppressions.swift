import PolicyDOM

/// Comments that accept one finding: `<!-- policy-rewrite: ignore RULE (reason) -->` in a policy,
/// `# policy-rewrite: ignore RULE (reason)` or `// …` in Terraform, Bicep and YAML, on the line
/// before the element (several rules may be given, separated by commas).
///
/// A suppression silences the findings of its rules on the first following line that is neither
/// blank nor another suppression. The reason in parentheses is required; a suppression without
/// one, or naming an unknown rule or an error that cannot be accepted (a parse error, a
/// conflict), is itself reported (`invalid-suppression`), and one that silences nothing is
/// reported as unused (`unused-suppression`), so stale comments do not pile up.
public struct InlineSuppressions: Sendable {
  /// One suppression comment.
  public struct Entry: Sendable, Hashable {
    /// The rules it accepts.
    public var rules: Set<Rule>
    /// Why.
    public var reason: String
    /// The 1-based line of the comment.
    public var line: Int
    /// The 1-based column of `policy-rewrite:`.
    public var column: Int
    /// The line whose findings it accepts.
    public var target: Int
  }

  /// The valid suppressions, in file order.
  public private(set) var entries: [Entry] = []
  /// Findings about malformed suppressions.
  public private(set) var problems: [Finding] = []

  static let marker: StaticString = "policy-rewrite:"

  /// Reads the suppression comments of a file. The spaces of `policy-rewrite: ignore RULE
  /// (reason)` may be left out (`<!--policy-rewrite:ignore RULE(reason)-->`).
  public init(_ source: [UInt8]) {
    guard source.containsLiteral(Self.marker) else { return }
    let lines = LineMap(source)
    var offset = 0
    var found: [(offset: Int, text: Int, end: Int)] = []
    while let start = source.firstOffset(of: Self.marker, from: offset) {
      let end = source[start...].firstIndex(of: .lineFeed) ?? source.count
      var word = start + Self.marker.utf8CodeUnitCount
      while word < end, source[word] == .space || source[word] == .tab { word += 1 }
      if source.hasLiteral("ignore", at: word) {
        found.append((start, word + 6, end))
        offset = end
      } else {
        offset = start + 1
      }
    }
    let commentLines = Set(found.map { lines.location(of: $0.offset).line })
    for (start, textStart, end) in found {
      let (line, column) = lines.location(of: start)
      guard Self.isComment(source, before: start) else { continue }
      let text = String(decoding: source[textStart..<end], as: UTF8.self)
      let target = Self.targetLine(after: end, in: source, lines: lines, skipping: commentLines)
      switch Self.parse(text) {
      case .success(let (rules, reason)):
        entries.append(Entry(rules: rules, reason: reason, line: line, column: column, target: target))
      case .failure(let message):
        problems.append(
          Finding(rule: .invalidSuppression, severity: .warning, message: message, line: line, column: column))
      }
    }
  }

  /// Splits `findings` into those kept and those a suppression accepts, and adds a warning for
  /// each suppression that accepted nothing.
  public func apply(to findings: [Finding]) -> (kept: [Finding], suppressed: [SuppressedFinding]) {
    guard !entries.isEmpty || !problems.isEmpty else { return (findings, []) }
    var used = Set<Int>()
    var kept: [Finding] = []
    var suppressed: [SuppressedFinding] = []
    for finding in findings {
      if let index = entries.firstIndex(where: { $0.target == finding.line && $0.rules.contains(finding.rule) }),
        !finding.rule.isFailure
      {
        used.insert(index)
        suppressed.append(SuppressedFinding(finding: finding, reason: entries[index].reason, kind: .inSource))
      } else {
        kept.append(finding)
      }
    }
    for (index, entry) in entries.enumerated() where !used.contains(index) {
      let rules = entry.rules.map(\.rawValue).sorted().joined(separator: ", ")
      kept.append(
        Finding(
          rule: .unusedSuppression, severity: .warning,
          message: "this suppression of \(rules) accepts no finding on line \(entry.target); remove it",
          line: entry.line, column: entry.column))
    }
    kept += problems
    kept.sort { ($0.line, $0.column, $0.rule.rawValue) < ($1.line, $1.column, $1.rule.rawValue) }
    return (kept, suppressed)
  }

  /// Whether the marker at `start` is inside a comment: `<!--`, `#` or `//` earlier on its line.
  private static func isComment(_ source: [UInt8], before start: Int) -> Bool {
    var i = start
    while i > 0, source[i - 1] != .lineFeed { i -= 1 }
    let prefix = Array(source[i..<start])
    return prefix.containsLiteral("<!--") || prefix.contains(UInt8(ascii: "#")) || prefix.containsLiteral("//")
  }

  /// The first line after `offset`'s line that is not blank and not another suppression.
  private static func targetLine(after end: Int, in source: [UInt8], lines: LineMap, skipping: Set<Int>) -> Int {
    var i = end + 1
    while i < source.count {
      let lineEnd = source[i...].firstIndex(of: .lineFeed) ?? source.count
      let line = lines.location(of: i).line
      if !source[i..<lineEnd].allSatisfy(\.isXMLSpace), !skipping.contains(line) { return line }
      i = lineEnd + 1
    }
    return lines.location(of: source.count).line + 1
  }

  private enum Parsed {
    case success((Set<Rule>, String))
    case failure(String)
  }

  /// Parses ` RULE[, RULE] (reason) [-->]`.
  private static func parse(_ text: String) -> Parsed {
    var rest = Substring(text)
    if let close = rest.split(separator: "-->", maxSplits: 1, omittingEmptySubsequences: false).first {
      rest = close
    }
    rest = rest.drop { $0 == " " || $0 == "\t" }
    guard let open = rest.firstIndex(of: "("), let closing = rest.lastIndex(of: ")"), open < closing else {
      return .failure("a suppression needs a reason: policy-rewrite: ignore RULE (why it is accepted)")
    }
    let reason = rest[rest.index(after: open)..<closing].trimmingXMLSpace
    guard !reason.isEmpty else {
      return .failure("a suppression needs a reason: policy-rewrite: ignore RULE (why it is accepted)")
    }
    var rules = Set<Rule>()
    for name in rest[..<open].split(separator: ",").map({ $0.trimmingXMLSpace }) where !name.isEmpty {
      guard let rule = Rule(rawValue: name) else {
        var message = "unknown rule '\(name)' in a suppression"
        if let nearest = NameSuggestion.closest(to: String(name), among: Rule.allCases.map(\.rawValue)) {
          message += "; did you mean '\(nearest)'?"
        }
        return .failure(message)
      }
      guard !rule.isFailure else { return .failure("rule '\(name)' is an error and cannot be suppressed") }
      rules.insert(rule)
    }
    guard !rules.isEmpty else { return .failure("a suppression names no rule: policy-rewrite: ignore RULE (reason)") }
    return .success((rules, reason))
  }
}
