import PolicyRewrite

/// The readiness of the Function Apps a run found: a verdict per app and the Functions
/// projects no app links to.
public struct FunctionAppsReport: Sendable, Hashable {
  /// The verdicts.
  public var apps: [FunctionAppReadiness] = []
  /// Functions projects linked to no app.
  public var unlinkedProjects: [FunctionProject] = []
  /// Code files read in the projects (the cost of the code scan).
  public var codeFilesRead = 0
  /// The audience the IaC gives the app each key named value reaches, for `--emit-map`.
  public var audiences: [String: SuggestedAudience] = [:]

  /// An audience read from a Function App's IaC, and where.
  public struct SuggestedAudience: Sendable, Hashable {
    /// The resource to write in the map.
    public var resource: String
    /// Where it comes from (`module.orders_func entra_id_authentication at infra/main.tf:12`).
    public var source: String
  }

  /// Creates an empty report.
  public init() {}

  /// Whether there is nothing to show.
  public var isEmpty: Bool { apps.isEmpty && unlinkedProjects.isEmpty }

  /// The blockers of apps that policies already call with Managed Identity, as findings per
  /// file: what `check --readiness` fails on (the state right after the switch).
  func checkReports(ignoring ignored: Set<FindingID>) -> [FileReport] {
    var byPath: [String: FileReport] = [:]
    var order: [String] = []
    for app in apps where app.usesManagedIdentity {
      for blocker in app.blockers where !ignored.contains(.rule(blocker.rule)) {
        let path = blocker.path ?? app.app.path
        if byPath[path] == nil {
          var report = FileReport(path: path)
          // Not a policy, so not counted as scanned; an input all the same, so that
          // --write-baseline records its findings.
          report.isPolicy = false
          byPath[path] = report
          order.append(path)
        }
        byPath[path]?.findings.append(
          Finding(
            rule: blocker.rule, severity: blocker.rule.details.defaultSeverity,
            message: "Function App '\(app.app.name)': \(blocker.message)", line: blocker.line ?? 1, column: 1))
      }
    }
    return order.sorted().compactMap { path in
      byPath[path].map { report in
        var report = report
        report.findings.sort { ($0.line, $0.message) < ($1.line, $1.message) }
        return report
      }
    }
  }
}
