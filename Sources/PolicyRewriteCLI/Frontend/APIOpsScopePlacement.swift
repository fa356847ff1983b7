import PolicyRewrite

/// Where a run that starts inside an APIOps tree lies in it: the working directory is a scope's
/// folder of the tree (`<tree>/apis/<a>`, `<tree>/apis/<a>/operations/<o>`, `<tree>/products/<p>`,
/// `<tree>/workspaces/<w>`, …) or one of the tree's `apis`, `products` or `workspaces` folders.
///
/// A file's scope comes from its path (``PolicyScope/of(path:isFragment:)``), and the files'
/// paths are relative to the working directory: from `apis/orders`, the API's `policy.xml` would
/// read as the global policy. A run whose working directory lies in a tree names its files
/// through the tree's folder instead (`../../apis/orders/policy.xml`, still relative to the
/// working directory), so that each file is placed, and its parents and children are looked for
/// on disk, as when the run names that folder from the tree's root.
///
/// A folder is taken for an APIOps tree only on evidence: an `apiInformation.json`,
/// `productInformation.json` or `workspaceInformation.json` in a scope folder on the way, an
/// API folder whose `operations` folder holds operation policies, or a second part of a tree beside its `apis`, `products` or `workspaces` folder (a global
/// `policy.xml`, another of those folders, `policy fragments`, `named values`, `backends`, …).
/// A repository that merely sits below a folder called `apis` has none of these: its files
/// are then not placed through that folder, and the ones whose scope would differ are reported
/// as of unknown scope (``ambiguity``).
struct APIOpsScopePlacement: Sendable, Equatable {
  /// The tree's folder, absolute.
  var root: String
  /// The working directory's path below ``root`` (`apis/orders`).
  var below: String
  /// Whether the folder is known to be an APIOps tree.
  var isConclusive: Bool

  /// The folder names that only an APIOps tree's root holds beside `apis` or `products`.
  private static let treeParts: Set<String> = [
    "apis", "products", "workspaces", "policy fragments", "policyfragments", "named values", "namedvalues",
    "backends", "loggers", "diagnostics", "gateways", "groups", "tags", "version sets", "versionsets",
    "subscriptions", "policy.xml", "apiversionsets",
  ]
  /// The information files the APIOps extractor writes in each scope's folder.
  private static let informationFiles = [
    "apiInformation.json", "productInformation.json", "workspaceInformation.json",
  ]

  /// The tree that the working directory `workingDirectory` (absolute) lies in, or `nil` when
  /// its path has not the shape of a folder inside a tree, or when it is itself the root of a
  /// tree (it holds `apis`, `products` or `workspaces`).
  static func of(workingDirectory: String) -> APIOpsScopePlacement? {
    guard workingDirectory.hasPrefix("/") else { return nil }
    let parts = workingDirectory.split(separator: "/").map(String.init)
    let lowered = parts.map { $0.lowercased() }
    guard
      var start = lowered.lastIndex(where: { $0 == "apis" || $0 == "products" })
        ?? lowered.lastIndex(of: "workspaces")
    else { return nil }
    // A workspace's tree lies in its service's: the service's folder is the root.
    if start >= 2, lowered[start - 2] == "workspaces", lowered[start] != "workspaces" { start -= 2 }
    guard start >= 1, !holdsTree(workingDirectory) else { return nil }
    let rest = Array(lowered[start...])
    guard hasTreeShape(rest) else { return nil }
    let root = "/" + parts[..<start].joined(separator: "/")
    let below = parts[start...].joined(separator: "/")
    return APIOpsScopePlacement(
      root: root, below: below, isConclusive: hasEvidence(root: root, below: Array(parts[start...])))
  }

  /// The path, relative to the working directory, by which the run names `path` (relative to
  /// the working directory, or absolute): through the tree's folder when it lies in the tree,
  /// else `nil`.
  func placed(_ path: String, workingDirectory: String) -> String? {
    guard path != "-", !path.hasPrefix("/") else { return nil }
    let absolute = FileSystem.absolutePath(path, from: workingDirectory)
    guard absolute == root || absolute.hasPrefix(root + "/") else { return nil }
    let depth = below.split(separator: "/").count
    let up = Array(repeating: "..", count: depth).joined(separator: "/")
    return up + absolute.dropFirst(root.count)
  }

  /// Why a file's scope is not known when the evidence is not conclusive: from the working
  /// directory it reads as `scope`, through the folder that may be a tree's root as `other`.
  func ambiguity(_ path: String, scope: PolicyScope, other: PolicyScope) -> String {
    "the scope of this policy depends on where the run starts: the working directory is \(below) below \(root), "
      + "which may be the root of an APIOps tree (then this file is a\(other == .api || other == .operation ? "n" : "") "
      + "\(other.rawValue) policy), but nothing there confirms it (no \(Self.informationFiles.joined(separator: ", ")) "
      + "in the scope's folder, and no other part of a tree, such as a global policy.xml or a products folder, beside "
      + "its \(below.split(separator: "/").first ?? "") folder), so it was read as a\(scope == .api || scope == .operation || scope == .unknown ? "n" : "") \(scope.rawValue) policy "
      + "and the checks across scopes may be wrong; if it is a tree, run from its root "
      + "(cd \(root) && policy-rewrite migrate \(below)); if not, run from a folder whose path does not pass through it"
  }

  /// Whether some subfolder of `folder` holds a `policy.xml`.
  private static func hasOperationPolicies(_ folder: String) -> Bool {
    ((try? FileSystem.entries(of: folder)) ?? []).contains {
      $0.kind == .directory && FileSystem.kind(of: folder + "/" + $0.name + "/policy.xml") == .file
    }
  }

  /// Whether `folder` holds an `apis`, `products` or `workspaces` folder: it is the root of an
  /// APIOps tree. `folder` is named as the run's paths are: the empty `folder` is the working
  /// directory (the names are then relative), not `/`.
  static func holdsTree(_ folder: String) -> Bool {
    let prefix = folder.isEmpty || folder.hasSuffix("/") ? folder : folder + "/"
    return ["apis", "products", "workspaces"].contains { FileSystem.kind(of: prefix + $0) == .directory }
  }

  /// Whether `parts` (lowered, from the `apis`, `products` or `workspaces` folder on) is a path
  /// of an APIOps tree's folders: `apis[/A[/operations[/O]]]`, `products[/P]`,
  /// `workspaces[/W[/<one of these>]]`.
  private static func hasTreeShape(_ parts: [String]) -> Bool {
    guard let first = parts.first else { return false }
    switch first {
    case "apis":
      return parts.count <= 2 || (parts[2] == "operations" && parts.count <= 4)
    case "products":
      return parts.count <= 2
    case "workspaces":
      return parts.count <= 2 || hasTreeShape(Array(parts.dropFirst(2))) && parts[2] != "workspaces"
    default:
      return false
    }
  }

  /// Whether the folder `root` is known to be an APIOps tree, for a working directory at
  /// `below` (its components) under it.
  private static func hasEvidence(root: String, below: [String]) -> Bool {
    // The scope folders on the way: `apis/A`, `products/P`, `workspaces/W`, `workspaces/W/apis/A`.
    var folder = root
    var index = 0
    while index + 1 < below.count {
      folder += "/" + below[index] + "/" + below[index + 1]
      if informationFiles.contains(where: { FileSystem.kind(of: folder + "/" + $0) == .file }) { return true }
      // An API's folder whose `operations` folder holds operation policies.
      if below[index].lowercased() == "apis", hasOperationPolicies(folder + "/operations") { return true }
      index += 2
      if index < below.count, below[index].lowercased() == "operations" { break }
    }
    // A second part of a tree beside the first.
    var found = 0
    for entry in (try? FileSystem.entries(of: root)) ?? [] where treeParts.contains(entry.name.lowercased()) {
      found += 1
      if found >= 2 { return true }
    }
    // A workspace's own folder beside its `apis` or `products`.
    if below.count >= 2, below[0].lowercased() == "workspaces" {
      let workspace = root + "/" + below[0] + "/" + below[1]
      var parts = 0
      for entry in (try? FileSystem.entries(of: workspace)) ?? [] where treeParts.contains(entry.name.lowercased()) {
        parts += 1
        if parts >= 2 { return true }
      }
    }
    return false
  }
}

extension Frontend {
  /// The tree the working directory lies in, if any (``APIOpsScopePlacement``).
  var apiopsScope: APIOpsScopePlacement? { APIOpsScopePlacement.of(workingDirectory: workingDirectory) }

  /// The path a file's report shows: its display path, or, for a file that the run names
  /// through the APIOps tree around the working directory (``placedPaths(_:)``), its path from
  /// the working directory again (`policy.xml`, not `../../apis/orders/policy.xml`).
  func reportPath(of item: FileWalker.Item) -> String {
    let display = item.displayPath
    guard display.hasPrefix("../") else { return display }
    let absolute = absolutePath(display)
    guard absolute.hasPrefix(workingDirectory + "/"), workingDirectory != "/" else { return display }
    return String(absolute.dropFirst(workingDirectory.count + 1))
  }

  /// The bytes of ``reportPath(of:)``: the item's own path when the report shows it as it is.
  func reportPathBytes(of item: FileWalker.Item) -> [UInt8] {
    guard item.path.starts(with: "../".utf8) else { return item.path }
    return Array(reportPath(of: item).utf8)
  }

  /// The run's path arguments, each named through the APIOps tree that the working directory
  /// lies in when the evidence says it is one (``APIOpsScopePlacement``): the same files, placed as from
  /// the tree's root.
  func placedPaths(_ paths: [String]) -> [String] {
    guard let scope = apiopsScope, scope.isConclusive else { return paths }
    return paths.map { scope.placed($0, workingDirectory: workingDirectory) ?? $0 }
  }

  /// For a run whose working directory may lie in an APIOps tree without evidence that it is
  /// one, the policies of `graph` (placed by their path alone) whose scope would differ if it
  /// were: why their scope is not known, by the graph's path.
  func ambiguousPlacements(_ graph: PolicyGraph) -> [String: String] {
    var result: [String: String] = [:]
    let scope = apiopsScope
    // A `policy.xml` at the run's root is global by its place alone: named from the parent
    // folder (`migrate repo`), the same file has no place. Unless a tree's folders stand beside
    // it, or the folder's name says it holds APIM artifacts, its scope depends on where the
    // run starts.
    if let root = graph.policies.first(where: {
      $0.path == "policy.xml" && $0.scope == .global && $0.declaredAt == nil && $0.inlineText == nil
    }), scope == nil,
      // A working directory that could not be read (`""`) is looked at as `/`.
      !APIOpsScopePlacement.holdsTree(workingDirectory.isEmpty ? "/" : workingDirectory),
      !PolicyScope.isArtifactsFolder(String(workingDirectory.split(separator: "/").last ?? "").lowercased())
    {
      result[root.path] =
        "the scope of this policy depends on where the run starts: a policy.xml at the run's root is read as the global policy, but no apis, products or workspaces folder stands beside it, and from its parent folder the same file has no place (a Terraform, Bicep or ARM file elsewhere may apply it at another scope), so the checks across scopes may be wrong; declare it, or run on the repository that applies it"
    }
    guard let scope, !scope.isConclusive else { return result }
    for policy in graph.policies
    where policy.declaredAt == nil && policy.inlineText == nil && ![.fragment, .unknown].contains(policy.scope) {
      guard let placed = scope.placed(policy.path, workingDirectory: workingDirectory) else { continue }
      let other = PolicyScope.of(path: placed, isFragment: false)
      guard other != policy.scope else { continue }
      result[policy.path] = scope.ambiguity(policy.path, scope: policy.scope, other: other)
    }
    return result
  }
}
