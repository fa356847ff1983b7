import PolicyDOM

/// Comments that accept one finding: `<!-- policy-rewrite: ignore RULE (reason) -->` in a policy,
/// `# policy-rewrite: ignore RULE (reason)` or `// …` in Terraform, Bicep and YAML, on the line
/// before the element (several rules may be given, separated by commas).
///
/// A suppression accepts the findings of its rules at the first element it precedes: the first
/// such finding on the first following line that is neither blank nor another suppression,
/// and the findings at that same place (another finding on the line, such as a second key in
/// a one-line policy, is not accepted). Only a comment of the file's syntax counts: an XML
/// comment in a policy (in any file), and a `#` or `//` comment that starts a line or follows
/// space outside a string in Terraform, Bicep and YAML; the marker in an attribute value, a
/// CDATA section, a policy expression, a URL or (for a `#` or `//` line) the body of a
/// Terraform heredoc or a Bicep multi-line string is text. A comment followed by an element on
/// its own line precedes that element. The reason in parentheses is required; a suppression without
/// one, or naming an unknown rule or an error that cannot be accepted (a parse error, a
/// conflict), is itself reported (`invalid-suppression`), and one that silences nothing is
/// reported as unused (`unused-suppression`), so stale comments do not pile up.
public struct InlineSuppressions: Sendable {
  /// One suppression comment.
  public struct Entry: Sendable, Hashable {
    /// The rules it accepts.
    public var rules: Set<FindingID>
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
  /// - Parameters:
  ///   - source: The file's bytes.
  ///   - path: The file's path, for its comment syntax: in a policy file only XML comments
  ///     count; without a path, line comments count too.
  public init(_ source: [UInt8], path: String? = nil) {
    guard source.containsLiteral(Self.marker) else { return }
    let format = path.map { SourceFormat(path: $0) }
    let lineComments = format.map { $0 != .policy && $0 != .other } ?? true
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
    let xmlComments = Self.xmlComments(source, at: found.map(\.offset))
    // The bodies of Terraform heredocs and Bicep multi-line strings hold policy text, where a
    // `#` or `//` line is text, not a comment.
    let bodies = lineComments ? Self.stringBodies(source, format: format) : []
    let commentLines = Set(found.map { lines.location(of: $0.offset).line })
    for (index, (start, textStart, end)) in found.enumerated() {
      let (line, column) = lines.location(of: start)
      let xmlComment = xmlComments[index]
      guard
        xmlComment != nil
          || (lineComments && !bodies.contains(where: { $0.contains(start) })
            && Self.isLineComment(source, before: start))
      else { continue }
      let text = String(decoding: source[textStart..<end], as: UTF8.self)
      // An element after the comment on its own line is the first element it precedes.
      let sameLine =
        xmlComment.map { comment in
          comment.upperBound < end && !source[comment.upperBound..<end].allSatisfy(\.isXMLSpace)
        } ?? false
      let target = sameLine ? line : Self.targetLine(after: end, in: source, lines: lines, skipping: commentLines)
      switch Self.parse(text) {
      case .success(let (rules, reason)):
        entries.append(Entry(rules: rules, reason: reason, line: line, column: column, target: target))
      case .failure(let message):
        problems.append(
          Finding(diagnostic: .invalidSuppression, severity: .warning, message: message, line: line, column: column))
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
    // The place (line and column) of the one element each suppression accepts findings at: the
    // first of its findings in file order.
    var places: [Int: Int] = [:]
    for finding in findings.sorted(by: Finding.locationOrder) where !finding.id.isFailure {
      for (index, entry) in entries.enumerated()
      where places[index] == nil && entry.target == finding.line && entry.rules.contains(finding.id)
        && (entry.target != entry.line || finding.column > entry.column)
      {
        places[index] = finding.column
      }
    }
    for finding in findings {
      if let index = entries.indices.first(where: {
        entries[$0].target == finding.line && entries[$0].rules.contains(finding.id)
          && places[$0] == finding.column
      }),
        !finding.id.isFailure
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
          diagnostic: .unusedSuppression, severity: .warning,
          message: "this suppression of \(rules) accepts no finding on line \(entry.target); remove it",
          line: entry.line, column: entry.column))
    }
    kept += problems
    kept.sort { ($0.line, $0.column, $0.id.rawValue) < ($1.line, $1.column, $1.id.rawValue) }
    return (kept, suppressed)
  }

  /// For each of the ascending `offsets`, the XML comment it is inside, if any: a comment as a
  /// parser sees it, not a `<!--` in a CDATA section, an attribute value or a policy expression.
  private static func xmlComments(_ source: [UInt8], at offsets: [Int]) -> [Range<Int>?] {
    let comments = XMLCommentScanner.commentRanges(in: source)
    var result: [Range<Int>?] = []
    var next = 0
    for offset in offsets {
      while next < comments.count, comments[next].upperBound <= offset { next += 1 }
      result.append(next < comments.count && comments[next].contains(offset) ? comments[next] : nil)
    }
    return result
  }

  /// The bodies of the Terraform heredocs (`<<EOT` or `<<-EOT` to the line that holds only
  /// `EOT`) or of the Bicep multi-line strings (`'''` to `'''`) of `source`.
  private static func stringBodies(_ source: [UInt8], format: SourceFormat?) -> [Range<Int>] {
    var bodies: [Range<Int>] = []
    switch format {
    case .terraform:
      for literal in HCLScanner.literals(in: source) {
        if case .heredoc(let heredoc) = literal { bodies.append(heredoc.body) }
      }
    case .bicep:
      var i = 0
      while let open = source.firstOffset(of: "'''", from: i) {
        let close = source.firstOffset(of: "'''", from: open + 3) ?? source.count
        bodies.append(open..<close)
        i = close + 3
      }
    default:
      break
    }
    return bodies
  }

  /// Whether the marker at `start` is in a `#` or `//` line comment: the comment starts its line
  /// or follows space, outside a `"…"` or `'…'` string opened earlier on the line.
  private static func isLineComment(_ source: [UInt8], before start: Int) -> Bool {
    var lineStart = start
    while lineStart > 0, source[lineStart - 1] != .lineFeed { lineStart -= 1 }
    var quote: UInt8?
    var i = lineStart
    while i < start {
      let byte = source[i]
      if let open = quote {
        if byte == open { quote = nil }
      } else if byte == .doubleQuote || byte == .singleQuote {
        quote = byte
      } else if byte == UInt8(ascii: "#") || (byte == .slash && i + 1 < start && source[i + 1] == .slash),
        i == lineStart || source[i - 1].isXMLSpace
      {
        return true
      }
      i += 1
    }
    return false
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
    case success((Set<FindingID>, String))
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
    var rules = Set<FindingID>()
    for name in rest[..<open].split(separator: ",").map({ $0.trimmingXMLSpace }) where !name.isEmpty {
      guard let rule = FindingID(rawValue: name) else {
        var message = "unknown rule '\(name)' in a suppression"
        if let nearest = NameSuggestion.closest(to: String(name), among: FindingID.allCases.map(\.rawValue)) {
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
