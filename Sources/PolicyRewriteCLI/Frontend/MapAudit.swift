import PolicyRewrite

/// Checks a resource map against a run: every `byNamedValue` and `byPath` entry must have
/// chosen the resource of at least one key injection. An entry that matched nothing is a typo
/// or a glob that matches no file, and the injections it was meant for silently got the default.
struct MapAudit {
  let map: ResourceMap
  let path: String
  let bytes: [UInt8]
  /// The entries that chose a resource in the run.
  let usedEntries: Set<String>
  /// The named values that hold the run's keys.
  let namedValues: Set<String>

  /// A report for the map file with one finding per unused entry: warnings, or errors with
  /// `--strict-map`.
  func report() -> FileReport {
    var report = FileReport(path: path)
    report.isPolicy = false
    report.isInput = false
    let strict = map.requiresMapEntry
    let unmapped = namedValues.filter { map.byNamedValue[$0] == nil }
    for name in map.byNamedValue.keys.sorted() where !usedEntries.contains(name) {
      var message = "byNamedValue entry '\(name)' matches no key injection in this run"
      if let suggestion = Self.closest(to: name, among: unmapped) { message += "; did you mean '\(suggestion)'?" }
      report.findings.append(finding(message, at: name, strict: strict))
    }
    for entry in map.byPath where !usedEntries.contains(entry.glob.pattern) {
      let message =
        "byPath entry '\(entry.glob.pattern)' matches no file with a key injection in this run (globs are relative to the map's folder)"
      report.findings.append(finding(message, at: entry.glob.pattern, strict: strict))
    }
    report.findings.sort { ($0.line, $0.column) < ($1.line, $1.column) }
    return report
  }

  private func finding(_ message: String, at key: String, strict: Bool) -> Finding {
    let (line, column) = JSONSyntax.location(of: JSONSyntax.offset(ofString: key, in: bytes) ?? 0, in: bytes)
    return Finding(
      rule: strict ? .strictMap : .unusedMapEntry, severity: strict ? .error : .warning, message: message,
      line: line, column: column)
  }

  /// The candidate nearest to `name` by edit distance, when it is close enough to be a typo.
  static func closest(to name: String, among candidates: Set<String>) -> String? {
    let limit = max(2, name.count / 5)
    let scored = candidates.map { ($0, editDistance(Array(name.utf8), Array($0.utf8))) }.filter { $0.1 <= limit }
    return scored.min { ($0.1, $0.0) < ($1.1, $1.0) }?.0
  }

  /// The Levenshtein distance between two byte strings.
  static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
      current[0] = i
      for j in 1...max(1, b.count) where !b.isEmpty {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
