import PolicyDOM

/// Finds function keys that APIM sends through a backend entity rather than a policy: the
/// `credentials` of an `azurerm_api_management_backend` (Terraform), of a backend in Bicep
/// or ARM template JSON, of an APIOps `backendInformation.json`, or of a backend in an
/// APIOps `configuration.<env>.yaml`.
///
/// Check: a credentials `header` entry named like a key header, and a credentials `query`
/// entry named `code`. Removing the policy's header leaves these keys in place, so they are
/// reported for the migration to finish by hand.
struct BackendCredentialScanner {
  let configuration: RewriteConfiguration

  /// The kinds of file that can hold backend credentials.
  enum Format {
    case terraform, bicep, json, yaml
  }

  func findings(in bytes: [UInt8], format: Format) -> [Finding] {
    let offsets: [(offset: Int, isQuery: Bool)]
    switch format {
    case .terraform:
      let braces = BraceMatcher(bytes, singleQuotedStrings: false)
      offsets = blocks(of: bytes, after: "azurerm_api_management_backend", braces: braces).flatMap {
        credentialKeys(in: bytes, within: $0, braces: braces)
      }
    case .json, .bicep:
      let braces = BraceMatcher(bytes, singleQuotedStrings: format == .bicep)
      offsets = credentialKeys(in: bytes, within: 0..<bytes.count, braces: braces, following: format)
    case .yaml:
      // A file cut short is a parse error, not a file whose credentials were all read.
      if let error = YAMLScanner.firstError(in: bytes) {
        let (line, column) = LineMap(bytes).location(of: error.offset)
        return [Finding(diagnostic: .parseError, severity: .error, message: error.message, line: line, column: column)]
      }
      offsets = yamlCredentialKeys(in: bytes)
    }
    guard !offsets.isEmpty else { return [] }
    let lines = LineMap(bytes)
    return offsets.map { entry in
      let (line, column) = lines.location(of: entry.offset)
      let message =
        entry.isQuery
        ? "the backend's credentials pass a function key as the 'code' query parameter: remove it once the Function App uses Entra ID authentication"
        : "the backend's credentials send a function key header: remove it once the Function App uses Entra ID authentication, then add <authentication-managed-identity> to the policies that use this backend"
      var finding = Finding(
        rule: .backendCredentials, severity: .warning, message: message, line: line, column: column)
      finding.subject = PolicyAnalysis.lineDigest(bytes, from: entry.offset)
      return finding
    }
  }

  /// The ranges of the `{ ... }` blocks that follow each occurrence of the block label
  /// `label`, quoted (`"label"`) or not (`resource label name {`, also valid HCL).
  private func blocks(of bytes: [UInt8], after label: String, braces: BraceMatcher) -> [Range<Int>] {
    let pattern = Array(label.utf8)
    var result: [Range<Int>] = []
    var i = 0
    while let found = Self.find(pattern, in: bytes, from: i, to: bytes.count, caseInsensitive: false) {
      let end = found + pattern.count
      let before: UInt8 = found > 0 ? bytes[found - 1] : .space
      let after: UInt8 = end < bytes.count ? bytes[end] : .space
      guard before == .doubleQuote && after == .doubleQuote || before.isBlank && after.isBlank else {
        i = end
        continue
      }
      guard let open = bytes[found...].firstIndex(of: .openBrace) else { break }
      let close = braces.close(of: open)
      result.append(open..<close)
      i = close
    }
    return result
  }

  /// Offsets of key-header entries and `code` entries inside the `credentials` of `range`.
  /// In Bicep and ARM (`following`), a `credentials`, `header` or `query` value that names a
  /// variable or parameter (`header: keyHeaders`, `"[variables('fnCreds')]"`) is that
  /// variable's object, or the parameter's default; in an ARM parameters file, every `header`
  /// and `query` object is a credentials' (the file does not say which parameter a backend
  /// takes).
  private func credentialKeys(
    in bytes: [UInt8], within range: Range<Int>, braces: BraceMatcher, following format: Format? = nil
  ) -> [(offset: Int, isQuery: Bool)] {
    var found: [Int: Bool] = [:]
    func named(_ name: String, within range: Range<Int>) -> [Range<Int>] {
      var objects = objects(named: name, in: bytes, within: range, braces: braces)
      if let format {
        objects += referencedObjects(named: name, in: bytes, within: range, braces: braces, format: format)
      }
      return objects
    }
    var credentials = named("credentials", within: range)
    if format == .json, bytes.containsLiteral("deploymentParameters") { credentials.append(range) }
    for credentials in credentials {
      for header in named("header", within: credentials) {
        for name in configuration.keyHeaders {
          for offset in keys(named: name, in: bytes, within: header) { found[offset] = false }
        }
      }
      for query in named("query", within: credentials) {
        for offset in keys(named: "code", in: bytes, within: query) { found[offset] = true }
      }
    }
    return found.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }

  /// The objects that the values of the keys `name` in `range` name: a Bicep `var` or `param`
  /// (its object, or its default's), an ARM `[variables('x')]` or `[parameters('x')]`.
  private func referencedObjects(
    named name: String, in bytes: [UInt8], within range: Range<Int>, braces: BraceMatcher, format: Format
  ) -> [Range<Int>] {
    var result: [Range<Int>] = []
    for offset in keys(named: name, in: bytes, within: range) {
      var i = offset + name.utf8.count
      while i < range.upperBound, bytes[i] != UInt8(ascii: ":") && bytes[i] != .lineFeed { i += 1 }
      i += 1
      while i < range.upperBound, bytes[i].isBlank { i += 1 }
      var end = i
      while end < range.upperBound, bytes[end] != .lineFeed, bytes[end] != UInt8(ascii: ","), bytes[end] != .closeBrace
      {
        end += 1
      }
      let value = String(decoding: bytes[i..<end], as: UTF8.self).trimmingXMLSpace
      if format == .bicep, !value.isEmpty,
        value.utf8.allSatisfy({ Self.isWordByte($0) && $0 != .hyphen && $0 != .singleQuote && $0 != .doubleQuote })
      {
        for keyword in ["var", "param"] {
          var from = 0
          let declaration = Array("\(keyword) \(value)".utf8)
          while let at = Self.find(declaration, in: bytes, from: from, to: bytes.count, caseInsensitive: false) {
            from = at + 1
            guard at == 0 || bytes[at - 1] == .lineFeed, let open = bytes[at...].firstIndex(of: .openBrace),
              !bytes[at..<open].contains(.lineFeed)
            else { continue }
            result.append(open..<braces.close(of: open))
          }
        }
      } else if format == .json, value.hasPrefix("\"["), value.hasSuffix("')]\"") {
        for (function, section) in [("variables", "variables"), ("parameters", "parameters")] {
          let prefix = "\"[\(function)('"
          guard value.hasPrefix(prefix) else { continue }
          let symbol = String(value.dropFirst(prefix.count).dropLast("')]\"".count))
          for declarations in objects(named: section, in: bytes, within: 0..<bytes.count, braces: braces) {
            for object in objects(named: symbol, in: bytes, within: declarations, braces: braces) {
              result +=
                section == "parameters"
                ? objects(named: "defaultValue", in: bytes, within: object, braces: braces) : [object]
            }
          }
        }
      }
    }
    return result
  }

  /// The `{ ... }` values of the keys `name` (bare or quoted) in `range`, outermost only:
  /// an object nested in an earlier one is searched with it (searching it again reported its
  /// keys twice, and made many nested or unclosed objects quadratic).
  func objects(named name: String, in bytes: [UInt8], within range: Range<Int>, braces: BraceMatcher)
    -> [Range<Int>]
  {
    var result: [Range<Int>] = []
    // Where the last walk from a key stopped: a later key before it stops at the same place
    // (walking again from each of many keys on one line without a `{` was quadratic).
    var walked = -1
    var stop = 0
    for offset in keys(named: name, in: bytes, within: range) {
      if let last = result.last, offset < last.upperBound { continue }
      if offset >= walked {
        var i = offset
        while i < range.upperBound, bytes[i] != .openBrace, bytes[i] != .lineFeed || i == offset { i += 1 }
        braces.work.steps += i - offset
        walked = i
        stop = i
      }
      let i = stop
      guard i < range.upperBound, bytes[i] == .openBrace else { continue }
      result.append(i..<braces.close(of: i, limit: range.upperBound))
    }
    return result
  }

  /// Offsets of the keys `name` (bare, or quoted with `"` or `'`, any case) followed by `=`,
  /// `:` or `{` in `range`.
  ///
  /// The search stops at the end of `range`: searching on to the end of the file made a file
  /// of many credentials objects quadratic.
  private func keys(named name: String, in bytes: [UInt8], within range: Range<Int>) -> [Int] {
    let pattern = Array(name.lowercased().utf8)
    var result: [Int] = []
    var i = range.lowerBound
    while let found = Self.find(pattern, in: bytes, from: i, to: range.upperBound, caseInsensitive: true) {
      i = found + 1
      let end = found + pattern.count
      let before: UInt8 = found > range.lowerBound ? bytes[found - 1] : .space
      let after: UInt8 = end < bytes.count ? bytes[end] : .space
      let quoted = (before == .doubleQuote || before == .singleQuote) && after == before
      guard quoted || (!Self.isWordByte(before) && !Self.isWordByte(after)) else { continue }
      var j = quoted ? end + 1 : end
      while j < bytes.count, bytes[j].isBlank { j += 1 }
      guard j < bytes.count, bytes[j] == .equals || bytes[j] == UInt8(ascii: ":") || bytes[j] == .openBrace else {
        continue
      }
      result.append(quoted ? found - 1 : found)
    }
    return result
  }

  /// Key entries in an APIOps `configuration.<env>.yaml`: a key header under `header:`, or
  /// `code` under `query:`, inside `credentials:`.
  private func yamlCredentialKeys(in bytes: [UInt8]) -> [(offset: Int, isQuery: Bool)] {
    var result: [(Int, Bool)] = []
    var parents: [(indent: Int, key: String)] = []
    var braces: BraceMatcher?
    var lineStart = 0
    while lineStart < bytes.count {
      var lineEnd = lineStart
      while lineEnd < bytes.count, bytes[lineEnd] != .lineFeed { lineEnd += 1 }
      var first = lineStart
      while first < lineEnd, bytes[first] == .space || bytes[first] == .hyphen { first += 1 }
      let indent = first - lineStart
      let text = String(decoding: bytes[first..<lineEnd], as: UTF8.self)
      if let colon = text.firstIndex(of: ":"), !text.hasPrefix("#") {
        let key = text[..<colon].trimmingXMLSpace.trimmingQuotes.lowercased()
        while let last = parents.last, last.indent >= indent { parents.removeLast() }
        let inCredentials = parents.contains { $0.key == "credentials" }
        // A flow mapping (`header: {x-functions-key: ["{{k}}"]}`), read like JSON to its `}`.
        let value = text[text.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        if value.hasPrefix("{"), key == "credentials" || (inCredentials && (key == "header" || key == "query")) {
          let open = first + text.utf8.distance(from: text.utf8.startIndex, to: value.utf8.startIndex)
          // One brace table for the file, made at the first flow mapping.
          let matcher = braces ?? BraceMatcher(bytes, singleQuotedStrings: true)
          braces = matcher
          let close = matcher.close(of: open)
          if key == "credentials" {
            result += credentialKeys(in: bytes, within: first..<close, braces: matcher)
          } else if key == "header" {
            for name in configuration.keyHeaders {
              result += keys(named: name, in: bytes, within: open..<close).map { ($0, false) }
            }
          } else {
            result += keys(named: "code", in: bytes, within: open..<close).map { ($0, true) }
          }
          // Go on after the mapping's line.
          var next = close
          while next < bytes.count, bytes[next] != .lineFeed { next += 1 }
          lineStart = next + 1
          continue
        }
        if inCredentials, parents.last?.key == "header", configuration.keyHeaders.contains(key) {
          result.append((first, false))
        } else if inCredentials, parents.last?.key == "query", key == "code" {
          result.append((first, true))
        }
        parents.append((indent, key))
      }
      lineStart = lineEnd + 1
    }
    return result
  }

  private static func isWordByte(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
      || byte == .underscore || byte == .hyphen || byte == .doubleQuote || byte == .singleQuote
  }

  /// The offset of the first `pattern` at or after `start` that ends by `end`.
  static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int, to end: Int, caseInsensitive: Bool) -> Int? {
    let end = min(end, bytes.count)
    guard !pattern.isEmpty, end >= pattern.count, start <= end - pattern.count else { return nil }
    // On the buffers without bounds checks; the first byte is tested before anything else.
    let first = pattern[0]
    return bytes.withUnsafeBufferPointer { bytes in
      pattern.withUnsafeBufferPointer { pattern in
        var i = max(start, 0)
        let last = end - pattern.count
        while i <= last {
          if (caseInsensitive ? bytes[i].asciiLowercased : bytes[i]) == first {
            var k = 1
            while k < pattern.count, (caseInsensitive ? bytes[i + k].asciiLowercased : bytes[i + k]) == pattern[k] {
              k += 1
            }
            if k == pattern.count { return i }
          }
          i += 1
        }
        return nil
      }
    }
  }

  /// The offset after the `}` matching the `{` at `open`, skipping `"` strings (and, in
  /// Bicep, `'` strings, which end at the next unescaped `'` or the end of the line); `limit`
  /// (by default the end of the file) when none does before it.
  static func matchingBrace(
    in bytes: [UInt8], openingAt open: Int, singleQuotedStrings: Bool = false, limit: Int? = nil
  ) -> Int {
    let scanner = HCLScanner(bytes: bytes)
    let limit = min(limit ?? bytes.count, bytes.count)
    var depth = 0
    var i = open
    while i < limit {
      if let end = BraceMatcher.endOfString(bytes, at: i, scanner: scanner, singleQuotedStrings: singleQuotedStrings) {
        i = end
        continue
      }
      let b = bytes[i]
      if b == .openBrace { depth += 1 }
      if b == .closeBrace {
        depth -= 1
        if depth == 0 { return i + 1 }
      }
      i += 1
    }
    return max(limit, open)
  }
}
