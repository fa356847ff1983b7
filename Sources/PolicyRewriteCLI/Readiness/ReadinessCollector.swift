import PolicyDOM
import PolicyRewrite

/// Gathers what the files of a run say about Function Apps, then reads the code of the
/// Functions projects found (folders with `host.json`) and gives each app its verdict.
///
/// Only files that can declare an HTTP trigger are read, and only inside a project; folders of
/// dependencies and build output (`node_modules`, `bin`, `obj`, `.venv`, and `dist` in a
/// TypeScript project) are skipped.
struct ReadinessCollector {
  private var declarations = ReadinessDeclarations()
  private var calls: [PolicyCall] = []
  private var hostFolders: [String] = []
  /// The targets of each key named value's injections, and whether every one is in Terraform.
  private var namedValueTargets: [String: (targets: [BackendTarget], onlyTerraform: Bool)] = [:]

  /// Folders never entered in a Functions project.
  static let skippedFolders: Set<String> = [
    "node_modules", "bin", "obj", ".venv", "venv", ".git", "__pycache__", ".python_packages", "target",
  ]

  /// Adds what one file says.
  mutating func add(_ report: FileReport) {
    for record in report.injections {
      guard let target = record.target else { continue }
      calls.append(PolicyCall(target: target, resource: record.resolution.resource?.value, usesManagedIdentity: false))
      if case .namedValue(let name) = record.key {
        let isTerraform = SourceFormat(path: report.path) == .terraform
        var entry = namedValueTargets[name] ?? ([], true)
        if !entry.targets.contains(target) { entry.targets.append(target) }
        entry.onlyTerraform = entry.onlyTerraform && isTerraform
        namedValueTargets[name] = entry
      }
    }
    guard let found = report.readiness else { return }
    declarations.add(found.declarations)
    if found.isFunctionsHost { hostFolders.append(FileSystem.parent(of: report.path)) }
    for target in found.managedIdentity.targets {
      for element in found.managedIdentity.elements {
        calls.append(
          PolicyCall(target: target, resource: element.resource, clientID: element.clientID, usesManagedIdentity: true))
      }
    }
  }

  /// Reads the projects' code and gives each app its verdict.
  /// - Parameters:
  ///   - backends: Backend URLs by id, from the run's declarations.
  ///   - map: The resource map, whose `functionApps` entries link code folders to apps.
  ///   - absolutePath: Makes a path absolute (to compare map folders with project folders).
  func finish(backends: [String: String], map: ResourceMap, absolutePath: (String) -> String) -> FunctionAppsReport {
    var report = FunctionAppsReport()
    var projects: [FunctionProject] = []
    for folder in Set(hostFolders).sorted() {
      let project = Self.scanProject(folder)
      report.codeFilesRead += project.filesRead
      projects.append(project)
    }
    var codeFolders: [String: String] = [:]
    for (app, code) in map.functionAppCode {
      let wanted = Self.clean(
        code.hasPrefix("/") ? code : (map.baseDirectory.map { $0 + "/" + code } ?? absolutePath(code)))
      if let project = projects.first(where: { Self.clean(absolutePath($0.folder)) == wanted }) {
        codeFolders[app] = project.folder
      } else {
        codeFolders[app] = code  // Named, but no host.json there: the app stays without code.
      }
    }
    guard !declarations.functionApps.isEmpty || !projects.isEmpty || !calls.isEmpty else { return report }
    let assessment = ReadinessAssessment(
      declarations: declarations, backendURLs: backends, calls: calls, projects: projects, codeFolders: codeFolders)
    let (apps, unlinked) = assessment.verdicts()
    report.apps = apps
    report.unlinkedProjects = unlinked
    report.audiences = suggestedAudiences(apps: apps, backends: backends)
    return report
  }

  /// For each key named value whose injections all reach one declared app with a known
  /// audience: that audience (in Terraform-embedded policies, a reference the plan resolves).
  private func suggestedAudiences(
    apps: [FunctionAppReadiness], backends: [String: String]
  ) -> [String: FunctionAppsReport.SuggestedAudience] {
    let declared = apps.filter(\.declared).map(\.app)
    var result: [String: FunctionAppsReport.SuggestedAudience] = [:]
    for (name, entry) in namedValueTargets {
      let indices = Set(
        entry.targets.map { target -> Int? in
          let url: String?
          switch target {
          case .url(let value): url = value
          case .backendID(let id): url = backends[id] ?? declarations.backends.first { $0.name == id }?.url
          }
          return url.flatMap { ReadinessAssessment.appIndex(url: $0, apps: declared) }
        })
      guard indices.count == 1, let index = indices.first ?? nil, let entra = declared[index].entraID,
        entra.configured, let audience = entra.audiences.first
      else { continue }
      let app = declared[index]
      let place = "\(app.address) at \(app.path):\(entra.line)"
      if ReadinessAssessment.isLiteral(audience) {
        result[name] = .init(resource: audience, source: "the audience of \(place)")
      } else if entry.onlyTerraform {
        let reference =
          app.address.hasPrefix("module.")
          ? "${\(app.address).entra_id_authentication.audience_client_id}" : audience
        result[name] = .init(resource: reference, source: "a Terraform reference to the audience of \(place)")
      }
    }
    return result
  }

  /// `path` without `.` components and trailing slashes.
  private static func clean(_ path: String) -> String {
    (path.hasPrefix("/") ? "/" : "") + path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
  }

  /// The HTTP triggers of the project in `folder`.
  static func scanProject(_ folder: String) -> FunctionProject {
    var triggers: [FunctionProject.Trigger] = []
    var filesRead = 0
    let isTypeScript = (try? FileSystem.entries(of: folder))?.contains { $0.name == "tsconfig.json" } ?? false
    func walk(_ directory: String, depth: Int) {
      guard depth < 32, let entries = try? FileSystem.entries(of: directory) else { return }
      for entry in entries {
        let path = directory + "/" + entry.name
        switch entry.kind {
        case .directory:
          if skippedFolders.contains(entry.name) || (isTypeScript && entry.name == "dist") { continue }
          walk(path, depth: depth + 1)
        case .file:
          guard HTTPTriggerScanner.language(ofPath: entry.name) != nil,
            let bytes = try? FileSystem.read(path).bytes
          else { continue }
          filesRead += 1
          triggers += HTTPTriggerScanner.triggers(in: bytes, path: path).map {
            FunctionProject.Trigger(path: path, trigger: $0)
          }
        default:
          continue
        }
      }
    }
    walk(folder, depth: 0)
    return FunctionProject(folder: folder, triggers: triggers, filesRead: filesRead)
  }
}
