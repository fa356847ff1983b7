import FoundationEssentials
import PolicyRewrite

/// Writes the migration inventory of `plan`: a table of keys on standard output (text or
/// Markdown) or one JSON document, and the review items.
public final class PlanReporter: Reporter {
  /// The output formats of `plan`.
  public enum Format: String, Sendable, CaseIterable {
    /// Aligned columns for a terminal.
    case text
    /// One JSON document.
    case json
    /// A Markdown report, to paste into the request for the Entra ID applications.
    case markdown
  }

  private let format: Format
  private let output: ByteStream
  private let errors: ByteStream
  private var reports: [FileReport] = []
  /// The inventory, once the run has finished.
  public private(set) var inventory = MigrationInventory()
  /// Declared named values that look like function keys and that no file references.
  public private(set) var unreferenced: [CleanUpItem] = []
  /// The Function Apps' readiness, once the run has finished.
  public private(set) var functionApps: FunctionAppsReport?

  /// Creates a reporter writing to standard output and standard error.
  public init(format: Format) {
    self.format = format
    self.output = ByteStream.standardOutput()
    self.errors = ByteStream.standardError()
  }

  /// Keeps what the inventory needs of one file.
  public func report(_ file: FileReport) {
    var kept = FileReport(path: file.path)
    kept.findings = file.findings
    kept.injections = file.injections
    kept.declarations = file.declarations
    kept.backendKeys = file.backendKeys
    kept.backendIDs = file.backendIDs
    reports.append(kept)
  }

  /// Builds the inventory and writes it.
  public func finish(_ summary: RunSummary) {
    var declared: [String: [CleanUpItem.Location]] = [:]
    // A key written as `{{${azurerm_api_management_named_value.X.name}}}` is the named value
    // that resource declares: listed under its name, with its declaration.
    var names: [String: String] = [:]
    for report in reports {
      for declaration in report.declarations where declaration.kind == .namedValue {
        declared[declaration.name, default: []].append(
          CleanUpItem.Location(path: report.path, line: declaration.line, address: declaration.address))
        if let address = declaration.address { names[address] = declaration.name }
      }
    }
    var users: [String: [String]] = [:]
    for report in reports {
      for id in report.backendIDs { users[id, default: []].append(report.path) }
    }
    for report in reports {
      inventory.add(report, backends: summary.backends, terraformNames: names, backendUsers: users)
    }
    inventory.finish(declarations: declared)
    unreferenced = summary.unreferencedKeyNamedValues
    functionApps = summary.functionApps
    switch format {
    case .json: writeJSON(summary)
    case .text: output.writeLines(textLines(summary) + Self.functionAppTextLines(summary.functionApps))
    case .markdown: output.writeLines(markdownLines(summary) + Self.functionAppMarkdownLines(summary.functionApps))
    }
    errors.writeLines(Array(summary.lines(for: .plan).prefix(1)).map(Escaping.terminal))
  }

  // MARK: JSON

  private struct Document: Encodable {
    var tool = JSONReporter.Tool()
    var command = "plan"
    var keys: [MigrationInventory.Key]
    var reviewItems: [MigrationInventory.ReviewItem]
    var unreferencedKeyNamedValues: [CleanUpItem]
    var functionApps: [FunctionAppEntry]
    var unlinkedFunctionProjects: [ProjectEntry]
    var policies: [PolicyEntry]
    var includes: [IncludeEntry]
    var summary: Summary
  }

  /// A policy of the graph; absent identifiers are `null`.
  private struct PolicyEntry: Encodable {
    var policy: PolicyGraph.Policy

    enum CodingKeys: String, CodingKey {
      case path, scope, api, operation, product, fragment, declaredAt
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(policy.path, forKey: .path)
      try container.encode(policy.scope.rawValue, forKey: .scope)
      for (key, value) in [
        (CodingKeys.api, policy.api), (.operation, policy.operation), (.product, policy.product),
        (.fragment, policy.fragment),
      ] {
        try container.encode(value, forKey: key)
      }
      try container.encode(policy.declaredAt.map(LocationEntry.init), forKey: .declaredAt)
    }
  }

  private struct LocationEntry: Encodable {
    var location: PolicyGraph.Location

    enum CodingKeys: String, CodingKey { case path, line, address }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(location.path, forKey: .path)
      try container.encode(location.line, forKey: .line)
      try container.encode(location.address, forKey: .address)
    }
  }

  /// An `include-fragment`; `resolved` is the defining file or `null`.
  private struct IncludeEntry: Encodable {
    var include: PolicyGraph.Include

    enum CodingKeys: String, CodingKey { case path, line, fragment, section, resolved }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(include.path, forKey: .path)
      try container.encode(include.line, forKey: .line)
      try container.encode(include.fragment, forKey: .fragment)
      try container.encode(include.section, forKey: .section)
      try container.encode(include.resolved, forKey: .resolved)
    }
  }

  private struct Summary: Encodable {
    var scanned: Int
    var keys: Int
    var injections: Int
    var needingReview: Int
    var errors: Int
  }

  private func writeJSON(_ summary: RunSummary) {
    output.writeJSON(
      Document(
        keys: inventory.keys, reviewItems: inventory.reviewItems, unreferencedKeyNamedValues: unreferenced,
        functionApps: (summary.functionApps?.apps ?? []).map(FunctionAppEntry.init),
        unlinkedFunctionProjects: (summary.functionApps?.unlinkedProjects ?? []).map {
          ProjectEntry(path: $0.folder, httpTriggers: $0.triggers.count)
        },
        policies: (summary.policyGraph?.policies ?? []).map(PolicyEntry.init),
        includes: (summary.policyGraph?.includes ?? []).map(IncludeEntry.init),
        summary: Summary(
          scanned: summary.scanned, keys: inventory.keys.count,
          injections: inventory.keys.reduce(0) { $0 + $1.injections }, needingReview: summary.needingReview,
          errors: summary.errors)))
  }

  // MARK: Text and Markdown

  private static let headers = ["key", "function app", "scopes", "files", "injections", "resource (from)"]

  /// The table's cells, as read from the files: each output syntax escapes them.
  private func rows() -> [[String]] {
    inventory.keys.map { key in
      let outcome =
        [key.review > 0 ? "\(key.review) review" : nil, key.blocked > 0 ? "\(key.blocked) blocked" : nil]
        .compactMap { $0 }
      let injections = "\(key.injections)" + (outcome.isEmpty ? "" : " (\(outcome.joined(separator: ", ")))")
      return [
        key.key,
        key.functionApps.isEmpty ? "-" : Escaping.cappedList(key.functionApps),
        Escaping.cappedList(key.scopes),
        "\(key.files.count)",
        injections,
        key.resources.isEmpty
          ? "-"
          : Escaping.cappedList(
            key.resources.map { resource in
              "\(resource.resource ?? "none") (\(resource.from)\(resource.mapEntry.map { " \($0)" } ?? ""))"
            }),
      ]
    }
  }

  private func textLines(_ summary: RunSummary) -> [String] {
    // Every cell and line escaped for a terminal, and every path kept from starting a line
    // with `::`.
    let rows = rows().map { $0.map(Escaping.terminal) }
    guard !rows.isEmpty else { return ["no function key injections found"] + reviewLines() + unreferencedLines() }
    let widths = Self.headers.indices.map { column in
      ([Self.headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { index, cell in
        index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
      }.joined(separator: "  ")
    }
    var lines = [line(Self.headers.map { $0.uppercased() })] + rows.map(line)
    for key in inventory.keys {
      lines.append("")
      lines.append("\(Escaping.terminal(key.key)):")
      for file in key.files {
        lines.append(
          "  \(Escaping.terminalPath(file.path)) (\(file.scope)) line \(Escaping.cappedList(file.lines.map(String.init)))"
        )
      }
      for declaration in key.declarations {
        lines.append(
          "  declared: " + (declaration.address.map { "\(Escaping.terminal($0)) at " } ?? "")
            + "\(Escaping.terminalPath(declaration.path)):\(declaration.line)")
      }
    }
    return lines + reviewLines() + unreferencedLines() + graphLines(summary)
  }

  /// The policies whose scope is not known and the includes that are not resolved.
  private func graphLines(_ summary: RunSummary) -> [String] {
    guard let graph = summary.policyGraph else { return [] }
    var lines: [String] = []
    let unknown = graph.policies.filter { $0.scope == .unknown }
    let scopes = Dictionary(grouping: graph.policies, by: \.scope).mapValues(\.count)
    if !graph.policies.isEmpty {
      lines += [
        "",
        "policies: "
          + PolicyScope.allCases.compactMap { scope in scopes[scope].map { "\($0) \(scope.rawValue)" } }.joined(
            separator: ", "),
      ]
      if let line = summary.noGlobalPolicyLine { lines.append(line) }
    }
    if !unknown.isEmpty {
      lines +=
        ["", "policies whose scope is not known:"]
        + Escaping.cappedLines(unknown.map { Escaping.terminalPath($0.path) })
    }
    let unresolved = graph.includes.filter { $0.resolved == nil }
    if !unresolved.isEmpty {
      lines +=
        ["", "includes of fragments that no scanned file defines:"]
        + Escaping.cappedLines(
          unresolved.map {
            "\(Escaping.terminalPath($0.path)):\($0.line): \(Escaping.terminal($0.fragment)) (in <\($0.section)>)"
          })
    }
    return lines
  }

  private func reviewLines() -> [String] {
    guard !inventory.reviewItems.isEmpty else { return [] }
    return ["", "review:"]
      + inventory.reviewItems.map {
        "  \(Escaping.terminalPath($0.path)):\($0.line):\($0.column): \(Escaping.terminal($0.message)) [\($0.rule)]"
      }
  }

  private func unreferencedLines() -> [String] {
    guard !unreferenced.isEmpty else { return [] }
    return ["", "named values that look like function keys and that no scanned file references (delete them):"]
      + unreferenced.map { "  \(Escaping.terminal($0.text))" }
  }

  private func markdownLines(_ summary: RunSummary) -> [String] {
    let cell = Escaping.markdown
    var lines = [
      "## Function key migration plan", "",
      "| " + Self.headers.joined(separator: " | ") + " |",
      "|" + String(repeating: "---|", count: Self.headers.count),
    ]
    lines += rows().map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
    // Where each key is sent and declared, as the text plan lists it.
    if !inventory.keys.isEmpty {
      lines += ["", "### Files and declarations"]
      for key in inventory.keys {
        lines += ["", "- \(cell(key.key))"]
        for file in key.files {
          lines.append(
            "  - \(cell(file.path)) (\(file.scope)) line \(file.lines.map(String.init).joined(separator: ", "))")
        }
        for declaration in key.declarations {
          lines.append(
            "  - declared: "
              + cell((declaration.address.map { "\($0) at " } ?? "") + "\(declaration.path):\(declaration.line)"))
        }
      }
    }
    if !inventory.reviewItems.isEmpty {
      lines += ["", "### Needs review", ""]
      lines += inventory.reviewItems.map {
        "- \(cell($0.path)):\($0.line):\($0.column): \(cell($0.message)) (`\($0.rule)`)"
      }
    }
    if !unreferenced.isEmpty {
      lines += ["", "### Named values to delete", ""]
      lines += unreferenced.map { "- \(cell($0.text))" }
    }
    if let graph = summary.policyGraph {
      let unknown = graph.policies.filter { $0.scope == .unknown }
      if !unknown.isEmpty {
        lines += ["", "### Policies whose scope is not known", ""]
        lines += unknown.map { "- \(cell($0.path))" }
      }
      let unresolved = graph.includes.filter { $0.resolved == nil }
      if !unresolved.isEmpty {
        lines += ["", "### Includes of fragments that no scanned file defines", ""]
        lines += unresolved.map {
          "- \(cell($0.path)):\($0.line): \(cell($0.fragment)) (in \(cell("<" + $0.section + ">")))"
        }
      }
    }
    return lines
  }

  /// A resource-map skeleton: one `byNamedValue` entry per key named value, with its current
  /// resource when a map entry gives it one and an empty string to fill in otherwise; the map
  /// file's `default` and `byPath` as the current map has them.
  public func mapSkeleton(current map: ResourceMap) -> [UInt8] {
    var lines = ["{"]
    if let defaultResource = map.defaultResource, !map.defaultIsFromCommandLine {
      lines.append("  \"default\": \(Self.jsonString(defaultResource.value)),")
    }
    let names = Set(inventory.namedValues).union(map.byNamedValue.keys).sorted()
    lines.append("  \"byNamedValue\": {")
    lines += names.enumerated().map { index, name in
      let value = map.byNamedValue[name]?.value ?? functionApps?.audiences[name]?.resource ?? ""
      return "    \(Self.jsonString(name)): \(Self.jsonString(value))" + (index == names.count - 1 ? "" : ",")
    }
    if map.byPath.isEmpty {
      lines.append("  }")
    } else {
      lines.append("  },")
      lines.append("  \"byPath\": {")
      lines += map.byPath.enumerated().map { index, entry in
        "    \(Self.jsonString(entry.glob.pattern)): \(Self.jsonString(entry.resource.value))"
          + (index == map.byPath.count - 1 ? "" : ",")
      }
      lines.append("  }")
    }
    lines.append("}")
    return Array((lines.joined(separator: "\n") + "\n").utf8)
  }

  private static func jsonString(_ text: String) -> String {
    let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
    return String(decoding: data, as: UTF8.self)
  }
}
