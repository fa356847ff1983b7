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
    public var ignoredRules: Set<FindingID> = []
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
  let rewriter: PolicyRewriter

  /// Creates a frontend.
  public init(options: Options) {
    let readAhead = ReadAhead(
      capacity: options.command == .check ? Self.checkReadAheadCapacity : Self.readAheadCapacity)
    // Documents kept for the run's own pass count against the read-ahead store's budget: what
    // is kept ahead of the run is held to one figure (on a tree larger than the store, the
    // files fill it and no document is kept). A document not kept leaves a small verdict
    // (well-formed, its root) while the store keeps its bytes, within the same budget.
    self.init(
      options: options, readAhead: readAhead,
      documents: ParsedDocuments(
        capacity: Self.parsedDocumentsCapacity, reserve: { readAhead.reserve($1, for: $0) },
        release: { readAhead.release($0) }, reserveVerdict: { readAhead.reserveRecord($1, for: $0) }))
  }

  init(options: Options, readAhead: ReadAhead, documents: ParsedDocuments) {
    self.options = options
    var rewriter = PolicyRewriter(configuration: options.configuration)
    rewriter.documents = documents
    self.rewriter = rewriter
    self.workingDirectory = FileSystem.currentDirectory().map(FileSystem.display) ?? ""
    self.readAhead = readAhead
    self.documents = documents
  }

  /// Files the Authorization pass read, for the run not to read them again.
  let readAhead: ReadAhead
  /// Policies the Authorization pass parsed, for the run not to parse them again.
  let documents: ParsedDocuments
  /// The most source bytes whose documents the Authorization pass keeps for the run's own
  /// pass (about 1,500 policies of a typical size), within the read-ahead store's budget.
  static let parsedDocumentsCapacity = 2 << 20
  /// The run's policy graph, once built (`migrate` and `plan`).
  var policyGraph: PolicyGraph?
  /// The most bytes of files read ahead that are kept (about 24,000 policies of a typical
  /// size): `migrate` and `plan` read every policy before the run's own pass (the policy
  /// graph), which then reads none of them again.
  static let readAheadCapacity = 32 << 20
  /// The most bytes kept for `check`, entries included (about 10,000 policies of a typical
  /// size): `check` builds no policy graph, and its memory on a large tree is held to the
  /// benchmark's target (the 10,000-file trees, 13.3 MB and their entries, still fit whole,
  /// beside the documents and verdicts kept for the run); a tree larger than this has its last
  /// files read again by the run's own pass.
  static let checkReadAheadCapacity = 15 << 20

  /// The working directory, read once: the rewriter sees absolute paths.
  let workingDirectory: String

  /// `path` made absolute against the working directory.
  func absolutePath(_ path: String) -> String { FileSystem.absolutePath(path, from: workingDirectory) }

  /// Processes `paths` and reports every file to `reporter`, in path order.
  /// - Returns: The run's totals.
  public func run(paths: [String], reporter: any Reporter) -> RunSummary {
    // A run inside an APIOps tree names its files through the tree's folder (APIOpsScopePlacement).
    let paths = placedPaths(paths)
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
          diagnostic: problem.isError ? .ioError : .skippedPath, severity: problem.isError ? .error : .note,
          message: problem.message, line: 1, column: 1))
      tracker.add(report)
      reporter.report(report)
    }
    // Which arguments yielded a scanned file: a path with none is never silently green.
    let workingDirectory = FileSystem.currentDirectory().map(FileSystem.display)
    let roots = paths.map { FileWalker.normalize($0, workingDirectory: workingDirectory) }
    var scannedArguments = Set<Int?>()
    let progress = ProgressBar(total: items.count, enabled: options.showsProgress)
    readAhead.expect(items.count)
    // The backends' URLs first: the cross-scope checks judge a parent's or child's backend by them.
    let frontend = withBackendURLs(items).withAuthorizationContext(items).withTerraformNames(items)
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
          diagnostic: .noPolicyFiles, severity: options.requiresFiles ? .error : .warning,
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

  /// The most files processed at once: more threads only add memory.
  public static let maximumJobs = 64

  /// The index of the command-line argument that `path` was found under.
  private static func argumentIndex(of path: String, in roots: [String]) -> Int? {
    roots.indices.last { index in
      let root = roots[index]
      return root == "." || path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }
  }
}
