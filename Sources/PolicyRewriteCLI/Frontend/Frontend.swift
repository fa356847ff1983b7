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
    var tracker = SummaryTracker()
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
    var (selected, problems) = options.walker.walk(paths)
    if case .directory = output {
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
      report.findings.append(
        Finding(
          rule: problem.isError ? .ioError : .skippedPath, severity: problem.isError ? .error : .note,
          message: problem.message, line: 1, column: 1))
      tracker.add(report)
      reporter.report(report)
    }
    let progress = ProgressBar(total: items.count, enabled: options.showsProgress)
    OrderedParallel.run(
      count: items.count, jobs: min(options.jobs, Self.maximumJobs),
      work: { [self] index in process(items[index], output: destination) },
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

  /// Migrates or checks standard input.
  /// - Parameter output: Where the rewritten document goes, or `nil` for none.
  public func runStandardInput(reporter: any Reporter, output: ByteStream?) -> RunSummary {
    var report = FileReport(path: "<stdin>")
    var tracker = SummaryTracker()
    do {
      let bytes = try FileSystem.readStandardInput()
      let rewritten = process(bytes, into: &report, stamp: nil, item: nil, output: .none)
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

  private func process(_ item: FileWalker.Item, output: Output) -> FileReport {
    var report = FileReport(path: item.displayPath)
    do {
      let (bytes, stamp) = try FileSystem.read(item.path)
      process(bytes, into: &report, stamp: stamp, item: item, output: output)
    } catch {
      report.fail(.ioError, "cannot read the file: \(error.reason)")
    }
    return report
  }

  /// Processes one file's bytes into `report`; returns the bytes the file has after the run.
  @discardableResult
  private func process(
    _ bytes: [UInt8], into report: inout FileReport, stamp: FileStamp?, item: FileWalker.Item?, output: Output
  ) -> [UInt8] {
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
    if options.wantsDiff {
      report.diff = UnifiedDiff.make(old: bytes, new: result.output, path: item?.path ?? Array(report.path.utf8))
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
