import FoundationEssentials
import PolicyDOM
import PolicyRewrite

/// Receives each file's report, in path order, and the totals at the end.
public protocol Reporter: AnyObject {
  /// Called once per file, in path order.
  func report(_ file: FileReport)
  /// Called once, after the last file.
  func finish(_ summary: RunSummary)
}
