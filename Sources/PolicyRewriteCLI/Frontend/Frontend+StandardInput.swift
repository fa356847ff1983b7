import PolicyDOM
import PolicyRewrite

extension Frontend {
  /// Migrates or checks standard input.
  /// - Parameter output: Where the rewritten document goes, or `nil` for none.
  public func runStandardInput(reporter: any Reporter, output: ByteStream?) -> RunSummary {
    var report = FileReport(path: options.standardInputPath ?? "<stdin>")
    var tracker = SummaryTracker(output: options.output)
    do {
      let bytes = try FileSystem.readStandardInput()
      report.declarations = DeclarationScanner.declarations(in: bytes, path: report.path)
      let rewritten = withStandardInputContext(bytes).process(
        bytes, into: &report, stamp: nil, item: nil, output: .none)
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

  /// The frontend that `migrate` and `plan` rewrite standard input with (`rewrite-spec.md` §2c):
  /// with `--stdin-filename`, the policy is placed by that path, as a file named on the command
  /// line (its parents and children are looked for on disk, the bytes read being those of
  /// standard input); without it, nothing places the policy, and its scope is unknown.
  func withStandardInputContext(_ bytes: [UInt8]) -> Frontend {
    guard options.command != .check else { return self }
    guard let path = options.standardInputPath else {
      var options = self.options
      options.configuration.policyGraphGaps["<stdin>", default: [:]][.scopeUnknown] =
        "the scope of this policy is not known: it was read from standard input, so no path, declaration or folder places it and the checks across scopes (a parent's or child's reader of Authorization) were not made; give its path with --stdin-filename, or run on the file"
      return Frontend(options: options, readAhead: readAhead, documents: documents)
    }
    let placed = Array(FileWalker.normalize(placedPaths([path])[0], workingDirectory: workingDirectory).utf8)
    // The graph reads the policy from the store: standard input's bytes, not the file's on disk.
    readAhead.keep(
      placed, bytes: bytes,
      stamp: FileStamp(
        device: 0, inode: 0, size: Int64(bytes.count), modified: 0, modifiedNanoseconds: 0, mode: 0, owner: 0,
        group: 0, links: 0))
    return withAuthorizationContext([FileWalker.Item(path: placed, relativePath: placed, isExplicit: true)])
  }
}
