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
}
