import PolicyRewrite

/// What a migration involves, per key: the Function Apps APIM calls with a key, through which
/// named values, from which files and scopes, and the audience each would get, and why.
public struct MigrationInventory: Sendable, Encodable {
  /// One key (a named value, a placeholder, or a kind of value that has no name).
  public struct Key: Sendable, Encodable {
    /// The named value, the placeholder, or `<literal key>` / `<expression>` / `<no value>`.
    public var key: String
    /// `namedValue`, `placeholder`, `literal`, `expression` or `missing`.
    public var kind: String
    /// Key injections that send it.
    public var injections: Int
    /// How many of them the migration rewrites, leaves for review, or cannot rewrite (an error).
    public var rewritten: Int
    /// Injections left for review.
    public var review: Int
    /// Injections an error in their file blocks.
    public var blocked: Int
    /// Injections with no resource yet (`none`): the migration rewrites them once the map or
    /// `--resource` gives one, so they are not counted as rewritten.
    public var unresolved = 0
    /// The Function Apps it reaches: `backend NAME (URL)` or a URL, as the policies say.
    public var functionApps: [String]
    /// The scopes of the files that send it (global, product, api, operation, fragment).
    public var scopes: [String]
    /// The files that send it, with the lines of the injections.
    public var files: [File]
    /// The resources the current map gives it, with where each came from.
    public var resources: [Resource]
    /// Where the named value is declared (Terraform, APIOps, Bicep), when in the scanned files.
    public var declarations: [CleanUpItem.Location]
  }

  /// A file that sends a key.
  public struct File: Sendable, Encodable {
    /// The path.
    public var path: String
    /// The policy scope.
    public var scope: String
    /// The 1-based lines of its injections of this key.
    public var lines: [Int]
  }

  /// A resource that the map gives a key.
  public struct Resource: Sendable, Encodable, Hashable {
    /// The resource, or `nil` when none matched.
    public var resource: String?
    /// `namedValue`, `path`, `default`, `commandLine` or `none`.
    public var from: String
    /// The map entry: the named value or the path glob.
    public var mapEntry: String?
    /// The injections that get it.
    public var injections: Int
  }

  /// A finding that needs a person.
  public struct ReviewItem: Sendable, Encodable {
    /// The file.
    public var path: String
    /// The 1-based line.
    public var line: Int
    /// The 1-based column.
    public var column: Int
    /// The rule id.
    public var rule: String
    /// The message.
    public var message: String
  }

  /// The keys, named values first (sorted by name), then placeholders and unnamed values.
  public private(set) var keys: [Key] = []
  /// Review items and errors, in path order.
  public private(set) var reviewItems: [ReviewItem] = []

  private var order: [String] = []
  private var byKey: [String: Key] = [:]

  /// Creates an empty inventory.
  public init() {}

  /// Adds one file's report.
  /// - Parameter terraformNames: The names of the named values declared in Terraform, by
  ///   resource address: a key that references one is listed under that name.
  ///   - backendUsers: The files whose policies set each backend id.
  mutating func add(
    _ report: FileReport, backends: [String: String], terraformNames: [String: String] = [:],
    backendUsers: [String: [String]] = [:]
  ) {
    for finding in report.findings where finding.severity != .note {
      var message = finding.message
      if finding.rule == .backendCredentials,
        let backend = report.backendKeys.first(where: { $0.line == finding.line })?.backend
      {
        let users = backendUsers[backend] ?? []
        message +=
          users.isEmpty
          ? " (no scanned policy sets backend-id=\"\(backend)\")"
          : " (policies with backend-id=\"\(backend)\": \(users.joined(separator: ", ")))"
      }
      reviewItems.append(
        ReviewItem(
          path: report.path, line: finding.line, column: finding.column, rule: finding.id.rawValue, message: message))
    }
    for backendKey in report.backendKeys { add(backendKey, in: report.path, backends: backends) }
    for record in report.injections {
      var label = record.key.label
      if case .namedValue(let reference) = record.key,
        let address = Declaration.terraformAddress(inReference: reference), let name = terraformNames[address]
      {
        label = name
      }
      var key =
        byKey[label]
        ?? Key(
          key: label, kind: Self.kind(of: record.key), injections: 0, rewritten: 0, review: 0, blocked: 0,
          functionApps: [], scopes: [], files: [], resources: [], declarations: [])
      if byKey[label] == nil { order.append(label) }
      key.injections += 1
      switch record.outcome {
      // With no resource (`none`) the migration cannot rewrite it yet.
      case .rewritten where record.resolution.resource == nil: key.unresolved += 1
      case .rewritten: key.rewritten += 1
      case .review: key.review += 1
      case .blocked, .accepted: key.blocked += 1
      }
      if let target = record.target {
        var app = target.description
        if case .backendID(let id) = target, let url = backends[id] { app += " (\(url))" }
        if !key.functionApps.contains(app) { key.functionApps.append(app) }
      }
      if !key.scopes.contains(record.scope.rawValue) { key.scopes.append(record.scope.rawValue) }
      if let index = key.files.firstIndex(where: { $0.path == report.path }) {
        key.files[index].lines.append(record.line)
      } else {
        key.files.append(File(path: report.path, scope: record.scope.rawValue, lines: [record.line]))
      }
      let resolution = record.resolution
      if let index = key.resources.firstIndex(where: {
        $0.resource == resolution.resource?.value && $0.from == resolution.source.rawValue
          && $0.mapEntry == resolution.entry
      }) {
        key.resources[index].injections += 1
      } else {
        key.resources.append(
          Resource(
            resource: resolution.resource?.value, from: resolution.source.rawValue, mapEntry: resolution.entry,
            injections: 1))
      }
      byKey[label] = key
    }
  }

  /// Adds a key that a backend's credentials send: one injection left for review, in the
  /// `backend` scope, reaching that backend's Function App.
  private mutating func add(_ backendKey: BackendKey, in path: String, backends: [String: String]) {
    let label = backendKey.namedValue ?? "<backend credentials>"
    var key =
      byKey[label]
      ?? Key(
        key: label, kind: backendKey.namedValue == nil ? "literal" : "namedValue", injections: 0, rewritten: 0,
        review: 0, blocked: 0, functionApps: [], scopes: [], files: [], resources: [], declarations: [])
    if byKey[label] == nil { order.append(label) }
    key.injections += 1
    key.review += 1
    if let backend = backendKey.backend {
      let app = "backend \(backend)" + (backends[backend].map { " (\($0))" } ?? "")
      if !key.functionApps.contains(app) { key.functionApps.append(app) }
    }
    if !key.scopes.contains("backend") { key.scopes.append("backend") }
    if let index = key.files.firstIndex(where: { $0.path == path }) {
      key.files[index].lines.append(backendKey.line)
    } else {
      key.files.append(File(path: path, scope: "backend", lines: [backendKey.line]))
    }
    byKey[label] = key
  }

  /// Fills in declarations and the order of the keys once every file is in.
  mutating func finish(declarations: [String: [CleanUpItem.Location]]) {
    keys = order.compactMap { byKey[$0] }.map { key in
      var key = key
      key.declarations = key.kind == "namedValue" ? declarations[key.key] ?? [] : []
      key.scopes.sort()
      return key
    }
    keys.sort { ($0.kind == "namedValue" ? 0 : 1, $0.key) < ($1.kind == "namedValue" ? 0 : 1, $1.key) }
  }

  /// The named values that hold keys, for a resource map skeleton.
  public var namedValues: [String] { keys.filter { $0.kind == "namedValue" }.map(\.key) }

  private static func kind(of key: InjectionRecord.Key) -> String {
    switch key {
    case .namedValue: "namedValue"
    case .placeholder: "placeholder"
    case .literal: "literal"
    case .expression: "expression"
    case .missing: "missing"
    }
  }
}
