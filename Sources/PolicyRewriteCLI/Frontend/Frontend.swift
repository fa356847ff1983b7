import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#endif

/// Runs `migrate`, `check` or `plan` over files and folders: walks them, processes the files in
/// parallel, writes what is asked, and hands the reports to a ``Reporter`` in path order.
public struct Frontend: Sendable {
  /// The command being run.
  public enum Command: String, Sendable {
    /// Rewrite key injections.
    case migrate
    /// Report what remains.
    case check
    /// Inventory the migration without changing anything.
    case plan
  }

  /// Where `migrate` puts its result.
  public enum Output: Sendable, Hashable {
    /// Nothing is written (a diff, or `--check`).
    case none
    /// Files are rewritten in place, atomically.
    case inPlace
    /// Migrated copies go to `DIR/<relative path>`; originals stay.
    case directory(String)
  }

  /// What to run and how.
  public struct Options: Sendable {
    /// The command.
    public var command: Command
    /// What the rewrite looks for and writes.
    public var configuration: RewriteConfiguration
    /// Where `migrate` writes.
    public var output: Output = .none
    /// Whether each changed file's unified diff is wanted.
    public var wantsDiff = false
    /// Files processed at once.
    public var jobs: Int
    /// Which files are selected.
    public var walker = FileWalker()
    /// Rules whose findings `check` does not report.
    public var ignoredRules: Set<Rule> = []
    /// Whether a progress bar may be drawn on standard error (when it is a terminal).
    public var showsProgress = true
    /// The path standard input stands for (`--stdin-filename`): its format, and the path shown.
    public var standardInputPath: String?
    /// Whether a path that yields no policy file is an error (`--require-files`) rather than a
    /// warning.
    public var requiresFiles = false
    /// Accepted findings that `check` does not report (`--baseline`).
    public var baseline: Baseline?
    /// The resource map file, whose entries are audited after the run (unused entries).
    public var resourceMapFile: (path: String, bytes: [UInt8])?
    /// Whether the Function Apps' readiness is assessed (`plan`, `check --readiness`).
    public var readiness = false

    /// Creates options with the number of cores as jobs.
    public init(command: Command, configuration: RewriteConfiguration) {
      self.command = command
      self.configuration = configuration
      self.jobs = Frontend.coreCount
    }
  }

  /// The number of online cores.
  public static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

  /// The options of the run.
  public let options: Options
  private let rewriter: PolicyRewriter

  /// Creates a frontend.
  public init(options: Options) {
    self.init(options: options, readAhead: ReadAhead(capacity: Self.readAheadCapacity))
  }

  init(options: Options, readAhead: ReadAhead) {
    self.options = options
    self.rewriter = PolicyRewriter(configuration: options.configuration)
    self.workingDirectory = FileSystem.currentDirectory().map(FileSystem.display) ?? ""
    self.readAhead = readAhead
  }

  /// Files the Authorization pass read, for the run not to read them again.
  let readAhead: ReadAhead
  /// The run's policy graph, once built (`migrate` and `plan`).
  var policyGraph: PolicyGraph?
  /// The most bytes of files read ahead that are kept (about 6,000 policies of a typical size).
  static let readAheadCapacity = 8 << 20

  /// The working directory, read once: the rewriter sees absolute paths.
  private let workingDirectory: String

  /// `path` made absolute against the working directory.
  func absolutePath(_ path: String) -> String { FileSystem.absolutePath(path, from: workingDirectory) }

  /// Processes `paths` and reports every file to `reporter`, in path order.
  /// - Returns: The run's totals.
  public func run(paths: [String], reporter: any Reporter) -> RunSummary {
    if options.output != .none, options.configuration.resources.requiresMapEntry,
      let refused = StrictMapGate(frontend: self).refusal(paths: paths)
    {
      // Run-wide decisions first: under --strict-map an unresolved key stops the whole run
      // before the first file is written.
      var tracker = SummaryTracker(output: options.output)
      for report in refused {
        tracker.add(report)
        reporter.report(report)
      }
      let summary = tracker.summary
      reporter.finish(summary)
      return summary
    }
    return runFiles(paths: paths, reporter: reporter)
  }

  /// ``run(paths:reporter:)`` after the run-wide checks.
  func runFiles(paths: [String], reporter: any Reporter) -> RunSummary {
    if options.output != .none { TemporaryFiles.shared.removeOnInterrupt() }
    var tracker = SummaryTracker(output: options.output)
    var output = options.output
    if case .directory(let directory) = options.output {
      do {
        output = .directory(try Self.checkOutputDirectory(directory, inputs: paths))
      } catch {
        var report = FileReport(path: error.path)
        report.isPolicy = false
        report.fail(.ioError, error.reason)
        tracker.add(report)
        reporter.report(report)
        reporter.finish(tracker.summary)
        return tracker.summary
      }
    }
    var (selected, problems) = options.walker.walk(paths, jobs: min(options.jobs, Self.maximumJobs))
    if case .directory(let folder) = output {
      // The copies of an earlier run are not inputs (`--output-dir out .` run twice).
      let skipped = Self.outputFolderPrefixes(folder, inputs: paths)
      if !skipped.isEmpty {
        selected.removeAll { item in skipped.contains { item.path.starts(with: $0) } }
      }
      // Two inputs with one relative path would overwrite each other's copy.
      var seen = Set<[UInt8]>()
      var unique: [FileWalker.Item] = []
      for item in selected {
        if seen.insert(item.relativePath).inserted {
          unique.append(item)
        } else {
          problems.append(
            FileWalker.Problem(
              path: item.displayPath,
              message:
                "another input is also written to \(FileSystem.display(item.relativePath)) in the output folder; not written",
              isError: true))
        }
      }
      selected = unique
    }
    let items = selected
    let destination = output
    for problem in problems {
      var report = FileReport(path: problem.path)
      report.isPolicy = false
      // A missing or skipped path is not a scanned file; its error still counts.
      report.isInput = false
      report.findings.append(
        Finding(
          rule: problem.isError ? .ioError : .skippedPath, severity: problem.isError ? .error : .note,
          message: problem.message, line: 1, column: 1))
      tracker.add(report)
      reporter.report(report)
    }
    // Which arguments yielded a scanned file: a path with none is never silently green.
    let workingDirectory = FileSystem.currentDirectory().map(FileSystem.display)
    let roots = paths.map { FileWalker.normalize($0, workingDirectory: workingDirectory) }
    var scannedArguments = Set<Int?>()
    let progress = ProgressBar(total: items.count, enabled: options.showsProgress)
    let frontend = withAuthorizationContext(items).withTerraformNames(items)
    var readiness = options.readiness ? ReadinessCollector() : nil
    OrderedParallel.run(
      count: items.count, jobs: min(options.jobs, Self.maximumJobs),
      work: { index in frontend.process(items[index], output: destination) },
      consume: { index, report in
        var report = report
        if options.command == .migrate { tracker.warnOfSharedDefault(in: &report) }
        progress.clear()
        if report.countsAsScanned {
          scannedArguments.insert(Self.argumentIndex(of: items[index].displayPath, in: roots))
        }
        tracker.add(report)
        readiness?.add(report)
        reporter.report(report)
        progress.update(done: index + 1)
      })
    progress.clear()
    let functionApps = readiness.map { finishReadiness($0, tracker: &tracker, reporter: reporter) }
    let missing = Set(problems.map(\.path))
    for (index, root) in roots.enumerated()
    where !scannedArguments.contains(index) && !missing.contains(root) && FileSystem.kind(of: root) == .directory {
      var report = FileReport(path: root)
      report.isPolicy = false
      report.isInput = false
      report.findings.append(
        Finding(
          rule: .noPolicyFiles, severity: options.requiresFiles ? .error : .warning,
          message: "no policy files under \(root): nothing was checked (is the path right?)", line: 1, column: 1))
      tracker.add(report)
      reporter.report(report)
    }
    if let map = options.resourceMapFile, options.command != .check {
      let audit = MapAudit(
        map: options.configuration.resources, path: map.path, bytes: map.bytes, usedEntries: tracker.usedMapEntries,
        namedValues: tracker.keyNamedValues, unresolvedNamedValues: tracker.unresolvedNamedValues)
      let report = audit.report()
      if !report.findings.isEmpty {
        tracker.add(report)
        reporter.report(report)
      }
    }
    var summary = tracker.summary
    summary.functionApps = functionApps
    summary.policyGraph = frontend.policyGraph
    reporter.finish(summary)
    return summary
  }

  /// The verdicts of the Function Apps; for `check`, the blockers of apps already called with
  /// Managed Identity are reported as findings.
  private func finishReadiness(
    _ collector: ReadinessCollector, tracker: inout SummaryTracker, reporter: any Reporter
  ) -> FunctionAppsReport {
    let found = collector.finish(
      backends: tracker.summary.backends, map: options.configuration.resources, absolutePath: absolutePath)
    if options.command == .check {
      for var report in found.checkReports(ignoring: options.ignoredRules) {
        // A baseline accepts a readiness finding as it accepts any other.
        if let baseline = options.baseline {
          (report.findings, report.suppressed) = baseline.apply(
            to: report.findings, path: report.pathBytes ?? Array(report.path.utf8))
        }
        tracker.add(report)
        reporter.report(report)
      }
    }
    return found
  }

  /// The most files processed at once: more threads only add memory.
  public static let maximumJobs = 64

  /// The output folder to write to, checked against the inputs: `..` components are
  /// resolved in the text (so `out/../out2` creates only `out2`), and a folder that is a
  /// symbolic link, or that is or contains an input folder, is refused (the copies would
  /// overwrite the originals, skipping every check of an in-place write).
  /// - Returns: The folder to write to.
  public static func checkOutputDirectory(_ directory: String, inputs: [String]) throws(FileSystemError) -> String {
    var components: [Substring] = []
    for component in directory.split(separator: "/", omittingEmptySubsequences: true) where component != "." {
      if component == "..", let last = components.last, last != ".." {
        components.removeLast()
      } else {
        components.append(component)
      }
    }
    let absolute = directory.hasPrefix("/")
    let normalized = (absolute ? "/" : "") + components.joined(separator: "/")
    let folder = normalized.isEmpty ? "." : normalized
    if FileSystem.kind(of: folder) == .symbolicLink {
      throw FileSystemError(path: folder, reason: "the output folder is a symbolic link; not followed")
    }
    // The physical path of the folder: its deepest existing ancestor resolved, the rest appended.
    var existing = Array(folder.utf8)
    var rest: [[UInt8]] = []
    while FileSystem.resolved(existing) == nil, let slash = existing.lastIndex(of: .slash) {
      rest.insert(Array(existing[(slash + 1)...]), at: 0)
      existing = slash == 0 ? [.slash] : Array(existing[..<slash])
    }
    if FileSystem.resolved(existing) == nil {
      rest.insert(existing, at: 0)
      existing = [.dot]
    }
    guard let base = FileSystem.resolved(existing) else { return folder }
    let physical = rest.reduce(base) { $0 == [.slash] ? $0 + $1 : $0 + [.slash] + $1 }
    for input in inputs {
      let path = Array(input.utf8)
      let inputFolder = FileSystem.kind(of: path) == .directory ? path : Array(FileSystem.parent(of: input).utf8)
      guard let resolvedInput = FileSystem.resolved(inputFolder) else { continue }
      if resolvedInput == physical || resolvedInput.starts(with: physical == [.slash] ? physical : physical + [.slash])
      {
        throw FileSystemError(
          path: folder,
          reason:
            "the output folder is or contains the input \(input); the copies would overwrite the originals (use --write to rewrite in place)"
        )
      }
    }
    return folder
  }

  /// The output folder as it appears below each input folder that holds it, with a final `/`:
  /// the walked paths that start with one of these are earlier copies, not inputs.
  static func outputFolderPrefixes(_ folder: String, inputs: [String]) -> [[UInt8]] {
    guard let physical = FileSystem.resolved(Array(folder.utf8)) else { return [] }
    let workingDirectory = FileSystem.currentDirectory().map(FileSystem.display)
    var prefixes: [[UInt8]] = []
    for input in inputs {
      let root = FileWalker.normalize(input, workingDirectory: workingDirectory)
      guard FileSystem.kind(of: root) == .directory, let resolvedRoot = FileSystem.resolved(Array(root.utf8)) else {
        continue
      }
      let base = resolvedRoot == [.slash] ? resolvedRoot : resolvedRoot + [.slash]
      guard physical.count > base.count, physical.starts(with: base) else { continue }
      let below = Array(physical[base.count...])
      prefixes.append((root == "." ? below : Array(root.utf8) + [.slash] + below) + [.slash])
    }
    return prefixes
  }

  /// Migrates or checks standard input.
  /// - Parameter output: Where the rewritten document goes, or `nil` for none.
  public func runStandardInput(reporter: any Reporter, output: ByteStream?) -> RunSummary {
    var report = FileReport(path: options.standardInputPath ?? "<stdin>")
    var tracker = SummaryTracker(output: options.output)
    do {
      let bytes = try FileSystem.readStandardInput()
      report.declarations = DeclarationScanner.declarations(in: bytes, path: report.path)
      let rewritten = process(bytes, into: &report, stamp: nil, item: nil, output: .none)
      output?.write(rewritten)
      output?.flush()
    } catch {
      report.fail(.ioError, error.reason)
    }
    tracker.add(report)
    reporter.report(report)
    let summary = tracker.summary
    reporter.finish(summary)
    return summary
  }

  private func process(_ item: FileWalker.Item, output: Output) -> FileReport {
    var report = FileReport(path: item.displayPath)
    report.pathBytes = item.path
    do {
      let (bytes, stamp) = try readAhead.read(item.path)
      process(bytes, into: &report, stamp: stamp, item: item, output: output)
    } catch {
      report.fail(.ioError, "cannot read the file: \(error.reason)")
    }
    return report
  }

  /// Moves the findings that a suppression comment or the baseline accepts out of the report.
  /// Unused suppressions are reported by `check` only: `migrate` does not report what it rewrites.
  private func applySuppressions(to report: inout FileReport, source: [UInt8], accepted: [Finding] = []) {
    let inline = InlineSuppressions(source, path: report.path)
    // The injections that migrate left because they are accepted: their `check` findings, so
    // that the comment or baseline entry that accepts them counts as used.
    var (kept, suppressed) = inline.apply(to: report.findings + accepted)
    if options.command != .check { kept.removeAll { $0.rule == .unusedSuppression } }
    if let baseline = options.baseline {
      let (remaining, accepted) = baseline.apply(to: kept, path: report.pathBytes ?? Array(report.path.utf8))
      kept = remaining
      suppressed += accepted
    }
    report.findings = kept
    report.suppressed = suppressed
  }

  /// The `key-injection` findings of a file that a suppression comment or the baseline
  /// accepts: `migrate` leaves those injections as they are (`check` stays green on them).
  private func acceptedInjections(_ bytes: [UInt8], report: FileReport, as resourcePath: String) -> [Finding] {
    let path = report.pathBytes ?? Array(report.path.utf8)
    let hasComment = bytes.containsLiteral("policy-rewrite:")
    let inBaseline = options.baseline?.hasEntries(forPath: path) ?? false
    guard hasComment || inBaseline else { return [] }
    let injections = rewriter.check(bytes, path: resourcePath).findings.filter { $0.rule == .keyInjection }
    guard !injections.isEmpty else { return [] }
    var (kept, suppressed) = InlineSuppressions(bytes, path: report.path).apply(to: injections)
    if let baseline = options.baseline {
      let (_, accepted) = baseline.apply(to: kept, path: path)
      suppressed += accepted
      kept = []
    }
    return suppressed.map(\.finding)
  }

  /// Whether the file's name says it holds a policy (APIOps `policy.xml` and `apiPolicy.xml`),
  /// so that anything else in it is an error, not a file to skip. (`*.policy.xml` snippet
  /// collections often hold fragments of policies, so they are not held to this.)
  static func mustBePolicy(_ path: String) -> Bool {
    let name = (path.split(separator: "/").last ?? "").lowercased()
    return name == "policy.xml" || name == "apipolicy.xml"
  }

  /// The index of the command-line argument that `path` was found under.
  private static func argumentIndex(of path: String, in roots: [String]) -> Int? {
    roots.indices.last { index in
      let root = roots[index]
      return root == "." || path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }
  }

  /// What `plan` shows of a file: an injection with no resource yet is not an error there (the
  /// plan is how resources are chosen), so a file whose only errors are unresolved resources
  /// lists its injections as the migration would rewrite them once resources are given.
  private static func planView(of report: inout FileReport) {
    let unresolved = report.findings.filter { $0.rule == .unresolvedResource }
    guard !unresolved.isEmpty else { return }
    report.findings.removeAll { $0.rule == .unresolvedResource }
    guard !report.findings.contains(where: { $0.severity == .error && $0.rule.isFailure }) else { return }
    for index in report.injections.indices where report.injections[index].outcome == .blocked {
      report.injections[index].outcome = .rewritten
    }
  }

  /// Processes one file's bytes into `report`; returns the bytes the file has after the run.
  @discardableResult
  private func process(
    _ bytes: [UInt8], into report: inout FileReport, stamp: FileStamp?, item: FileWalker.Item?, output: Output
  ) -> [UInt8] {
    if options.readiness { report.readiness = FileReadiness.read(bytes, path: report.path) }
    if options.command != .check, DeclarationScanner.mayDeclare(bytes, path: report.path) {
      report.declarations = DeclarationScanner.declarations(in: bytes, path: report.path)
    }
    guard PolicyRewriter.mayConcern(bytes, path: report.path) || item == nil || Self.mustBePolicy(report.path) else {
      report.isPolicy = false
      // A named value that a file of another kind references must not be listed for deletion.
      report.referencedNamedValues = FileReport.namedValueReferences(in: bytes)
      if options.command == .plan { report.backendIDs = BackendKey.backendIDs(in: bytes) }
      // An XML file named on the command line that is not a policy is said to be so (an error
      // with --require-files); other file types without a policy pass in silence (pre-commit
      // hands over every changed file).
      if item?.isExplicit == true, SourceFormat(path: report.path) == .policy {
        report.findings.append(
          Finding(
            rule: options.requiresFiles ? .noPolicyFiles : .notAPolicy,
            severity: options.requiresFiles ? .error : .note,
            message: "not a policy document (no <policies> or <fragment> root) and no key found; skipped", line: 1,
            column: 1))
      }
      return bytes
    }
    // byPath globs are relative to the map's folder, and child scopes are known by absolute
    // path: the rewriter sees the absolute path (made for `check` only when child scopes
    // matter: it chooses no resource).
    let result: RewriteResult
    var acceptedByMigrate: [Finding] = []
    if options.command == .check {
      let scopesMatter =
        item != nil
        && !(options.configuration.authorizationChildScopes.isEmpty
          && options.configuration.authorizationParentScopes.isEmpty
          && options.configuration.fragmentIncludesOutsideInbound.isEmpty)
      result = rewriter.check(bytes, path: scopesMatter ? absolutePath(report.path) : report.path)
    } else {
      let resourcePath =
        item == nil && options.standardInputPath == nil ? report.path : absolutePath(report.path)
      let accepted = options.command == .migrate ? acceptedInjections(bytes, report: report, as: resourcePath) : []
      result = rewriter.rewrite(bytes, path: resourcePath, accepted: Set(accepted.map { [$0.line, $0.column] }))
      acceptedByMigrate = accepted
    }
    report.isPolicy = result.isPolicy || result.hasErrors
    report.findings = result.findings.filter { $0.rule.isFailure || !options.ignoredRules.contains($0.rule) }
    report.reviewCount = result.reviewCount
    report.injections = result.injections
    if let scope = policyGraph?.policy(at: report.path)?.scope, scope != .unknown {
      for index in report.injections.indices { report.injections[index].scope = scope }
    }
    if options.command != .plan { applySuppressions(to: &report, source: bytes, accepted: acceptedByMigrate) }
    if options.command == .plan {
      Self.planView(of: &report)
      report.backendKeys = BackendKey.keys(in: bytes, findings: report.findings, declarations: report.declarations)
      report.backendIDs = BackendKey.backendIDs(in: bytes)
    }
    report.referencedNamedValues = FileReport.namedValueReferences(in: result.output)
    guard result.changed else { return bytes }
    report.changed = true
    report.removedKeyNamedValues = result.removedKeyNamedValues
    if options.wantsDiff {
      report.diff = UnifiedDiff.make(
        old: bytes, new: result.output, edits: result.edits, path: item?.path ?? Array(report.path.utf8))
    }
    guard let item else { return result.output }
    do throws(FileSystemError) {
      switch output {
      case .none:
        break
      case .inPlace:
        try FileSystem.replace(item.path, with: result.output, expected: stamp)
        if let stamp, stamp.links > 1 {
          report.findings.append(
            Finding(
              rule: .ioError, severity: .warning,
              message:
                "the file had \(stamp.links) hard links; this name now holds the migrated policy, the other names keep the old bytes",
              line: 1, column: 1))
        }
      case .directory(let directory):
        let destination = Array(directory.utf8) + [.slash] + item.relativePath
        if let stamp, FileSystem.isSameFile(destination, as: stamp) {
          throw FileSystemError(path: destination, reason: "the copy would overwrite the original; not written")
        }
        try FileSystem.create(
          relative: item.relativePath, with: result.output, under: Array(directory.utf8),
          mode: stamp?.permissions ?? 0o644)
        report.destination = FileSystem.display(destination)
      }
    } catch {
      report.changed = false
      report.diff = []
      report.removedKeyNamedValues = []
      report.referencedNamedValues = FileReport.namedValueReferences(in: bytes)
      report.fail(.ioError, "not written: \(error.reason)")
      return bytes
    }
    return result.output
  }
}

/// Adds up reports and keeps what the named-value clean-up list needs.
struct SummaryTracker {
  private var totals = RunSummary()

  init(output: Frontend.Output) {
    totals.output = output
  }

  private var removed = Set<String>()
  private var referencedBy: [String: String] = [:]
  private var declared: [String: [CleanUpItem.Location]] = [:]
  private var declaredByAddress: [String: CleanUpItem.Location] = [:]
  /// The Terraform resources that name each named value's address, by that address.
  private var dependents: [String: [String]] = [:]
  private var vaultSecrets: [String: CleanUpItem.Location] = [:]
  private var keyLookingNamedValues = Set<String>()
  /// The map entries (named values and path patterns) that chose a resource in this run.
  private(set) var usedMapEntries = Set<String>()
  /// The named values that hold the keys of this run's injections.
  private(set) var keyNamedValues = Set<String>()
  /// For each default resource (the map's `default` or `--resource`), the named values of the
  /// rewritten injections that got it.
  private var defaultKeys: [String: Set<String>] = [:]

  /// Adds a `shared-default-resource` warning to `report` at the first rewritten injection
  /// whose named value gets a default resource (`--resource` or the map's `default`) that an
  /// earlier file already gave to another named value: every Function App has its own key, so
  /// one audience for several keys reaches several apps, and all but one reject the token.
  mutating func warnOfSharedDefault(in report: inout FileReport) {
    for record in report.injections where record.outcome == .rewritten {
      guard [.default, .commandLine].contains(record.resolution.source), let resource = record.resolution.resource,
        case .namedValue(let name) = record.key
      else { continue }
      let earlier = defaultKeys[resource.value, default: []]
      defaultKeys[resource.value, default: []].insert(name)
      guard !earlier.isEmpty, !earlier.contains(name) else { continue }
      let others = earlier.sorted().prefix(3).map { "'\($0)'" }.joined(separator: ", ")
      report.findings.append(
        Finding(
          rule: .sharedDefaultResource, severity: .warning,
          message:
            "the default resource '\(resource.value)' is the audience for the key of named value '\(name)' and for \(others)\(earlier.count > 3 ? " and more" : ""): each Function App has its own Entra ID application, so all but one will reject the token; map each key to its app's audience (byNamedValue)",
          line: record.line, column: record.column, section: record.section))
    }
  }
  /// The named values of this run's injections that no map entry resolves.
  private(set) var unresolvedNamedValues = Set<String>()

  mutating func add(_ report: FileReport) {
    totals.add(report)
    removed.formUnion(report.removedKeyNamedValues)
    for name in report.referencedNamedValues where referencedBy[name] == nil { referencedBy[name] = report.path }
    for record in report.injections {
      if let entry = record.resolution.entry { usedMapEntries.insert(entry) }
      if case .namedValue(let name) = record.key {
        keyNamedValues.insert(name)
        if record.resolution.entry == nil { unresolvedNamedValues.insert(name) }
      }
      if record.outcome == .rewritten, let resource = record.resolution.resource {
        totals.audiences[resource.value, default: [:]][record.resolution.source, default: 0] += 1
      }
      if record.outcome == .accepted { totals.acceptedInjections += 1 }
    }
    for declaration in report.declarations {
      let location = CleanUpItem.Location(path: report.path, line: declaration.line, address: declaration.address)
      switch declaration.kind {
      case .namedValue:
        declared[declaration.name, default: []].append(
          CleanUpItem.Location(
            path: report.path, line: declaration.line, address: declaration.address,
            keyVaultSecret: declaration.keyVaultSecret))
        if let address = declaration.address {
          declaredByAddress[address] = CleanUpItem.Location(
            path: report.path, line: declaration.line, address: address, keyVaultSecret: declaration.keyVaultSecret)
        }
        if Declaration.looksLikeFunctionKey(declaration.name) { keyLookingNamedValues.insert(declaration.name) }
      case .keyVaultSecret:
        if let address = declaration.address { vaultSecrets[address] = location }
      case .backend:
        if let url = declaration.url { totals.backends[declaration.name] = url }
      case .dependent:
        if let address = declaration.address {
          dependents[declaration.name, default: []].append("\(address) at \(report.path):\(declaration.line)")
        }
      }
    }
  }

  var summary: RunSummary {
    var summary = totals
    summary.namedValuesToCleanUp = removed.filter { referencedBy[$0] == nil }.sorted()
    summary.namedValuesStillReferenced = referencedBy.filter { removed.contains($0.key) }
    summary.cleanUp =
      summary.namedValuesToCleanUp.map { item(for: $0, stillReferencedBy: nil) }
      + summary.namedValuesStillReferenced.keys.sorted().map { item(for: $0, stillReferencedBy: referencedBy[$0]) }
    let referencedAddresses = Set(referencedBy.keys.compactMap(Declaration.terraformAddress(inReference:)))
    summary.unreferencedKeyNamedValues = keyLookingNamedValues.subtracting(referencedBy.keys).subtracting(removed)
      .sorted().map { item(for: $0, stillReferencedBy: nil) }
      .filter { item in !item.declarations.contains { $0.address.map(referencedAddresses.contains) ?? false } }
    return summary
  }

  private func item(for name: String, stillReferencedBy path: String?) -> CleanUpItem {
    let byAddress = Declaration.terraformAddress(inReference: name).flatMap { declaredByAddress[$0] }
    let declarations = (declared[name] ?? byAddress.map { [$0] } ?? []).map { location in
      var location = location
      if let secret = location.keyVaultSecret, let secretLocation = vaultSecrets[secret] {
        location.keyVaultSecretLocation = CleanUpItem.Location.SecretLocation(
          path: secretLocation.path, line: secretLocation.line)
      }
      if let address = location.address, let names = dependents[address] { location.dependents = names.sorted() }
      return location
    }
    return CleanUpItem(namedValue: name, stillReferencedBy: path, declarations: declarations)
  }
}
