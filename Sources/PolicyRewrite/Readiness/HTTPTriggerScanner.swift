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
    let call = #/\bapp\s*\.\s*(?:http|get|post|put|patch|deleteRequest)\s*(\()\s*(["'`])([^"'`]*)\2/#.wordBoundaryKind(
      .simple)
    var result: [HTTPTrigger] = []
    for match in code.text.matches(of: call) {
      let open = match.output.1.startIndex
      let arguments = code.arguments(openingAt: open) ?? code.text[open...]
      var level = HTTPTrigger.AuthLevel.anonymous
      var written: String?
      var isDefault = true
      if let option = arguments.firstMatch(of: #/\bauthLevel\s*:\s*([^,}\n]+)/#.wordBoundaryKind(.simple)) {
        isDefault = false
        (level, written) = Self.level(written: option.output.1)
      }
      result.append(
        HTTPTrigger(
          function: String(match.output.3), authLevel: level, isDefault: isDefault, written: written,
          line: code.line(of: match.range.lowerBound), language: language))
    }
    return result
  }

  // MARK: - C#

  private static func cSharp(_ code: SourceCodeText) -> [HTTPTrigger] {
    let isolated = code.text.contains("Microsoft.Azure.Functions.Worker")
    let names = code.text.matches(
      of: #/\[\s*Function(?:Name)?(?:Attribute)?\s*\(\s*(?:"([^"]*)"|nameof\s*\(\s*([\w.]+)\s*\))/#
    )
    .map { match in
      (
        match.range.lowerBound,
        String(match.output.1 ?? match.output.2.map { $0.split(separator: ".").last ?? $0 } ?? "")
      )
    }
    var result: [HTTPTrigger] = []
    for match in code.text.matches(of: #/\bHttpTrigger(?:Attribute)?\b\s*(\()?/#.wordBoundaryKind(.simple)) {
      // An attribute: preceded by `[` or `,` within an attribute list.
      let before = code.text[..<match.range.lowerBound].reversed().first { !$0.isWhitespace }
      guard before == "[" || before == "," else { continue }
      let arguments = match.output.1.flatMap { code.arguments(openingAt: $0.startIndex) } ?? ""
      var level = HTTPTrigger.AuthLevel.function
      var written: String?
      var isDefault = true
      if let named = arguments.firstMatch(of: #/AuthorizationLevel\s*\.\s*(\w+)/#) {
        isDefault = false
        (level, written) = Self.level(written: named.output.1)
      } else if let other = arguments.firstMatch(of: #/\bAuthLevel\s*=\s*([^,)]+)/#.wordBoundaryKind(.simple)) {
        isDefault = false
        (level, written) = (.unknown, other.output.1.trimmingXMLSpace)
      } else if isolated, arguments.contains(where: { $0 == "\"" }) {
        // HttpTriggerAttribute(params string[] methods) leaves AuthLevel at the enum's first
        // value in the isolated worker: Anonymous.
        level = .anonymous
      }
      let name = names.last { $0.0 < match.range.lowerBound }?.1 ?? "?"
      result.append(
        HTTPTrigger(
          function: name, authLevel: level, isDefault: isDefault, written: written,
          line: code.line(of: match.range.lowerBound), language: .cSharp))
    }
    return result
  }

  // MARK: - Python (programming model v2)

  private static func python(_ code: SourceCodeText) -> [HTTPTrigger] {
    var appLevel = HTTPTrigger.AuthLevel.function
    var appWritten: String?
    var appIsDefault = true
    for app in code.text.matches(of: #/\b(?:Asgi|Wsgi)?FunctionApp\s*(\()/#.wordBoundaryKind(.simple)) {
      let arguments = code.arguments(openingAt: app.output.1.startIndex) ?? ""
      if let level = arguments.firstMatch(of: #/\bhttp_auth_level\s*=\s*([^,)]+)/#.wordBoundaryKind(.simple)) {
        appIsDefault = false
        (appLevel, appWritten) = Self.level(written: level.output.1)
      }
    }
    var result: [HTTPTrigger] = []
    for route in code.text.matches(of: #/@\s*\w+\s*\.\s*route\s*(\()/#) {
      let arguments = code.arguments(openingAt: route.output.1.startIndex) ?? ""
      var (level, written, isDefault) = (appLevel, appWritten, appIsDefault)
      if let option = arguments.firstMatch(of: #/\bauth_level\s*=\s*([^,)]+)/#.wordBoundaryKind(.simple)) {
        isDefault = false
        (level, written) = Self.level(written: option.output.1)
      }
      let after = code.text[route.range.upperBound...]
      let definition = after.firstMatch(of: #/\bdef\s+(\w+)/#.wordBoundaryKind(.simple))
      var name = definition.map { String($0.output.1) } ?? "?"
      let decorators = after[..<(definition?.range.lowerBound ?? after.endIndex)]
      if let explicit = decorators.firstMatch(of: #/function_name\s*\(\s*(?:name\s*=\s*)?["']([^"']+)["']/#) {
        name = String(explicit.output.1)
      } else if let before = code.text[..<route.range.lowerBound].matches(
        of: #/function_name\s*\(\s*(?:name\s*=\s*)?["']([^"']+)["']\s*\)\s*$/#
      ).last {
        name = String(before.output.1)
      }
      result.append(
        HTTPTrigger(
          function: name, authLevel: level, isDefault: isDefault, written: written,
          line: code.line(of: route.range.lowerBound), language: .python))
    }
    return result
  }

  // MARK: - Java

  private static func java(_ code: SourceCodeText) -> [HTTPTrigger] {
    let names = code.text.matches(of: #/@\s*FunctionName\s*\(\s*"([^"]*)"/#).map {
      ($0.range.lowerBound, String($0.output.1))
    }
    var result: [HTTPTrigger] = []
    for match in code.text.matches(of: #/@\s*HttpTrigger\s*(\()/#) {
      let arguments = code.arguments(openingAt: match.output.1.startIndex) ?? ""
      var level = HTTPTrigger.AuthLevel.function
      var written: String?
      var isDefault = true
      if let option = arguments.firstMatch(of: #/\bauthLevel\s*=\s*([^,)]+)/#.wordBoundaryKind(.simple)) {
        isDefault = false
        (level, written) = Self.level(written: option.output.1)
      }
      let name = names.last { $0.0 < match.range.lowerBound }?.1 ?? "?"
      result.append(
        HTTPTrigger(
          function: name, authLevel: level, isDefault: isDefault, written: written,
          line: code.line(of: match.range.lowerBound), language: .java))
    }
    return result
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
