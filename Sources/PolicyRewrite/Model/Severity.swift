import PolicyDOM

/// How serious a finding is.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
  /// Informational: nothing to do.
  case note
  /// Needs a person's review; the run still succeeds.
  case warning
  /// The file could not be handled; nothing is written.
  case error

  private var rank: Int {
    switch self {
    case .note: 0
    case .warning: 1
    case .error: 2
    }
  }

  /// Orders severities from note to error.
  public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
