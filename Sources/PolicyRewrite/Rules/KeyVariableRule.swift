import PolicyDOM

/// Finds keys copied into context variables (`rewrite-spec.md` §2b):
/// `<set-variable name="fnKey" value="{{fn-key}}" />` read by
/// `<value>@((string)context.Variables["fnKey"])</value>`.
///
/// Rewrite: a `set-variable` whose value is only a key (a named value or a template
/// placeholder, or an expression that only returns one: `@("{{fn-key}}")`) and whose variable is read only by injections that the rewrite removes goes
/// with them. If something else reads it too, it stays, with a review item (migration only):
/// the key is still in the policy.
///
/// Check: a `set-variable` whose value is a key header's named value (one that a key injection
/// of the file uses, or whose name looks like a function key) is a remaining key.
enum KeyVariableRule: AnalysisRule {
  static let id = Rule.keyVariable

  static func run(on analysis: inout PolicyAnalysis) {
    var candidates: [(element: PolicyElement, name: String, namedValue: String?)] = []
    for entry in analysis.entries {
      guard case .variable = entry.kind, let name = entry.element.attribute("name")?.trimmingXMLSpace,
        let value = entry.element.attribute("value")?.trimmingXMLSpace, !name.isEmpty
      else { continue }
      // The key itself, or an expression that only returns it (`@("{{fn-key}}")`).
      let written = writtenValue(value, of: entry.element, in: analysis.document.source)
      let key = KeyInjectionRule.expressionStringLiteral(written) ?? value
      let namedValue = KeyInjectionRule.namedValueReference(key)
      if namedValue != nil || isPlaceholder(key) { candidates.append((entry.element, name, namedValue)) }
    }
    guard !candidates.isEmpty else { return }
    let keyNamedValues = Set(analysis.injections.compactMap(\.namedValue))
    let removed = analysis.injections.filter(\.isRewritable).map(\.element.range)
    let reads = readSites(of: Set(candidates.map { asciiLowercased($0.name) }), in: analysis.document.source)
    for candidate in candidates {
      let range = candidate.element.range
      let sites = (reads[asciiLowercased(candidate.name)] ?? []).filter { !range.contains($0) }
      let inRemoved = sites.filter { contains(removed, $0) }
      if !sites.isEmpty, inRemoved.count == sites.count {
        analysis.removableVariables.append(candidate.element)
      } else if !inRemoved.isEmpty, let other = sites.first(where: { !contains(removed, $0) }) {
        let line = analysis.document.lineMap.location(of: other).line
        let (variableLine, column) = candidate.element.location
        analysis.migrationFindings.append(
          Finding(
            rule: id, severity: .warning, message: keptMessage(candidate.name, line: variableLine, readAt: line),
            line: variableLine, column: column, section: PolicyAnalysis.sectionPath(of: candidate.element)))
      }
      if let namedValue = candidate.namedValue, keyNamedValues.contains(namedValue) || looksLikeFunctionKey(namedValue)
      {
        let (line, column) = candidate.element.location
        analysis.checkFindings.append(
          Finding(
            rule: id, severity: .error, message: remainingMessage(candidate.name, namedValue: namedValue),
            line: line, column: column, section: PolicyAnalysis.sectionPath(of: candidate.element)))
      }
    }
  }

  /// A `value` as written: a raw (`rawxml`) expression's quotes are masked (`_`) in the parsed
  /// value, so an expression's bytes are read from the element's start tag when they differ from
  /// the parsed ones only where those are masked.
  private static func writtenValue(_ parsed: String, of element: PolicyElement, in source: [UInt8]) -> String {
    let masked = Array(parsed.utf8)
    guard masked.first == .at, masked.contains(UInt8(ascii: "_")) else { return parsed }
    let end = min(element.range.upperBound, source.count)
    var start = element.range.lowerBound
    while start + masked.count <= end {
      guard let found = source[start..<end].firstIndex(of: .at) else { break }
      start = found + 1
      guard found + masked.count <= end else { break }
      let candidate = source[found..<(found + masked.count)]
      if zip(candidate, masked).allSatisfy({ $0 == $1 || $1 == UInt8(ascii: "_") }) {
        return String(decoding: candidate, as: UTF8.self)
      }
    }
    return parsed
  }

  /// Whether a named value's name looks like a function key: `func`, `function` or `fn`, and
  /// `key`, ignoring case and separators.
  static func looksLikeFunctionKey(_ name: String) -> Bool {
    let letters = String(name.lowercased().filter { $0.isLetter || $0.isNumber })
    return letters.contains("key") && (letters.contains("func") || letters.contains("fn"))
  }

  /// The name with ASCII letters lowered, as the read sites are compared.
  private static func asciiLowercased(_ name: String) -> String {
    String(decoding: name.utf8.map(\.asciiLowercased), as: UTF8.self)
  }

  private static func isPlaceholder(_ value: String) -> Bool {
    (value.hasPrefix("${") && value.hasSuffix("}")) || (value.hasPrefix("{#") && value.hasSuffix("#}"))
  }

  /// Whether a sorted list of disjoint ranges holds `offset` (binary search).
  private static func contains(_ ranges: [Range<Int>], _ offset: Int) -> Bool {
    let low = ranges.partitioningIndex { $0.upperBound > offset }
    return low < ranges.count && ranges[low].contains(offset)
  }

  /// The offsets of every `"name"` (or `&quot;name&quot;`) of the given lowercased names,
  /// in one pass over the bytes: where an expression names the variable.
  private static func readSites(of names: Set<String>, in source: [UInt8]) -> [String: [Int]] {
    let longest = names.map(\.utf8.count).max() ?? 0
    // Names are compared after ASCII lowering on both sides.
    var sites: [String: [Int]] = [:]
    var i = 0
    while i < source.count {
      let quoteLength = source[i] == .doubleQuote ? 1 : source.hasLiteral("&quot;", at: i) ? 6 : 0
      if quoteLength > 0 {
        let start = i + quoteLength
        var end = start
        while end < source.count, end - start <= longest, source[end] != .doubleQuote, source[end] != .ampersand {
          end += 1
        }
        let closes = end < source.count && (source[end] == .doubleQuote || source.hasLiteral("&quot;", at: end))
        if closes, end > start, end - start <= longest {
          let name = String(decoding: source[start..<end].map(\.asciiLowercased), as: UTF8.self)
          if names.contains(name) { sites[name, default: []].append(i) }
        }
      }
      i += 1
    }
    return sites
  }
}

extension KeyVariableRule {
  fileprivate static func keptMessage(_ name: String, line: Int, readAt other: Int) -> String {
    "the set-variable '\(name)' at line \(line) copies the function key that the removed injection sent, but line \(other) reads the variable too, so it stays and the key is still in the policy: remove it by hand"
  }

  fileprivate static func remainingMessage(_ name: String, namedValue: String) -> String {
    "set-variable '\(name)' copies the function key of named value '\(namedValue)' into a context variable; remove it with the injections that read it (policy-rewrite migrate)"
  }
}
