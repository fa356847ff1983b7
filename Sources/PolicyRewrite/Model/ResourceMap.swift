import FoundationEssentials
import PolicyDOM

/// Which resource (audience) each key injection gets.
///
/// Per injection, in this order: the entry for the named value that the injection's
/// `<value>` references, then the most specific path glob that matches the file, then the
/// default. `byPath` globs match the file's path relative to ``baseDirectory`` (the folder
/// that holds the map file), so a map gives the same answer from any working directory; a file
/// outside that folder never matches `byPath`. Read from JSON:
///
/// ```json
/// {"default": "11111111-2222-3333-4444-555555555555",
///  "byNamedValue": {"orders-func-key": "api://orders"},
///  "byPath": {"apis/orders/**": "{{orders-audience}}"}}
/// ```
public struct ResourceMap: Sendable, Hashable {
  /// The resource for injections that no other entry matches.
  public var defaultResource: Resource?
  /// Resources by the display name of the named value that holds the key.
  public var byNamedValue: [String: Resource]
  /// Resources by file path glob; the most specific matching glob wins.
  public var byPath: [(glob: Glob, resource: Resource)] {
    didSet { byPath.sort { ($0.glob.specificity, $1.glob.pattern) > ($1.glob.specificity, $0.glob.pattern) } }
  }

  /// The code folder of each Function App by its name (`functionApps`), relative to
  /// ``baseDirectory``: how the readiness verdict links a Functions project to its app.
  public var functionAppCode: [String: String] = [:]
  /// The absolute folder that `byPath` globs are relative to (the map file's folder); `nil`
  /// matches globs against the path as given.
  public var baseDirectory: String?
  /// Whether ``defaultResource`` was given on the command line (`--resource`) rather than by
  /// the map's `default`.
  public var defaultIsFromCommandLine = false
  /// Whether every injection must be resolved by a `byNamedValue` or `byPath` entry
  /// (`--strict-map`): falling back to the default is then an error for that file.
  public var requiresMapEntry = false
  /// The names of the named values declared in Terraform, by resource address: a key written
  /// as `{{${azurerm_api_management_named_value.X.name}}}` is looked up in ``byNamedValue``
  /// under the name that resource declares.
  public var terraformNamedValues: [String: String] = [:]

  /// Creates a map.
  public init(
    defaultResource: Resource? = nil, byNamedValue: [String: Resource] = [:],
    byPath: [(glob: Glob, resource: Resource)] = []
  ) {
    self.defaultResource = defaultResource
    self.byNamedValue = byNamedValue
    self.byPath = byPath.sorted { ($0.glob.specificity, $1.glob.pattern) > ($1.glob.specificity, $0.glob.pattern) }
  }

  /// Why a resource map could not be read.
  public struct InvalidMap: Error, Sendable, CustomStringConvertible {
    /// What is wrong, for people.
    public var description: String
    /// The 1-based line in the map file where the problem is, when known.
    public var line: Int
    /// The 1-based column (in characters) in the map file, when known.
    public var column: Int
    /// The map's other problems, in file order: a skeleton from `plan --emit-map` is reported
    /// whole, not one entry per run.
    public var others: [InvalidMap] = []

    /// Creates an error with its description and where in the map it is.
    public init(description: String, line: Int = 1, column: Int = 1) {
      self.description = description
      self.line = line
      self.column = column
    }
  }

  /// Reads a map from its JSON form.
  /// - Throws: ``InvalidMap`` for malformed JSON, unknown keys or an invalid resource, with the
  ///   line and column of the problem.
  public init(json: [UInt8]) throws(InvalidMap) {
    func invalid(_ message: String, at offset: Int?) -> InvalidMap {
      let (line, column) = JSONSyntax.location(of: offset ?? 0, in: json)
      return InvalidMap(description: message, line: line, column: column)
    }
    let form = "{\"default\": R, \"byNamedValue\": {NAME: R}, \"byPath\": {GLOB: R}}"
    if let offset = JSONSyntax.firstError(in: json) {
      throw invalid("resource map is not valid JSON (expected \(form))", at: offset)
    }
    // A decoder keeps one of two values of a key: which one the map meant cannot be told.
    if let offset = JSONSyntax.firstDuplicateKey(in: json) {
      throw invalid("resource map names this key twice in the same object; keep one", at: offset)
    }
    guard case .object(let object)? = try? JSONDecoder().decode(MapValue.self, from: Data(json)) else {
      throw invalid("resource map must be a JSON object of the form \(form)", at: 0)
    }
    for key in object.keys.sorted() where !["default", "byNamedValue", "byPath", "functionApps"].contains(key) {
      throw invalid(
        "unknown key '\(key)' in the resource map (expected default, byNamedValue, byPath, functionApps)",
        at: JSONSyntax.offset(ofString: key, in: json))
    }
    func resource(_ value: MapValue?, named key: String) throws(InvalidMap) -> Resource {
      guard case .string(let text)? = value else {
        throw invalid("'\(key)' must be a string resource", at: JSONSyntax.offset(ofString: key, in: json))
      }
      if text.isEmpty {
        throw invalid(
          "no resource yet for '\(key)': fill in the client id (a GUID or api:// URI) of its Function App's Entra ID application",
          at: JSONSyntax.offset(ofString: key, in: json))
      }
      do {
        return try Resource(validating: text)
      } catch {
        throw invalid("resource map: \(error)", at: JSONSyntax.offset(ofString: text, in: json))
      }
    }
    func entries(_ key: String) throws(InvalidMap) -> [(String, Resource)] {
      guard let value = object[key] else { return [] }
      guard case .object(let table) = value else {
        throw invalid("'\(key)' must be an object of NAME: R", at: JSONSyntax.offset(ofString: key, in: json))
      }
      var result: [(String, Resource)] = []
      for name in table.keys.sorted() {
        do {
          result.append((name, try resource(table[name], named: name)))
        } catch {
          failures.append(error)
        }
      }
      return result
    }
    var failures: [InvalidMap] = []
    var defaultResource: Resource?
    do {
      defaultResource = try object["default"].map { value throws(InvalidMap) in try resource(value, named: "default") }
    } catch {
      failures.append(error)
    }
    let byNamedValue = Dictionary(try entries("byNamedValue"), uniquingKeysWith: { first, _ in first })
    let byPath = try entries("byPath").map { (Glob($0.0), $0.1) }
    failures.sort { ($0.line, $0.column) < ($1.line, $1.column) }
    if var first = failures.first {
      first.others = Array(failures.dropFirst())
      throw first
    }
    self.init(defaultResource: defaultResource, byNamedValue: byNamedValue, byPath: byPath)
    functionAppCode = try Self.functionAppCode(object["functionApps"], json: json, invalid: invalid)
  }

  /// `"functionApps": {"APP": {"code": "FOLDER"}}`: the code folder of each Function App.
  private static func functionAppCode(
    _ value: MapValue?, json: [UInt8], invalid: (String, Int?) -> InvalidMap
  ) throws(InvalidMap) -> [String: String] {
    guard let value else { return [:] }
    let form = "'functionApps' must be an object of APP: {\"code\": FOLDER}"
    guard case .object(let apps) = value else {
      throw invalid(form, JSONSyntax.offset(ofString: "functionApps", in: json))
    }
    var result: [String: String] = [:]
    for name in apps.keys.sorted() {
      guard case .object(let entry)? = apps[name], case .string(let folder)? = entry["code"], !folder.isEmpty else {
        throw invalid(form, JSONSyntax.offset(ofString: name, in: json))
      }
      for key in entry.keys.sorted() where key != "code" {
        throw invalid(
          "unknown key '\(key)' in functionApps.\(name) (expected code)", JSONSyntax.offset(ofString: key, in: json))
      }
      result[name] = folder
    }
    return result
  }

  /// Whether the map has no entry at all.
  public var isEmpty: Bool { defaultResource == nil && byNamedValue.isEmpty && byPath.isEmpty }

  /// The resource for a key held by `namedValue` (if known) in the file at `path`.
  public func resource(namedValue: String?, path: String) -> Resource? {
    resolve(namedValue: namedValue, path: path).resource
  }

  /// The resource for a key held by `namedValue` (if known) in the file at `path`, and why.
  /// - Parameters:
  ///   - namedValue: The display name of the named value that holds the key.
  ///   - path: The file's path: absolute when ``baseDirectory`` is set, else as given.
  public func resolve(namedValue: String?, path: String) -> ResourceResolution {
    let name = namedValue.map { reference in
      Declaration.terraformAddress(inReference: reference).flatMap { terraformNamedValues[$0] } ?? reference
    }
    if let name, let resource = byNamedValue[name] {
      return ResourceResolution(resource: resource, source: .namedValue, entry: name)
    }
    if let relative = pathForGlobs(path), let match = byPath.first(where: { $0.glob.matches(relative) }) {
      return ResourceResolution(resource: match.resource, source: .path, entry: match.glob.pattern)
    }
    if let defaultResource {
      return ResourceResolution(resource: defaultResource, source: defaultIsFromCommandLine ? .commandLine : .default)
    }
    return ResourceResolution(resource: nil, source: .none)
  }

  /// The path that `byPath` globs see: relative to ``baseDirectory``, or `nil` outside it.
  private func pathForGlobs(_ path: String) -> String? {
    guard let baseDirectory else { return path }
    let base = baseDirectory.hasSuffix("/") ? baseDirectory : baseDirectory + "/"
    if base == "/" { return path.hasPrefix("/") ? String(path.dropFirst()) : nil }
    return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : nil
  }

  /// Whether two maps give every injection the same resource.
  public static func == (lhs: ResourceMap, rhs: ResourceMap) -> Bool {
    lhs.defaultResource == rhs.defaultResource && lhs.byNamedValue == rhs.byNamedValue
      && lhs.baseDirectory == rhs.baseDirectory && lhs.defaultIsFromCommandLine == rhs.defaultIsFromCommandLine
      && lhs.requiresMapEntry == rhs.requiresMapEntry && lhs.terraformNamedValues == rhs.terraformNamedValues
      && lhs.byPath.map(\.glob) == rhs.byPath.map(\.glob) && lhs.byPath.map(\.resource) == rhs.byPath.map(\.resource)
  }

  /// Hashes the same parts that `==` compares.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(defaultResource)
    hasher.combine(byNamedValue)
    hasher.combine(baseDirectory)
    for entry in byPath {
      hasher.combine(entry.glob)
      hasher.combine(entry.resource)
    }
  }
}

/// A JSON value as far as a resource map cares: strings, objects, and anything else.
private enum MapValue: Decodable {
  case string(String)
  case object([String: MapValue])
  case other

  init(from decoder: any Decoder) throws {
    if let text = try? decoder.singleValueContainer().decode(String.self) {
      self = .string(text)
    } else if let table = try? decoder.singleValueContainer().decode([String: MapValue].self) {
      self = .object(table)
    } else {
      self = .other
    }
  }
}
