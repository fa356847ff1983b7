import PolicyDOM
import PolicyRewrite

/// What happened to one file in a run.
public struct FileReport: Sendable {
  /// The path as shown to the user.
  public var path: String
  /// The bytes of the path, when the file was found by path (not standard input).
  public var pathBytes: [UInt8]?
  /// Findings in the file, ordered by line and column.
  public var findings: [Finding] = []
  /// Whether the file is a policy document (other XML files are skipped).
  public var isPolicy = true
  /// Whether the migration changes the file.
  public var changed = false
  /// The unified diff of the change, when one was asked for.
  public var diff: [UInt8] = []
  /// Named values that held removed keys.
  public var removedKeyNamedValues: Set<String> = []
  /// Named values that the file references after the run (`{{name}}`).
  public var referencedNamedValues: Set<String> = []
  /// Injections left for review.
  public var reviewCount = 0
  /// Every key injection of a migration, with its resource and why.
  public var injections: [InjectionRecord] = []
  /// Named values, Key Vault secrets and backends the file declares.
  public var declarations: [Declaration] = []
  /// Where `--output-dir` wrote the migrated copy.
  public var destination: String?
  /// Findings accepted by a suppression comment or the baseline.
  public var suppressed: [SuppressedFinding] = []
  /// What the file tells the Function App readiness verdict, when it is asked for.
  public var readiness: FileReadiness?
  /// Whether the file is one of the run's inputs (not the resource map), counted as scanned.
  public var isInput = true
  /// Keys that the backends' credentials in the file send (`plan`).
  public var backendKeys: [BackendKey] = []
  /// The backend ids the file's policies set (`plan`).
  public var backendIDs: Set<String> = []

  /// Creates an empty report for `path`.
  public init(path: String) {
    self.path = path
  }

  /// Whether the file could not be handled: unreadable, unparseable, unresolved, not written.
  public var hasErrors: Bool { findings.contains { $0.severity == .error && $0.id.isFailure } }

  /// Whether the file counts as scanned: a policy, or a file that could not be handled.
  public var countsAsScanned: Bool { isInput && (isPolicy || hasErrors) }

  /// Whether something in the file needs a person: a warning, or an injection left for review
  /// that no suppression accepted. A shared default resource is a warning about the run's
  /// resources, not about the file: the file is still rewritten.
  public var needsReview: Bool {
    findings.contains { $0.severity == .warning && $0.rule != .sharedDefaultResource }
      || reviewCount > suppressed.count { $0.finding.severity == .warning }
  }

  /// Adds an error that concerns the whole file (unreadable, not written).
  mutating func fail(_ diagnostic: OperationalDiagnostic, _ message: String, line: Int = 1, column: Int = 1) {
    findings.append(Finding(diagnostic: diagnostic, severity: .error, message: message, line: line, column: column))
  }

  /// The display names of every `{{name}}` in `bytes`, and the Terraform named values referenced
  /// as `{{${azurerm_api_management_named_value.NAME.display_name}}}` (as their reference text).
  static func namedValueReferences(in bytes: [UInt8]) -> Set<String> {
    var names = Set<String>()
    var i = 0
    let n = bytes.count
    while let open = bytes.firstOffset(of: "{{", from: i) {
      var j = open + 2
      while j < n, Resource.isNamedValueCharacter(bytes[j]) { j += 1 }
      if j > open + 2, j + 1 < n, bytes[j] == .closeBrace, bytes[j + 1] == .closeBrace {
        names.insert(String(decoding: bytes[(open + 2)..<j], as: UTF8.self))
        i = j + 2
      } else if bytes.hasLiteral("${", at: open + 2),
        // A reference is short: look no further than 256 bytes, so the scan stays linear.
        let close = Array(bytes[open..<min(n, open + 256)]).firstOffset(of: "}}}", from: 4).map({ open + $0 }),
        case let reference = String(decoding: bytes[(open + 2)..<(close + 1)], as: UTF8.self),
        Declaration.terraformAddress(inReference: reference) != nil
      {
        names.insert(reference)
        i = close + 3
      } else {
        i = open + 1
      }
    }
    return names
  }
}
