import PolicyDOM
import PolicyRewrite

/// The totals of a run, and the named values left to clean up.
public struct RunSummary: Sendable, Hashable {
  /// Policy files read.
  public var scanned = 0
  /// Files the migration changes (or changed).
  public var changed = 0
  /// Policy files left as they were.
  public var unchanged = 0
  /// Files with at least one item for review.
  public var needingReview = 0
  /// Files with an error.
  public var errors = 0
  /// Files with at least one finding (for `check`).
  public var withFindings = 0
  /// Findings in all files.
  public var findings = 0
  /// Findings accepted by suppression comments or the baseline (not counted in ``findings``).
  public var suppressed = 0
  /// Key injections that `migrate` left as they are because a suppression comment or the
  /// baseline accepts them.
  public var acceptedInjections = 0
  /// Named values that held keys and that no scanned file references after the run: the
  /// named values and Key Vault secrets to delete once traffic has moved.
  public var namedValuesToCleanUp: [String] = []
  /// Named values that held removed keys but are still referenced, with the first file that
  /// references each.
  public var namedValuesStillReferenced: [String: String] = [:]

  /// The named values of ``namedValuesToCleanUp`` and ``namedValuesStillReferenced`` with
  /// where each is declared (Terraform resource addresses, Key Vault secrets).
  public var cleanUp: [CleanUpItem] = []
  /// Declared named values whose names look like function keys and that no scanned file
  /// references: left over from an earlier migration.
  public var unreferencedKeyNamedValues: [CleanUpItem] = []
  /// Rewritten injections per resource, by where the resource came from.
  public var audiences: [String: [ResourceResolution.Source: Int]] = [:]
  /// Backend URLs by backend id, from the backends declared in the scanned files.
  public var backends: [String: String] = [:]
  /// The Function Apps' readiness, when it was asked for (`plan`, `check --readiness`).
  public var functionApps: FunctionAppsReport?
  /// Where `migrate` wrote its result.
  public var output: Frontend.Output = .none
  /// Which policy runs where, for `migrate` and `plan`.
  public var policyGraph: PolicyGraph?

  /// Creates an empty summary.
  public init() {}

  /// Counts one file's report.
  mutating func add(_ report: FileReport) {
    if report.countsAsScanned { scanned += 1 }
    if report.hasErrors {
      errors += 1
    } else if report.changed {
      changed += 1
    } else if report.isPolicy {
      unchanged += 1
    }
    // A folder or the resource map is not a file to review, and a path that is missing is
    // an error, not a finding in a file.
    if report.needsReview && report.isInput { needingReview += 1 }
    suppressed += report.suppressed.count
    let counted = report.findings.filter { $0.severity != .note && (report.isInput || $0.diagnostic != .ioError) }
    if !counted.isEmpty { withFindings += 1 }
    findings += counted.count
  }
}
