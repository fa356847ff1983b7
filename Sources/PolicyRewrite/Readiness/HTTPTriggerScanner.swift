import FoundationEssentials
import PolicyDOM

/// Finds the HTTP triggers of Function App code and the authorization level each has, in the
/// ways each language declares them, with each language's own default when none is written:
///
/// | declaration | default level |
/// |---|---|
/// | `function.json` binding `"type": "httpTrigger"` (any language, PowerShell included) | `function` |
/// | JavaScript/TypeScript v4 `app.http(name, { authLevel })`, `app.get`, `app.post`… | `anonymous` |
/// | C# `[HttpTrigger(AuthorizationLevel.X, …)]` | `function`; with only methods, `anonymous` in the isolated worker |
/// | Python v2 `@app.route(auth_level=…)` | the app's `http_auth_level`, itself `function` by default |
/// | Java `@HttpTrigger(authLevel = AuthorizationLevel.X)` | `function` |
///
/// Comments are ignored; a level written as something other than a literal is `unknown`.
public enum HTTPTriggerScanner {
  /// The language of a file by its name, or `nil` when it cannot declare a trigger.
  public static func language(ofPath path: String) -> HTTPTrigger.Language? {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    if name == "function.json" { return .functionJSON }
    guard let dot = name.lastIndex(of: ".") else { return nil }
    switch name[name.index(after: dot)...].lowercased() {
    case "js", "mjs", "cjs": return .javaScript
    case "ts", "mts", "cts": return .typeScript
    case "cs": return .cSharp
    case "py": return .python
    case "java": return .java
    default: return nil
    }
  }

  /// Every HTTP trigger declared in `bytes`, the file at `path`.
  public static func triggers(in bytes: [UInt8], path: String) -> [HTTPTrigger] {
    guard let language = language(ofPath: path) else { return [] }
    switch language {
    case .functionJSON: return functionJSON(bytes, path: path)
    case .javaScript, .typeScript: return javaScript(SourceCodeText(bytes, syntax: .cLike), language: language)
    case .cSharp: return cSharp(SourceCodeText(bytes, syntax: .cLike))
    case .python: return python(SourceCodeText(bytes, syntax: .python))
    case .java: return java(SourceCodeText(bytes, syntax: .cLike))
    }
  }

  // MARK: - function.json

  private struct FunctionJSON: Decodable {
    struct Binding: Decodable {
      var type: String?
      var authLevel: String?
    }
    var bindings: [Binding]?
  }

  private static func functionJSON(_ bytes: [UInt8], path: String) -> [HTTPTrigger] {
    guard let document = try? JSONDecoder().decode(FunctionJSON.self, from: Data(bytes)) else { return [] }
    let folders = path.split(separator: "/").dropLast()
    let name = folders.last.map(String.init) ?? "function"
    let text = String(decoding: bytes, as: UTF8.self)
    let lines = LineMap(bytes)
    let mentions = text.ranges(of: Self.functionJSONTrigger).map {
      lines.location(of: text.utf8.distance(from: text.startIndex, to: $0.lowerBound)).line
    }
    var result: [HTTPTrigger] = []
    for binding in document.bindings ?? [] where binding.type?.lowercased() == "httptrigger" {
      let line = result.count < mentions.count ? mentions[result.count] : 1
      let (level, written) = binding.authLevel.map(level(named:)) ?? (.function, nil)
      result.append(
        HTTPTrigger(
          function: name, authLevel: level, isDefault: binding.authLevel == nil, written: written, line: line,
          language: .functionJSON))
    }
    return result
  }

  // MARK: - JavaScript and TypeScript (programming model v4)

  private static func javaScript(_ code: SourceCodeText, language: HTTPTrigger.Language) -> [HTTPTrigger] {
    let call = Self.jsCall

    var result: [HTTPTrigger] = []
    for match in matches(of: call, at: "app", in: code.text) {
      let open = match.output.1.startIndex
      let arguments = code.arguments(openingAt: open) ?? code.text[open...]
      let level = setting(Self.jsAuthLevel, in: arguments) ?? Level(default: .anonymous)
      result.append(code.trigger(String(match.output.3), level, at: match.range.lowerBound, language))
    }
    return result
  }

  // MARK: - C#

  private static func cSharp(_ code: SourceCodeText) -> [HTTPTrigger] {
    let isolated = code.text.contains("Microsoft.Azure.Functions.Worker")
    let names = matches(
      of: Self.csFunctionName, at: "Function",
      in: code.text, after: "["
    )
    .map { match in
      (
        match.range.lowerBound,
        String(match.output.1 ?? match.output.2.map { $0.split(separator: ".").last ?? $0 } ?? "")
      )
    }
    var result: [HTTPTrigger] = []
    for match in matches(
      of: Self.csHttpTrigger, at: "HttpTrigger", in: code.text)
    {
      // An attribute: preceded by `[` or `,` within an attribute list.
      let before = code.text[..<match.range.lowerBound].reversed().first { !$0.isWhitespace }
      guard before == "[" || before == "," else { continue }
      let arguments = match.output.1.flatMap { code.arguments(openingAt: $0.startIndex) } ?? ""
      // HttpTriggerAttribute(params string[] methods) leaves AuthLevel at the enum's first
      // value in the isolated worker, Anonymous; the other constructors set Function.
      let fallback = Level(default: isolated && arguments.contains("\"") ? .anonymous : .function)
      let level =
        setting(Self.csAuthorizationLevel, in: arguments)
        ?? arguments.firstMatch(of: Self.csAuthLevelProperty).map {
          Level(.unknown, written: $0.output.1.trimmingXMLSpace)
        } ?? fallback
      let name = names.last { $0.0 < match.range.lowerBound }?.1 ?? "?"
      result.append(code.trigger(name, level, at: match.range.lowerBound, .cSharp))
    }
    return result
  }

  // MARK: - Python (programming model v2)

  private static func python(_ code: SourceCodeText) -> [HTTPTrigger] {
    var app = Level(default: .function)
    for match in matches(
      of: Self.pyFunctionApp, at: "FunctionApp", in: code.text, prefixes: ["Asgi", "Wsgi"])
    {
      let arguments = code.arguments(openingAt: match.output.1.startIndex) ?? ""
      app = setting(Self.pyHttpAuthLevel, in: arguments) ?? app
    }
    var result: [HTTPTrigger] = []
    for route in matches(of: Self.pyRoute, at: "@", in: code.text, boundary: false) {
      let arguments = code.arguments(openingAt: route.output.1.startIndex) ?? ""
      let level = setting(Self.pyAuthLevel, in: arguments) ?? app
      let after = code.text[route.range.upperBound...]
      let definition = after.firstMatch(of: Self.pyDefinition)
      var name = definition.map { String($0.output.1) } ?? "?"
      let decorators = after[..<(definition?.range.lowerBound ?? after.endIndex)]
      if let explicit = decorators.firstMatch(of: Self.pyFunctionName) {
        name = String(explicit.output.1)
      } else if let before = code.text[
        (code.text.index(route.range.lowerBound, offsetBy: -300, limitedBy: code.text.startIndex)
          ?? code.text.startIndex)..<route.range.lowerBound
      ].matches(
        of: Self.pyFunctionNameBefore
      ).last {
        name = String(before.output.1)
      }
      result.append(code.trigger(name, level, at: route.range.lowerBound, .python))
    }
    return result
  }

  // MARK: - Java

  private static func java(_ code: SourceCodeText) -> [HTTPTrigger] {
    let names = matches(of: Self.javaFunctionName, at: "@", in: code.text, boundary: false).map {
      ($0.range.lowerBound, String($0.output.1))
    }
    var result: [HTTPTrigger] = []
    for match in matches(of: Self.javaHttpTrigger, at: "@", in: code.text, boundary: false) {
      let arguments = code.arguments(openingAt: match.output.1.startIndex) ?? ""
      let level = setting(Self.javaAuthLevel, in: arguments) ?? Level(default: .function)
      let name = names.last { $0.0 < match.range.lowerBound }?.1 ?? "?"
      result.append(code.trigger(name, level, at: match.range.lowerBound, .java))
    }
    return result
  }

  // MARK: - Levels

  /// A trigger's level as the code gives it: written, or the language's default.
  struct Level {
    var level: HTTPTrigger.AuthLevel
    var written: String?
    var isDefault: Bool

    init(default level: HTTPTrigger.AuthLevel) { (self.level, written, isDefault) = (level, nil, true) }

    init(_ level: HTTPTrigger.AuthLevel, written: String?) {
      (self.level, self.written, isDefault) = (level, written, false)
    }
  }

  /// The level an option of `arguments` sets (its value is the pattern's capture), or `nil`
  /// when the option is absent.
  private static func setting(_ pattern: Regex<(Substring, Substring)>, in arguments: Substring) -> Level? {
    arguments.firstMatch(of: pattern).map {
      let (level, written) = level(written: $0.output.1)
      return Level(level, written: written)
    }
  }

  // MARK: - Patterns

  // Compiled once: a regex literal is parsed again at every evaluation. (The projects are
  // scanned on one thread; a Regex lowers its program once, atomically.)

  nonisolated(unsafe) private static let functionJSONTrigger = #/"type"\s*:\s*"httpTrigger"/#.ignoresCase()
  nonisolated(unsafe) private static let jsCall =
    #/\bapp\s*\.\s*(?:http|get|post|put|patch|deleteRequest)\s*(\()\s*(["'`])([^"'`]*)\2/#.wordBoundaryKind(.simple)
  nonisolated(unsafe) private static let jsAuthLevel = #/\bauthLevel\s*:\s*([^,}\n]+)/#.wordBoundaryKind(.simple)
  nonisolated(unsafe) private static let csFunctionName =
    #/Function(?:Name)?(?:Attribute)?\s*\(\s*(?:"([^"]*)"|nameof\s*\(\s*([\w.]+)\s*\))/#
  nonisolated(unsafe) private static let csHttpTrigger = #/HttpTrigger(?:Attribute)?\b\s*(\()?/#.wordBoundaryKind(
    .simple)
  nonisolated(unsafe) private static let csAuthorizationLevel = #/AuthorizationLevel\s*\.\s*(\w+)/#
  nonisolated(unsafe) private static let csAuthLevelProperty = #/\bAuthLevel\s*=\s*([^,)]+)/#.wordBoundaryKind(.simple)
  nonisolated(unsafe) private static let pyFunctionApp = #/(?:Asgi|Wsgi)?FunctionApp\s*(\()/#
  nonisolated(unsafe) private static let pyHttpAuthLevel = #/\bhttp_auth_level\s*=\s*([^,)]+)/#.wordBoundaryKind(
    .simple)
  nonisolated(unsafe) private static let pyRoute = #/@\s*\w+\s*\.\s*route\s*(\()/#
  nonisolated(unsafe) private static let pyAuthLevel = #/\bauth_level\s*=\s*([^,)]+)/#.wordBoundaryKind(.simple)
  nonisolated(unsafe) private static let pyDefinition = #/\bdef\s+(\w+)/#.wordBoundaryKind(.simple)
  nonisolated(unsafe) private static let pyFunctionName = #/function_name\s*\(\s*(?:name\s*=\s*)?["']([^"']+)["']/#
  nonisolated(unsafe) private static let pyFunctionNameBefore =
    #/function_name\s*\(\s*(?:name\s*=\s*)?["']([^"']+)["']\s*\)\s*$/#
  nonisolated(unsafe) private static let javaFunctionName = #/@\s*FunctionName\s*\(\s*"([^"]*)"/#
  nonisolated(unsafe) private static let javaHttpTrigger = #/@\s*HttpTrigger\s*(\()/#
  nonisolated(unsafe) private static let javaAuthLevel = #/\bauthLevel\s*=\s*([^,)]+)/#.wordBoundaryKind(.simple)

  // MARK: - Matching

  /// The matches of `regex` that start where `needle` occurs in `text` (or, with `prefixes`,
  /// where one of them directly precedes it): a byte search finds the few places a declaration
  /// can start, and the regex is tried there only, instead of at every position of the file.
  /// - Parameters:
  ///   - boundary: Whether the match must start a word (not follow a letter, digit, `_` or `$`).
  ///   - after: A character that must be the nearest non-blank one before the match.
  private static func matches<Output>(
    of regex: Regex<Output>, at needle: StaticString, in text: String, prefixes: [String] = [],
    boundary: Bool = true, after: Character? = nil
  ) -> [Regex<Output>.Match] {
    let bytes = Array(text.utf8)
    var result: [Regex<Output>.Match] = []
    var from = 0
    var resumeAt = text.startIndex
    while let found = bytes.firstOffset(of: needle, from: from) {
      from = found + 1
      var start = found
      for prefix in prefixes where start >= prefix.utf8.count {
        if bytes[(start - prefix.utf8.count)..<start].elementsEqual(prefix.utf8) {
          start -= prefix.utf8.count
          break
        }
      }
      if boundary, start > 0, isIdentifierByte(bytes[start - 1]) { continue }
      if let after {
        let previous = bytes[..<start].last { !$0.isXMLSpace }
        guard let previous, Character(Unicode.Scalar(previous)) == after else { continue }
      }
      let index = text.utf8.index(text.startIndex, offsetBy: start)
      guard index >= resumeAt, let match = try? regex.prefixMatch(in: text[index...]) else { continue }
      result.append(match)
      resumeAt = match.range.upperBound
    }
    return result
  }

  private static func isIdentifierByte(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
      || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == .underscore || byte == .dollar
      || byte >= 0x80
  }

  // MARK: - Levels

  /// The level a written value stands for: a string or an enum member (`"function"`,
  /// `AuthorizationLevel.Anonymous`, `func.AuthLevel.ADMIN`); anything else is unknown.
  private static func level(written: Substring) -> (HTTPTrigger.AuthLevel, String?) {
    let value = written.trimmingXMLSpace
    var name = value
    if let quote = value.first, quote == "\"" || quote == "'" || quote == "`", value.count >= 2, value.last == quote {
      name = String(value.dropFirst().dropLast())
    } else if let last = value.split(separator: ".").last,
      value.split(separator: ".").dropLast().last.map({ $0 == "AuthorizationLevel" || $0 == "AuthLevel" }) ?? true
    {
      name = String(last)
    } else {
      return (.unknown, value)
    }
    return level(named: name)
  }

  private static func level(named name: String) -> (HTTPTrigger.AuthLevel, String?) {
    switch name.lowercased() {
    case "anonymous": (.anonymous, nil)
    case "function": (.function, nil)
    case "admin", "system": (.admin, nil)
    default: (.unknown, name)
    }
  }
}
