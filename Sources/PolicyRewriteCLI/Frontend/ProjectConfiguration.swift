import FoundationEssentials
import PolicyRewrite

/// `.policy-rewrite.json`: the options a repository gives every run (CI jobs, pre-commit hooks,
/// people), found in the current folder or its nearest parent that has one.
///
/// ```json
/// {"include": ["apim/**/*.xml"], "exclude": ["samples/**"], "ignore-rule": ["key-outside-inbound"],
///  "baseline": "policy-rewrite.baseline.json", "resource-map": "resource-map.json", "strict-map": true}
/// ```
///
/// Paths and globs are relative to the file's folder. A command-line option replaces the
/// file's value (a list given on the command line replaces the file's list). Unknown keys and
/// values of the wrong type are errors with their line and column.
public struct ProjectConfiguration: Sendable, Equatable {
  /// The file name looked for.
  public static let fileName = ".policy-rewrite.json"
  /// The keys the file may hold (`$schema` names the JSON Schema, for editors).
  public static let keys = ["$schema", "include", "exclude", "ignore-rule", "baseline", "resource-map", "strict-map"]

  /// A file that cannot be used: what is wrong and where.
  public struct Invalid: Error, Sendable {
    /// The file's path as shown.
    public var path: String
    /// The 1-based line.
    public var line: Int
    /// The 1-based column.
    public var column: Int
    /// What is wrong.
    public var message: String

    /// `PATH:LINE:COL: error: MESSAGE`.
    public var text: String { "\(path):\(line):\(column): error: \(message)" }
  }

  /// The file's path as shown (relative to the current folder when below it).
  public var path: String
  /// The current folder's path from the file's folder (empty when they are the same): the
  /// prefix under which the file's globs see the walked paths.
  public var base: String
  /// Globs that add files to the default selection.
  public var include: [String]?
  /// Globs of files and folders to skip.
  public var exclude: [String]?
  /// Rules `check` does not report.
  public var ignoredRules: [FindingID]?
  /// The baseline file, as a path usable from the current folder.
  public var baseline: String?
  /// The resource map file, as a path usable from the current folder.
  public var resourceMap: String?
  /// Whether `migrate` runs with `--strict-map`.
  public var strictMap: Bool?

  /// The path of the nearest `.policy-rewrite.json` from `directory` upwards, and the current
  /// folder's path from its folder; `nil` when there is none.
  public static func locate(from directory: String) -> (path: String, base: String)? {
    var folder = directory
    var below: [Substring] = []
    while true {
      let candidate = (folder == "/" ? "" : folder) + "/" + fileName
      if FileSystem.kind(of: candidate) != .missing {
        let upward = Array(repeating: "..", count: below.count)
        return ((upward + [fileName]).joined(separator: "/"), below.reversed().joined(separator: "/"))
      }
      guard folder != "/", let slash = folder.lastIndex(of: "/") else { return nil }
      below.append(folder[folder.index(after: slash)...])
      folder = slash == folder.startIndex ? "/" : String(folder[..<slash])
    }
  }

  /// The configuration that applies in the current folder, or `nil` when no file is found.
  /// - Throws: ``Invalid`` when the file cannot be read or is not a valid configuration.
  public static func current() throws(Invalid) -> ProjectConfiguration? {
    guard let directory = FileSystem.currentDirectory().map(FileSystem.display),
      let (path, base) = locate(from: directory)
    else { return nil }
    let bytes: [UInt8]
    do {
      bytes = try FileSystem.readOptionFile(path)
    } catch {
      throw Invalid(path: path, line: 1, column: 1, message: "cannot read the configuration: \(error.reason)")
    }
    return try ProjectConfiguration(path: path, base: base, bytes: bytes)
  }

  /// Reads a configuration from the bytes of the file at `path`.
  /// - Parameters:
  ///   - path: The file's path from the current folder.
  ///   - base: The current folder's path from the file's folder.
  /// - Throws: ``Invalid`` for malformed JSON, unknown keys and values of the wrong type.
  public init(path: String, base: String, bytes: [UInt8]) throws(Invalid) {
    self.path = path
    self.base = base
    func invalid(_ message: String, at offset: Int?) -> Invalid {
      let (line, column) = JSONSyntax.location(of: offset ?? 0, in: bytes)
      return Invalid(path: path, line: line, column: column, message: message)
    }
    if let offset = JSONSyntax.firstError(in: bytes) {
      throw invalid("the configuration is not valid JSON", at: offset)
    }
    guard case .object(let object)? = try? JSONDecoder().decode(Value.self, from: Data(bytes)) else {
      throw invalid("the configuration must be a JSON object", at: 0)
    }
    for key in object.keys.sorted() where !Self.keys.contains(key) {
      var message = "unknown key '\(key)' in \(Self.fileName) (keys: \(Self.keys.dropFirst().joined(separator: ", ")))"
      if let nearest = NameSuggestion.closest(to: key, among: Self.keys) { message += "; did you mean '\(nearest)'?" }
      throw invalid(message, at: JSONSyntax.offset(ofString: key, in: bytes))
    }
    func strings(_ key: String) throws(Invalid) -> [String]? {
      guard let value = object[key] else { return nil }
      guard case .strings(let list) = value else {
        throw invalid("'\(key)' must be a list of strings", at: JSONSyntax.offset(ofString: key, in: bytes))
      }
      return list
    }
    func string(_ key: String) throws(Invalid) -> String? {
      guard let value = object[key] else { return nil }
      guard case .string(let text) = value, !text.isEmpty else {
        throw invalid("'\(key)' must be a non-empty string (a path)", at: JSONSyntax.offset(ofString: key, in: bytes))
      }
      return text
    }
    include = try strings("include")
    exclude = try strings("exclude")
    if let names = try strings("ignore-rule") {
      var rules: [FindingID] = []
      for name in names {
        guard let rule = FindingID(rawValue: name) else {
          var message = "unknown rule '\(name)' in 'ignore-rule'"
          if let nearest = NameSuggestion.closest(to: name, among: FindingID.allCases.map(\.rawValue)) {
            message += "; did you mean '\(nearest)'?"
          }
          throw invalid(message, at: JSONSyntax.offset(ofString: name, in: bytes))
        }
        if rule.isFailure {
          throw invalid(
            "rule '\(name)' is an error and cannot be ignored", at: JSONSyntax.offset(ofString: name, in: bytes))
        }
        rules.append(rule)
      }
      ignoredRules = rules
    }
    let folder = FileSystem.parent(of: path)
    func fromHere(_ value: String?) -> String? {
      guard let value else { return nil }
      return value.hasPrefix("/") || folder == "." ? value : folder + "/" + value
    }
    baseline = fromHere(try string("baseline"))
    resourceMap = fromHere(try string("resource-map"))
    if let value = object["strict-map"] {
      guard case .bool(let flag) = value else {
        throw invalid("'strict-map' must be true or false", at: JSONSyntax.offset(ofString: "strict-map", in: bytes))
      }
      strictMap = flag
    }
  }

  /// A JSON value as far as the configuration cares.
  private enum Value: Decodable {
    case string(String)
    case bool(Bool)
    case strings([String])
    case object([String: Value])
    case other

    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let text = try? container.decode(String.self) {
        self = .string(text)
      } else if let flag = try? container.decode(Bool.self) {
        self = .bool(flag)
      } else if let list = try? container.decode([String].self) {
        self = .strings(list)
      } else if let table = try? container.decode([String: Value].self) {
        self = .object(table)
      } else {
        self = .other
      }
    }
  }
}
