import PolicyDOM

/// Comments that accept one finding: `<!-- policy-rewrite: ignore RULE (reason) -->` in a policy,
/// `# policy-rewrite: ignore RULE (reason)` or `// …` in Terraform, Bicep and YAML, on the line
/// before the element (several rules may be given, separated by commas).
///
/// A suppression accepts the findings of its rules at the first element it precedes: the first
/// such finding from the first thing after the comment that is neither space nor another
/// suppression (on the comment's own line, or on the next line) to the end of the start tag of
/// the first element on that line (to the end of the line when it has none), and the findings
/// at that same place (another finding later on the line, such as a second key or a key inside
/// `<inbound>` in a one-line policy, is not accepted). The place is found by position in the file, not by line
/// number: in a Bicep, ARM or Terraform quoted string, where a whole policy is one line of the
/// file, an escaped line break (`\n`) ends a line of the policy as a line feed does. Only a comment of the file's syntax counts: an XML
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
    /// The line whose findings it accepts: the line of the first thing after the comment (0
    /// when nothing follows it).
    public var target: Int
    /// Where the findings it accepts may start: the line and column of the first thing after
    /// the comment (`nil` when nothing follows it), and of the end of the start tag of the
    /// first element on that line of the policy (of the end of the line when it has none).
    package var window: Window?

    /// From where to where (excluded) the findings it accepts may start.
    package struct Window: Sendable, Hashable {
      package var start: Location
      package var end: Location
    }

    /// A line and column.
    package struct Location: Sendable, Hashable, Comparable {
      package var line: Int
      package var column: Int
      package static func < (a: Location, b: Location) -> Bool { (a.line, a.column) < (b.line, b.column) }
    }
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
    let comments = path.map { SourceFormatCatalog.description(of: SourceFormat(path: $0)).comments } ?? .unknown
    let lineComments = comments.lineComments
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
    let bodies = lineComments ? Self.stringBodies(source, comments.textBlocks) : []
    // What a suppression skips to find the thing it precedes: the other suppressions.
    var skips: [Range<Int>] = []
    for (index, (start, _, end)) in found.enumerated() {
      if let comment = xmlComments[index] {
        skips.append(comment)
      } else {
        var lineStart = start
        while lineStart > 0, source[lineStart - 1] != .lineFeed { lineStart -= 1 }
        skips.append(lineStart..<end)
      }
    }
    let escapedLineBreaks = comments.escapedLineBreaks
    for (index, (start, textStart, end)) in found.enumerated() {
      let (line, column) = lines.location(of: start)
      let xmlComment = xmlComments[index]
      guard
        xmlComment != nil
          || (lineComments && !bodies.contains(where: { $0.contains(start) })
            && Self.isLineComment(source, before: start))
      else { continue }
      let text = String(decoding: source[textStart..<end], as: UTF8.self)
      // The thing the comment precedes: after an XML comment, the first thing that is not
      // space (on the comment's line or the next); after a line comment, the next line's.
      let target = Self.target(
        after: xmlComment?.upperBound ?? end, in: source, skipping: skips, escapedLineBreaks: escapedLineBreaks)
      let window = target.map { target in
        let (startLine, startColumn) = lines.location(of: target.lowerBound)
        let (endLine, endColumn) = lines.location(of: target.upperBound)
        return Entry.Window(
          start: Entry.Location(line: startLine, column: startColumn),
          end: Entry.Location(line: endLine, column: endColumn))
      }
      switch Self.parse(text) {
      case .success(let (rules, reason)):
        entries.append(
          Entry(
            rules: rules, reason: reason, line: line, column: column, target: window?.start.line ?? 0,
            window: window))
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
    // first of its findings in its window, in file order.
    var places: [Int: Entry.Location] = [:]
    for finding in findings.sorted(by: Finding.locationOrder) where !finding.id.isFailure {
      let location = Entry.Location(line: finding.line, column: finding.column)
      for (index, entry) in entries.enumerated()
      where places[index] == nil && entry.rules.contains(finding.id)
        && entry.window.map({ $0.start <= location && location < $0.end }) == true
      {
        places[index] = location
      }
    }
    for finding in findings {
      let location = Entry.Location(line: finding.line, column: finding.column)
      if let index = entries.indices.first(where: {
        entries[$0].rules.contains(finding.id) && places[$0] == location
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
      let message =
        entry.window == nil
        ? "this suppression of \(rules) precedes nothing it could accept; remove it"
        : "this suppression of \(rules) accepts no finding on line \(entry.target); remove it"
      kept.append(
        Finding(
          diagnostic: .unusedSuppression, severity: .warning, message: message, line: entry.line, column: entry.column))
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
  private static func stringBodies(
    _ source: [UInt8], _ blocks: SourceFormatDescription.Comments.TextBlocks?
  ) -> [Range<Int>] {
    var bodies: [Range<Int>] = []
    switch blocks {
    case .heredocs:
      for literal in HCLScanner.literals(in: source) {
        if case .heredoc(let heredoc) = literal { bodies.append(heredoc.body) }
      }
    case .tripleQuoted:
      var i = 0
      while let open = source.firstOffset(of: "'''", from: i) {
        let close = source.firstOffset(of: "'''", from: open + 3) ?? source.count
        bodies.append(open..<close)
        i = close + 3
      }
    case nil:
      break
    }
    return bodies
  }

  /// Whether the marker at `start` is in a `#` or `//` line comment: the comment starts its line
  /// or follows space, outside a `"…"` or `'…'` string opened earlier on the line.
  private static func isLineComment(_ source: [UInt8], before start: Int) -> Bool {
    var lineStart = start
    while lineStart > 0, source[lineStart - 1] != .lineFeed { lineStart -= 1 }
    let comment = source.firstOffsetOutsideQuotes(in: lineStart..<start) { i in
      let byte = source[i]
      return (byte == UInt8(ascii: "#") || (byte == .slash && i + 1 < start && source[i + 1] == .slash))
        && (i == lineStart || source[i - 1].isXMLSpace)
    }
    return comment != nil
  }

  /// The thing a suppression ending at `end` precedes: from the first byte after `end` that is
  /// not space, a line break or another suppression (in `skipping`), to the end of the start tag
  /// of the first element on its line of policy text, or to the end of that line (a line feed
  /// or, with `escapedLineBreaks`, an escaped `\n` of a quoted string) when it has none. `nil`
  /// when the file ends first.
  static func target(after end: Int, in source: [UInt8], skipping: [Range<Int>], escapedLineBreaks: Bool)
    -> Range<Int>?
  {
    // `skipping` is in file order: the next suppression to skip is found by moving on in it.
    var low = 0
    var high = skipping.count
    while low < high {
      let middle = (low + high) / 2
      if skipping[middle].upperBound > end { high = middle } else { low = middle + 1 }
    }
    var next = low
    var i = end
    while i < source.count {
      while next < skipping.count, skipping[next].upperBound <= i { next += 1 }
      if next < skipping.count, skipping[next].contains(i) {
        i = skipping[next].upperBound
        continue
      }
      let byte = source[i]
      if byte.isXMLSpace {
        i += 1
      } else if escapedLineBreaks, let length = Self.escapedSpace(source, at: i) {
        i += length
      } else {
        break
      }
    }
    guard i < source.count else { return nil }
    var lineEnd = i
    while lineEnd < source.count, source[lineEnd] != .lineFeed,
      !(escapedLineBreaks && Self.isEscapedLineBreak(source, at: lineEnd))
    {
      lineEnd += source[lineEnd] == .backslash && escapedLineBreaks ? 2 : 1
    }
    lineEnd = min(lineEnd, source.count)
    // The first element on that line ends the window with its start tag: the elements after it
    // on the line (a second key, or the children of `<inbound>` in a one-line policy) are not
    // the thing the comment precedes.
    var j = i
    while j < lineEnd {
      if source[j] == .lessThan, j + 1 < lineEnd, Self.startsName(source[j + 1]) {
        return i..<Self.startTagEnd(source, from: j + 1, before: lineEnd)
      }
      j += 1
    }
    return i..<lineEnd
  }

  /// Whether `byte` may start an element name (not `/`, `!` or `?`, which start an end tag, a
  /// comment or a processing instruction).
  private static func startsName(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
      || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte >= 0x80
  }

  /// The offset after the `>` that ends the start tag whose name begins at `i`, outside its
  /// quoted attribute values (an escaped quote, `\"`, of a quoted string opens and closes a
  /// value too); `lineEnd` if the line ends first.
  private static func startTagEnd(_ source: [UInt8], from i: Int, before lineEnd: Int) -> Int {
    source.firstOffsetOutsideQuotes(in: i..<lineEnd) { source[$0] == .greaterThan }.map { $0 + 1 } ?? lineEnd
  }

  /// The length of the escape of a line break, carriage return or tab (`\n`, `\r`, `\t`) at
  /// `i`, if one is there.
  private static func escapedSpace(_ source: [UInt8], at i: Int) -> Int? {
    guard source[i] == .backslash, i + 1 < source.count else { return nil }
    switch source[i + 1] {
    case UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"): return 2
    default: return nil
    }
  }

  /// Whether an escaped line break (`\n`) is at `i`.
  private static func isEscapedLineBreak(_ source: [UInt8], at i: Int) -> Bool {
    source[i] == .backslash && i + 1 < source.count && source[i + 1] == UInt8(ascii: "n")
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
