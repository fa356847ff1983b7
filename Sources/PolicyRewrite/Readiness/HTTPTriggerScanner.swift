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
    let mentions = text.ranges(of: #/"type"\s*:\s*"httpTrigger"/#.ignoresCase()).map {
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
    let call = #/\bapp\s*\.\s*(?:http|get|post|put|patch|deleteRequest)\s*(\()\s*(["'`])([^"'`]*)\2/#
    return code.text.matches(of: call.wordBoundaryKind(.simple)).map { match in
      let arguments = code.arguments(openingAt: match.output.1.startIndex) ?? code.text[match.output.1.startIndex...]
      let level = setting(#/\bauthLevel\s*:\s*([^,}\n]+)/#, in: arguments) ?? Level(.anonymous)
      return code.trigger(String(match.output.3), level, at: match.range.lowerBound, language)
    }
  }

  // MARK: - C#

  private static func cSharp(_ code: SourceCodeText) -> [HTTPTrigger] {
    let isolated = code.text.contains("Microsoft.Azure.Functions.Worker")
    let names = code.text.matches(
      of: #/\[\s*Function(?:Name)?(?:Attribute)?\s*\(\s*(?:"([^"]*)"|nameof\s*\(\s*([\w.]+)\s*\))/#
    ).map { ($0.range.lowerBound, String($0.output.1 ?? $0.output.2?.split(separator: ".").last ?? "?")) }
    var result: [HTTPTrigger] = []
    for match in code.text.matches(of: #/\bHttpTrigger(?:Attribute)?\b\s*(\()?/#.wordBoundaryKind(.simple)) {
      // An attribute: preceded by `[` or `,` within an attribute list.
      let before = code.text[..<match.range.lowerBound].reversed().first { !$0.isWhitespace }
      guard before == "[" || before == "," else { continue }
      let arguments = match.output.1.flatMap { code.arguments(openingAt: $0.startIndex) } ?? ""
      // HttpTriggerAttribute(params string[] methods) leaves AuthLevel at the enum's first value
      // in the isolated worker, Anonymous; the other constructors set Function.
      let fallback = Level(isolated && arguments.contains("\"") ? .anonymous : .function)
      let level =
        setting(#/AuthorizationLevel\s*\.\s*(\w+)/#, in: arguments)
        ?? arguments.firstMatch(of: #/\bAuthLevel\s*=\s*([^,)]+)/#.wordBoundaryKind(.simple)).map {
          Level(.unknown, written: $0.output.1.trimmingXMLSpace)
        } ?? fallback
      let name = names.last { $0.0 < match.range.lowerBound }?.1 ?? "?"
      result.append(code.trigger(name, level, at: match.range.lowerBound, .cSharp))
    }
    return result
  }

  // MARK: - Python (programming model v2)

  private static func python(_ code: SourceCodeText) -> [HTTPTrigger] {
    var app = Level(.function)
    for match in code.text.matches(of: #/\b(?:Asgi|Wsgi)?FunctionApp\s*(\()/#.wordBoundaryKind(.simple)) {
      let arguments = code.arguments(openingAt: match.output.1.startIndex) ?? ""
      app = setting(#/\bhttp_auth_level\s*=\s*([^,)]+)/#, in: arguments) ?? app
    }
    let functionName = #/function_name\s*\(\s*(?:name\s*=\s*)?["']([^"']+)["']/#
    return code.text.matches(of: #/@\s*\w+\s*\.\s*route\s*(\()/#).map { route in
      let arguments = code.arguments(openingAt: route.output.1.startIndex) ?? ""
      let level = setting(#/\bauth_level\s*=\s*([^,)]+)/#, in: arguments) ?? app
      // The name: a function_name decorator next to the route, or the decorated function's.
      let after = code.text[route.range.upperBound...]
      let definition = after.firstMatch(of: #/\bdef\s+(\w+)/#.wordBoundaryKind(.simple))
      let decorators = after[..<(definition?.range.lowerBound ?? after.endIndex)]
      let explicit =
        decorators.firstMatch(of: functionName)
        ?? code.text[..<route.range.lowerBound].matches(of: functionName).last.flatMap { match in
          code.text[match.range.upperBound..<route.range.lowerBound].allSatisfy { $0.isWhitespace || $0 == ")" }
            ? match : nil
        }
      let name = explicit.map { String($0.output.1) } ?? definition.map { String($0.output.1) } ?? "?"
      return code.trigger(name, level, at: route.range.lowerBound, .python)
    }
  }

  // MARK: - Java

  private static func java(_ code: SourceCodeText) -> [HTTPTrigger] {
    let names = code.text.matches(of: #/@\s*FunctionName\s*\(\s*"([^"]*)"/#).map {
      ($0.range.lowerBound, String($0.output.1))
    }
    return code.text.matches(of: #/@\s*HttpTrigger\s*(\()/#).map { match in
      let arguments = code.arguments(openingAt: match.output.1.startIndex) ?? ""
      let level = setting(#/\bauthLevel\s*=\s*([^,)]+)/#, in: arguments) ?? Level(.function)
      let name = names.last { $0.0 < match.range.lowerBound }?.1 ?? "?"
      return code.trigger(name, level, at: match.range.lowerBound, .java)
    }
  }

  // MARK: - Levels

  /// A level, and whether it was written or is the default.
  struct Level {
    var level: HTTPTrigger.AuthLevel
    var written: String?
    var isDefault: Bool

    /// A default level.
    init(_ level: HTTPTrigger.AuthLevel) {
      (self.level, written, isDefault) = (level, nil, true)
    }

    /// A written level.
    init(_ level: HTTPTrigger.AuthLevel, written: String?) {
      (self.level, self.written, isDefault) = (level, written, false)
    }
  }

  /// The level an option of `arguments` sets (its value as the pattern's capture), or `nil`
  /// when the option is absent.
  private static func setting(_ pattern: Regex<(Substring, Substring)>, in arguments: Substring) -> Level? {
    arguments.firstMatch(of: pattern.wordBoundaryKind(.simple)).map {
      let (level, written) = level(written: $0.output.1)
      return Level(level, written: written)
    }
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
