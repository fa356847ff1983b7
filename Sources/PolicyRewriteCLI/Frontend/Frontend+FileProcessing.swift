import PolicyDOM
import PolicyRewrite

extension Frontend {
  func process(_ item: FileWalker.Item, output: Output) -> FileReport {
    var report = FileReport(path: reportPath(of: item))
    report.pathBytes = item.path
    do {
      let (bytes, stamp) = try readAhead.read(item.path)
      process(bytes, into: &report, stamp: stamp, item: item, output: output)
    } catch {
      report.fail(.ioError, "cannot read the file: \(error.reason)")
    }
    return report
  }

  /// Processes one file's bytes into `report`; returns the bytes the file has after the run.
  @discardableResult
  func process(
    _ bytes: [UInt8], into report: inout FileReport, stamp: FileStamp?, item: FileWalker.Item?, output: Output
  ) -> [UInt8] {
    // The file's kind, by its name, once: every reader below is handed it.
    let kind = SourceKind(path: report.path)
    if options.readiness { report.readiness = FileReadiness.read(bytes, path: report.path) }
    if options.command != .check, DeclarationScanner.mayDeclare(bytes, kind: kind) {
      report.declarations = DeclarationScanner.declarations(in: bytes, path: report.path, kind: kind)
    }
    // A file whose name says it holds a policy (APIOps `policy.xml` and `apiPolicy.xml`) is
    // read whatever it holds, so that anything else in it is an error, not a file to skip.
    // (`*.policy.xml` snippet collections often hold fragments of policies: not held to this.)
    guard PolicyRewriter.mayConcern(bytes, kind: kind) || item == nil || kind.role == .apiopsPolicy else {
      report.isPolicy = false
      // A named value that a file of another kind references must not be listed for deletion.
      report.referencedNamedValues = FileReport.namedValueReferences(in: bytes)
      if options.command == .plan { report.backendIDs = BackendKey.backendIDs(in: bytes) }
      // An XML file named on the command line that is not a policy is said to be so (an error
      // with --require-files); other file types without a policy pass in silence (pre-commit
      // hands over every changed file).
      if item?.isExplicit == true, kind.format == .policy {
        report.findings.append(
          Finding(
            diagnostic: options.requiresFiles ? .noPolicyFiles : .notAPolicy,
            severity: options.requiresFiles ? .error : .note,
            message: "not a policy document (no <policies> or <fragment> root) and no key found; skipped", line: 1,
            column: 1))
      }
      return bytes
    }
    let (result, acceptedByMigrate) = analysis(of: bytes, kind: kind, report: report, item: item)
    report.isPolicy = result.isPolicy || result.hasErrors
    report.findings = result.findings.filter { $0.id.isFailure || !options.ignoredRules.contains($0.id) }
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
        old: bytes, new: result.output, edits: result.edits, path: item.map(reportPathBytes) ?? Array(report.path.utf8))
    }
    guard let item else { return result.output }
    return write(result.output, original: bytes, of: item, stamp: stamp, to: output, report: &report)
  }
}
