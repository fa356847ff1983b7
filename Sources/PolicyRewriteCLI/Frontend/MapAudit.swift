import PolicyRewrite

/// Checks a resource map against a run: an entry that chose no resource is reported. Most
/// such entries belong to files outside the run (one domain migrated with the whole map, or a
/// run after the migration), so they are warnings; under `--strict-map` an entry one edit away
/// from a named value that no entry resolves is a typo, and an error.
struct MapAudit {
  let map: ResourceMap
  let path: String
  let bytes: [UInt8]
  /// The entries that chose a resource in the run.
  let usedEntries: Set<String>
  /// The named values that hold the run's keys.
  let namedValues: Set<String>
  /// The named values of the run's injections that no map entry resolves.
  var unresolvedNamedValues: Set<String> = []

  /// A report for the map file with one finding per unused entry: warnings, or with
  /// `--strict-map` errors for the entries that look like a typo of an unresolved named value.
  func report() -> FileReport {
    var report = FileReport(path: path)
    report.isPolicy = false
    report.isInput = false
    let strict = map.requiresMapEntry
    let unmapped = namedValues.filter { map.byNamedValue[$0] == nil }
    for name in map.byNamedValue.keys.sorted() where !usedEntries.contains(name) {
      var message = "byNamedValue entry '\(name)' matches no key injection in this run"
      if let suggestion = Suggestion.closest(to: name, among: unmapped) { message += "; did you mean '\(suggestion)'?" }
      let typo = Suggestion.closest(to: name, among: unresolvedNamedValues) != nil
      report.findings.append(finding(message, at: name, strict: strict && typo))
    }
    for entry in map.byPath where !usedEntries.contains(entry.glob.pattern) {
      let message =
        "byPath entry '\(entry.glob.pattern)' matches no file with a key injection in this run (globs are relative to the map's folder)"
      report.findings.append(finding(message, at: entry.glob.pattern, strict: false))
    }
    report.findings.sort { ($0.line, $0.column) < ($1.line, $1.column) }
    return report
  }

  private func finding(_ message: String, at key: String, strict: Bool) -> Finding {
    let (line, column) = JSONSyntax.location(of: JSONSyntax.offset(ofString: key, in: bytes) ?? 0, in: bytes)
    return Finding(
      diagnostic: strict ? .strictMap : .unusedMapEntry, severity: strict ? .error : .warning, message: message,
      line: line, column: column)
  }
}
