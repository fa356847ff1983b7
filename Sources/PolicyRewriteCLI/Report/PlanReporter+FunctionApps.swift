import PolicyRewrite

/// The "Function Apps" part of `plan`: a verdict per app in a table (text and Markdown) and in
/// JSON, and the Functions projects no app links to.
extension PlanReporter {
  /// One app as `plan --format json` lists it.
  struct FunctionAppEntry: Encodable {
    struct Authentication: Encodable {
      var configured: Bool
      var audiences: [String]
      var allowedCallers: [String]
      var declaredAt: String?
    }
    struct Trigger: Encodable {
      var path: String
      var line: Int
      var function: String
      var authLevel: String
    }
    struct Blocker: Encodable {
      var rule: String
      var message: String
      var path: String?
      var line: Int?
    }
    var name: String
    var address: String?
    var declaredAt: String?
    var hostnames: [String]
    var entraIdAuthentication: Authentication?
    var policyResources: [String]
    var httpTriggers: [Trigger]
    var readiness: String
    var blockers: [Blocker]
    var unknowns: [String]

    init(_ verdict: FunctionAppReadiness) {
      let app = verdict.app
      name = app.name
      address = verdict.declared ? app.address : nil
      declaredAt = verdict.declared ? "\(app.path):\(app.line)" : nil
      hostnames = app.hostnames
      entraIdAuthentication =
        verdict.declared
        ? Authentication(
          configured: app.entraID?.configured ?? false, audiences: app.entraID?.audiences ?? [],
          allowedCallers: app.entraID?.allowedCallers ?? [],
          declaredAt: app.entraID.map { "\(app.path):\($0.line)" })
        : nil
      policyResources = verdict.policyResources
      httpTriggers = verdict.httpTriggers.map {
        Trigger(
          path: $0.path, line: $0.trigger.line, function: $0.trigger.function, authLevel: $0.trigger.authLevel.rawValue)
      }
      readiness = verdict.verdict.rawValue
      blockers = verdict.blockers.map {
        Blocker(rule: $0.rule.rawValue, message: $0.message, path: $0.path, line: $0.line)
      }
      unknowns = verdict.unknowns
    }
  }

  /// A Functions project no app links to.
  struct ProjectEntry: Encodable {
    var path: String
    var httpTriggers: Int
  }

  static let functionAppHeaders = [
    "function app", "iac", "entra auth", "audience", "apim allowed", "key-level triggers", "verdict", "blockers",
  ]

  static func functionAppRows(_ report: FunctionAppsReport) -> [[String]] {
    report.apps.map { verdict in
      let app = verdict.app
      let blockers = verdict.blockers.map(\.rule)
      func status(_ rules: [Rule], known: Bool) -> String {
        if rules.contains(where: blockers.contains) { return "no" }
        return known ? "yes" : "?"
      }
      let entraKnown = verdict.declared
      let entra = !entraKnown ? "?" : (app.entraID?.configured == true ? "yes" : "no")
      let audienceUnknown = verdict.unknowns.contains { $0.hasPrefix("cannot compare") || $0.hasPrefix("no Managed") }
      let audience =
        blockers.contains(.audienceMismatch)
        ? "mismatch"
        : (app.entraID?.configured == true && !audienceUnknown && !verdict.policyResources.isEmpty
          ? "ok" : "?")
      let callersUnknown = verdict.unknowns.contains { $0.contains("allowed callers") || $0.contains("APIM instance") }
      let apim = status(
        [.apimIdentityMissing, .apimCallerNotAllowed, .allowedCallerObjectID],
        known: app.entraID?.configured == true && !callersUnknown)
      let keyed = verdict.httpTriggers.filter { $0.trigger.requiresKey }.count
      return [
        app.name,
        verdict.declared ? "\(app.path):\(app.line)" : "not found",
        entra, audience, apim,
        verdict.codeFolder == nil ? "? (no code)" : "\(keyed) of \(verdict.httpTriggers.count)",
        verdict.verdict.rawValue,
        verdict.blockers.isEmpty ? "-" : Array(Set(blockers.map(\.rawValue))).sorted().joined(separator: ", "),
      ]
    }
  }

  static func functionAppTextLines(_ report: FunctionAppsReport?) -> [String] {
    guard let report, !report.isEmpty else { return [] }
    var lines = ["", "Function Apps:"]
    let rows = functionAppRows(report).map { $0.map(Escaping.terminal) }
    if !rows.isEmpty {
      let headers = functionAppHeaders.map { $0.uppercased() }
      let widths = headers.indices.map { column in ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
      }
      func line(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
          index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
        }.joined(separator: "  ")
      }
      lines += [line(headers)] + rows.map(line)
    }
    for verdict in report.apps where !verdict.blockers.isEmpty || !verdict.unknowns.isEmpty {
      lines.append("")
      lines.append("\(Escaping.terminal(verdict.app.name)) (\(verdict.verdict.rawValue)):")
      for blocker in verdict.blockers {
        let place =
          blocker.path.map { path in
            let shown = Escaping.terminalPath(path)
            return blocker.line.map { "\(shown):\($0): " } ?? "\(shown): "
          } ?? ""
        lines.append("  \(place)\(Escaping.terminal(blocker.message)) [\(blocker.rule.rawValue)]")
      }
      for unknown in verdict.unknowns { lines.append("  unknown: \(Escaping.terminal(unknown))") }
    }
    if !report.unlinkedProjects.isEmpty {
      lines += ["", "Functions projects linked to no Function App (name the folder as the app, or map it):"]
      lines += report.unlinkedProjects.map {
        "  \(Escaping.terminalPath($0.folder)) (\($0.triggers.count) HTTP triggers)"
      }
    }
    return lines
  }

  static func functionAppMarkdownLines(_ report: FunctionAppsReport?) -> [String] {
    guard let report, !report.isEmpty else { return [] }
    let cell = Escaping.markdown
    var lines = ["", "### Function Apps", ""]
    let rows = functionAppRows(report)
    if !rows.isEmpty {
      lines += [
        "| " + functionAppHeaders.joined(separator: " | ") + " |",
        "|" + String(repeating: "---|", count: functionAppHeaders.count),
      ]
      lines += rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
    }
    for verdict in report.apps where !verdict.blockers.isEmpty || !verdict.unknowns.isEmpty {
      lines += ["", "#### \(cell(verdict.app.name)): \(verdict.verdict.rawValue)", ""]
      for blocker in verdict.blockers {
        let place = blocker.path.map { path in blocker.line.map { "\(path):\($0): " } ?? "\(path): " } ?? ""
        lines.append("- \(cell(place))\(cell(blocker.message)) (`\(blocker.rule.rawValue)`)")
      }
      for unknown in verdict.unknowns { lines.append("- unknown: \(cell(unknown))") }
    }
    if !report.unlinkedProjects.isEmpty {
      lines += ["", "Functions projects linked to no Function App:", ""]
      lines += report.unlinkedProjects.map { "- \(cell($0.folder)) (\($0.triggers.count) HTTP triggers)" }
    }
    return lines
  }
}
