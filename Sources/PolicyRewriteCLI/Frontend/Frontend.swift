import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#endif

/// Runs `migrate` or `check` over files and folders: walks them, processes the files in
/// parallel, writes what is asked, and hands the reports to a ``Reporter`` in path order.
public struct Frontend: Sendable {
  /// The command being run.
  public enum Command: String, Sendable {
    case migrate, check
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
    self.options = options
    self.rewriter = PolicyRewriter(configuration: options.configuration)
  }

  /// Processes `paths` and reports every file to `reporter`, in path order.
  /// - Returns: The run's totals.
  public func run(paths: [String], reporter: any Reporter) -> RunSummary {
    if options.output != .none { TemporaryFiles.shared.removeOnInterrupt() }
    var (selected, problems) = options.walker.walk(paths)
    if case .directory = options.output {
      // Two inputs with one relative path would overwrite each other's copy.
      var seen = Set<String>()
      var unique: [FileWalker.Item] = []
      for item in selected {
        if seen.insert(item.relativePath).inserted {
          unique.append(item)
        } else {
          problems.append(
            FileWalker.Problem(
              path: item.path,
              message: "another input is also written to \(item.relativePath) in the output folder; not written",
              isError: true))
        }
      }
      selected = unique
    }
    let items = selected
    var tracker = SummaryTracker()
    for problem in problems {
      var report = FileReport(path: problem.path)
      report.isPolicy = false
      report.findings.append(
        Finding(
          rule: problem.isError ? .ioError : .skippedPath, severity: problem.isError ? .error : .note,
          message: problem.message, line: 1, column: 1))
      tracker.add(report)
      reporter.report(report)
    }
    let progress = ProgressBar(total: items.count, enabled: options.showsProgress)
    let frontend = withAuthorizationContext(items)
    OrderedParallel.run(
      count: items.count, jobs: options.jobs,
      work: { index in frontend.process(items[index]) },
      consume: { index, report in
        progress.clear()
        tracker.add(report)
        reporter.report(report)
        progress.update(done: index + 1)
      })
    progress.clear()
    let summary = tracker.summary
    reporter.finish(summary)
    return summary
  }

  /// Migrates or checks standard input.
  /// - Parameter output: Where the rewritten document goes, or `nil` for none.
  public func runStandardInput(reporter: any Reporter, output: ByteStream?) -> RunSummary {
    var report = FileReport(path: "<stdin>")
    var tracker = SummaryTracker()
    do {
      let bytes = try FileSystem.readStandardInput()
      let rewritten = process(bytes, into: &report, stamp: nil, item: nil)
      output?.write(rewritten)
      output?.flush()
    } catch {
      report.fail(.ioError, error.reason)
    }
    tracker.add(report)
    reporter.report(report)
    reporter.finish(tracker.summary)
    return tracker.summary
  }

  private func process(_ item: FileWalker.Item) -> FileReport {
    var report = FileReport(path: item.path)
    do {
      let (bytes, stamp) = try FileSystem.read(item.path)
      process(bytes, into: &report, stamp: stamp, item: item)
    } catch {
      report.fail(.ioError, "cannot read the file: \(error.reason)")
    }
    return report
  }

  /// Processes one file's bytes into `report`; returns the bytes the file has after the run.
  @discardableResult
  private func process(_ bytes: [UInt8], into report: inout FileReport, stamp: FileStamp?, item: FileWalker.Item?)
    -> [UInt8]
  {
    guard PolicyRewriter.mayConcern(bytes, path: report.path) || item == nil else {
      report.isPolicy = false
      return bytes
    }
    let result =
      options.command == .check ? rewriter.check(bytes, path: report.path) : rewriter.rewrite(bytes, path: report.path)
    report.isPolicy = result.isPolicy || result.hasErrors
    report.findings = result.findings.filter { $0.rule.isFailure || !options.ignoredRules.contains($0.rule) }
    report.reviewCount = result.reviewCount
    report.referencedNamedValues = FileReport.namedValueReferences(in: result.output)
    guard result.changed else { return bytes }
    report.changed = true
    report.removedKeyNamedValues = result.removedKeyNamedValues
    if options.wantsDiff { report.diff = UnifiedDiff.make(old: bytes, new: result.output, path: report.path) }
    guard let item else { return result.output }
    do {
      switch options.output {
      case .none:
        break
      case .inPlace:
        try FileSystem.replace(item.path, with: result.output, expected: stamp)
      case .directory(let directory):
        try FileSystem.create(directory + "/" + item.relativePath, with: result.output, under: directory)
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
private struct SummaryTracker {
  private var totals = RunSummary()
  private var removed = Set<String>()
  private var referencedBy: [String: String] = [:]

  mutating func add(_ report: FileReport) {
    totals.add(report)
    removed.formUnion(report.removedKeyNamedValues)
    for name in report.referencedNamedValues where referencedBy[name] == nil { referencedBy[name] = report.path }
  }

  var summary: RunSummary {
    var summary = totals
    summary.namedValuesToCleanUp = removed.filter { referencedBy[$0] == nil }.sorted()
    summary.namedValuesStillReferenced = referencedBy.filter { removed.contains($0.key) }
    return summary
  }
}
