/// Puts together what the scanned IaC, policies and code say about each Function App and gives
/// each a verdict: `ready` only when every level of the migration was checked (the app
/// requires an Entra ID token for the audience the policies ask, APIM has the identity and is
/// an allowed caller, and no HTTP trigger needs a key); `blocked` with each blocker; `unknown`
/// with what could not be checked. A missing piece of evidence is never read as a pass.
public struct ReadinessAssessment: Sendable {
  /// The Function Apps, APIM instances, backends and lookups of the scanned IaC.
  public var declarations: ReadinessDeclarations
  /// Backend URLs by backend id, from every scanned source (literal URLs).
  public var backendURLs: [String: String]
  /// The calls the scanned policies make.
  public var calls: [PolicyCall]
  /// The Functions projects found.
  public var projects: [FunctionProject]
  /// Project folders named for an app in the resource map (`functionApps`), by app name.
  public var codeFolders: [String: String]

  /// Creates an assessment.
  public init(
    declarations: ReadinessDeclarations, backendURLs: [String: String], calls: [PolicyCall],
    projects: [FunctionProject], codeFolders: [String: String]
  ) {
    self.declarations = declarations
    self.backendURLs = backendURLs
    self.calls = calls
    self.projects = projects
    self.codeFolders = codeFolders
  }

  /// The verdicts, in the order apps were declared (apps known only from policies last), and
  /// the projects no app links to.
  public func verdicts() -> (apps: [FunctionAppReadiness], unlinkedProjects: [FunctionProject]) {
    var apps = declarations.functionApps
    let declaredCount = apps.count
    var callsByApp: [Int: [PolicyCall]] = [:]
    for call in calls {
      guard let url = url(of: call.target) else { continue }
      if let index = Self.appIndex(url: url, apps: apps) {
        callsByApp[index, default: []].append(call)
      } else if let host = BackendTarget.url(url).host?.lowercased(), host.hasSuffix(".azurewebsites.net") {
        // An app the policies call that no scanned IaC declares.
        let name = String(host.dropLast(".azurewebsites.net".count))
        apps.append(FunctionApp(name: name, address: host, path: "", line: 0, hostnames: [host], entraID: nil))
        callsByApp[apps.count - 1, default: []].append(call)
      }
    }
    var linked = Set<String>()
    var result: [FunctionAppReadiness] = []
    for (index, app) in apps.enumerated() {
      let project = self.project(for: app)
      if let project { linked.insert(project.folder) }
      result.append(
        verdict(for: app, declared: index < declaredCount, calls: callsByApp[index] ?? [], project: project))
    }
    return (result, projects.filter { !linked.contains($0.folder) })
  }

  /// The URL a target reaches: its own, or its backend entity's.
  private func url(of target: BackendTarget) -> String? {
    switch target {
    case .url(let url): return url
    case .backendID(let id):
      return backendURLs[id] ?? declarations.backends.first { $0.name == id }?.url
    }
  }

  /// The project of an app: the map's entry, else a folder named exactly as the app (ignoring case).
  private func project(for app: FunctionApp) -> FunctionProject? {
    if let folder = codeFolders[app.name] ?? codeFolders[app.address] {
      return projects.first { $0.folder == folder }
    }
    return projects.first { $0.folderName.lowercased() == app.name.lowercased() }
  }

  /// The app a URL reaches: by its literal host, or by a reference to the app's address
  /// (`https://${module.orders_func.function_app.default_hostname}/api`).
  public static func appIndex(url: String, apps: [FunctionApp]) -> Int? {
    if let host = BackendTarget.url(url).host?.lowercased() {
      return apps.firstIndex { $0.hostnames.contains(host) }
    }
    var references: [Substring] = []
    for piece in url.split(separator: "${", omittingEmptySubsequences: false).dropFirst() {
      guard let close = piece.firstIndex(of: "}") else { continue }
      references.append(piece[..<close])
    }
    for reference in references {
      let trimmed = reference.trimmingXMLSpace
      if let index = apps.firstIndex(where: { app in
        trimmed == app.address || trimmed.hasPrefix(app.address + ".") || trimmed.hasPrefix(app.address + "[")
      }) {
        return index
      }
    }
    return nil
  }

  // MARK: The verdict of one app

  private func verdict(
    for app: FunctionApp, declared: Bool, calls: [PolicyCall], project: FunctionProject?
  ) -> FunctionAppReadiness {
    var blockers: [FunctionAppReadiness.Blocker] = []
    var unknowns: [String] = []
    let resources = Array(Set(calls.compactMap(\.resource))).sorted()
    let clientIDs = Set(calls.compactMap(\.clientID))
    // 3. The code: every HTTP trigger anonymous.
    if let project {
      for found in project.triggers {
        let trigger = found.trigger
        if trigger.requiresKey {
          let how = trigger.isDefault ? "by default" : "as written"
          blockers.append(
            .init(
              rule: .functionAuthLevel,
              message:
                "HTTP trigger '\(trigger.function)' has authLevel \(trigger.authLevel.rawValue) (\(how)): a call without a key gets 401; make it anonymous",
              path: found.path, line: trigger.line))
        } else if trigger.authLevel == .unknown {
          unknowns.append(
            "the auth level of HTTP trigger '\(trigger.function)' at \(found.path):\(trigger.line) is '\(trigger.written ?? "?")', which cannot be evaluated"
          )
        }
      }
      if project.triggers.isEmpty { unknowns.append("no HTTP trigger found in the code at \(project.folder)") }
    } else if let folder = codeFolders[app.name] ?? codeFolders[app.address] {
      unknowns.append(
        "the resource map names '\(folder)' as the code of '\(app.name)', but no host.json was scanned there")
    } else {
      unknowns.append(
        "no Functions project (a folder with host.json) linked to '\(app.name)': name its folder '\(app.name)' or add \"functionApps\": {\"\(app.name)\": {\"code\": \"FOLDER\"}} to the resource map"
      )
    }
    // 1. The app validates Entra ID tokens.
    guard declared else {
      unknowns.insert(
        "no Function App in the scanned IaC has the hostname \(app.hostnames.first ?? app.name): its authentication is unknown",
        at: 0)
      return finish(app, declared, calls, project, blockers, unknowns)
    }
    if calls.isEmpty { unknowns.append("no scanned policy calls this app") }
    guard let entra = app.entraID, entra.configured else {
      let detail =
        app.entraID == nil
        ? "configures no Entra ID authentication"
        : "has Entra ID settings that do not require a token (require_authentication, an identity provider)"
      blockers.append(
        .init(
          rule: .functionAppWithoutEntraAuth,
          message: "Function App '\(app.name)' \(detail): APIM's token is not checked", path: app.path,
          line: app.entraID?.line ?? app.line))
      return finish(app, declared, calls, project, blockers, unknowns)
    }
    // The audience.
    if resources.isEmpty {
      if !calls.isEmpty {
        unknowns.append(
          "no Managed Identity resource is known for the policies that call it (give one in the resource map)")
      }
    }
    for resource in resources {
      switch Self.accepts(entra.audiences, resource: resource, app: app) {
      case .yes: break
      case .no:
        blockers.append(
          .init(
            rule: .audienceMismatch,
            message:
              "the policies ask a token for '\(resource)', but '\(app.name)' accepts \(entra.audiences.map { "'\($0)'" }.joined(separator: ", "))",
            path: app.path, line: entra.line))
      case .unknown:
        unknowns.append(
          "cannot compare the resource '\(resource)' with the audiences \(entra.audiences.map { "'\($0)'" }.joined(separator: ", ")) (a reference or named value)"
        )
      }
    }
    // 2. APIM's identity, and whether it may call.
    let apims = declarations.apimInstances
    if apims.isEmpty {
      unknowns.append("no APIM instance in the scanned IaC: its identity and client id are unknown")
    } else {
      if clientIDs.isEmpty {
        for apim in apims where !apim.hasSystemAssignedIdentity {
          blockers.append(
            .init(
              rule: .apimIdentityMissing,
              message:
                "APIM '\(apim.name)' has \(apim.identityType.map { "identity type '\($0)'" } ?? "no identity"), and the policies give no client-id: add a system-assigned identity",
              path: apim.path, line: apim.line))
        }
      }
      callerCheck(entra, app: app, apims: apims, clientIDs: clientIDs, blockers: &blockers, unknowns: &unknowns)
    }
    return finish(app, declared, calls, project, blockers, unknowns)
  }

  private func finish(
    _ app: FunctionApp, _ declared: Bool, _ calls: [PolicyCall], _ project: FunctionProject?,
    _ blockers: [FunctionAppReadiness.Blocker], _ unknowns: [String]
  ) -> FunctionAppReadiness {
    FunctionAppReadiness(
      app: app, declared: declared, policyResources: Array(Set(calls.compactMap(\.resource))).sorted(),
      usesManagedIdentity: calls.contains { $0.usesManagedIdentity }, codeFolder: project?.folder,
      httpTriggers: project?.triggers ?? [],
      verdict: !blockers.isEmpty ? .blocked : unknowns.isEmpty ? .ready : .unknown, blockers: blockers,
      unknowns: unknowns)
  }

  private enum Answer { case yes, no, unknown }

  /// `text` without `${ }` around a single reference, `/.default` and case.
  public static func normalized(_ text: String) -> String {
    var value = text.trimmingXMLSpace
    if value.hasPrefix("${"), value.hasSuffix("}"), !value.dropFirst(2).contains("${") {
      value = String(value.dropFirst(2).dropLast()).trimmingXMLSpace
    }
    if value.hasSuffix("/.default") { value = String(value.dropLast("/.default".count)) }
    return value.lowercased()
  }

  /// Whether a value is written as a literal (not a reference, a named value or an ARM expression).
  public static func isLiteral(_ text: String) -> Bool {
    !text.contains("${") && !text.contains("{{") && !text.contains("%{") && !text.hasPrefix("[")
  }

  private static func accepts(_ audiences: [String], resource: String, app: FunctionApp) -> Answer {
    let wanted = normalized(resource)
    if audiences.contains(where: { normalized($0) == wanted }) { return .yes }
    // The guide's form: the app's own audience output (module.x.entra_id_authentication.audience_client_id).
    let address = app.address.lowercased()
    if !isLiteral(resource), wanted.hasPrefix(address + "."),
      wanted.contains("audience") || wanted.contains("client_id")
    {
      return .yes
    }
    if isLiteral(resource), !audiences.isEmpty, audiences.allSatisfy(isLiteral) { return .no }
    return .unknown
  }

  private func callerCheck(
    _ entra: FunctionApp.EntraIDAuthentication, app: FunctionApp, apims: [APIMInstance], clientIDs: Set<String>,
    blockers: inout [FunctionAppReadiness.Blocker], unknowns: inout [String]
  ) {
    guard !entra.allowedCallers.isEmpty else { return }  // No restriction on the calling application.
    let apimAddresses = apims.map { $0.address.lowercased() }
    let apimNames = apims.map { $0.name.lowercased() }
    // The service principal lookups that find APIM's identity.
    let apimLookups = declarations.servicePrincipals.filter { principal in
      let lookup = principal.lookup.lowercased()
      return apimAddresses.contains { lookup.contains($0 + ".") }
        || lookup.split(separator: "\n").contains { line in
          apimNames.contains { line.hasSuffix("= " + $0) }
        }
    }.map { $0.address.lowercased() }
    let otherLookups = declarations.servicePrincipals.map { $0.address.lowercased() }.filter {
      !apimLookups.contains($0)
    }
    let otherAddresses = declarations.functionApps.map { $0.address.lowercased() }
    var allowed = false
    var objectIDs: [String] = []
    var unclear: [String] = []
    for caller in entra.allowedCallers {
      let value = Self.normalized(caller)
      if Self.isLiteral(caller) {
        if clientIDs.contains(where: { Self.normalized($0) == value }) {
          allowed = true
        } else {
          unclear.append(caller)
        }
        continue
      }
      let isAPIM = apimAddresses.contains { value.hasPrefix($0 + ".") || value.hasPrefix($0 + "[") }
      let lookup = apimLookups.first { value.hasPrefix($0 + ".") }
      if (isAPIM && (value.contains("principal_id") || value.contains("principalid")))
        || (lookup != nil && (value.hasSuffix(".object_id") || value.hasSuffix(".id")))
      {
        objectIDs.append(caller)
      } else if lookup != nil || isAPIM {
        allowed = true
      } else if otherLookups.contains(where: { value.hasPrefix($0 + ".") })
        || otherAddresses.contains(where: { value.hasPrefix($0 + ".") })
      {
        continue  // Another identity, known not to be APIM's.
      } else {
        unclear.append(caller)
      }
    }
    if allowed { return }
    if !objectIDs.isEmpty {
      blockers.append(
        .init(
          rule: .allowedCallerObjectID,
          message:
            "the allowed callers of '\(app.name)' name APIM's principal (object) id \(objectIDs.map { "'\($0)'" }.joined(separator: ", ")), not its client id: the token's client never matches",
          path: app.path, line: entra.line))
    } else if unclear.isEmpty {
      blockers.append(
        .init(
          rule: .apimCallerNotAllowed,
          message:
            "the allowed callers of '\(app.name)' (\(entra.allowedCallers.joined(separator: ", "))) do not include APIM's identity",
          path: app.path, line: entra.line))
    } else {
      unknowns.append(
        "cannot tell whether APIM's identity is among the allowed callers \(unclear.map { "'\($0)'" }.joined(separator: ", "))"
      )
    }
  }
}
