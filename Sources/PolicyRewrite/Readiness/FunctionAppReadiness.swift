/// The readiness verdict of one Function App: whether it accepts APIM's token once the key is
/// gone, and if not, exactly what will answer 401 and why.
public struct FunctionAppReadiness: Sendable, Hashable {
  /// The verdict.
  public enum Verdict: String, Sendable, Hashable {
    /// Everything checked and nothing in the way.
    case ready
    /// At least one blocker.
    case blocked
    /// No blocker found, but something could not be checked (said in ``unknowns``).
    case unknown
  }

  /// Something that makes the call fail, with where to fix it.
  public struct Blocker: Sendable, Hashable {
    /// The rule.
    public var rule: Rule
    /// What is wrong.
    public var message: String
    /// The file to change, when known.
    public var path: String?
    /// Its 1-based line, when known.
    public var line: Int?

    /// Creates a blocker.
    public init(rule: Rule, message: String, path: String?, line: Int?) {
      self.rule = rule
      self.message = message
      self.path = path
      self.line = line
    }
  }

  /// The app as declared, or (when no IaC declares it) as named by the policies' hostname.
  public var app: FunctionApp
  /// Whether the app's IaC was found among the scanned files.
  public var declared: Bool
  /// The Managed Identity resources the policies use (or will use, after the map) for it.
  public var policyResources: [String]
  /// Whether a scanned policy already calls it with `<authentication-managed-identity>`.
  public var usesManagedIdentity: Bool
  /// The Functions project linked to it, when one is.
  public var codeFolder: String?
  /// The HTTP triggers of its code.
  public var httpTriggers: [FunctionProject.Trigger]
  /// The verdict.
  public var verdict: Verdict
  /// What makes the call fail.
  public var blockers: [Blocker]
  /// What could not be checked.
  public var unknowns: [String]

  /// Creates a verdict.
  public init(
    app: FunctionApp, declared: Bool, policyResources: [String], usesManagedIdentity: Bool, codeFolder: String?,
    httpTriggers: [FunctionProject.Trigger], verdict: Verdict, blockers: [Blocker], unknowns: [String]
  ) {
    self.app = app
    self.declared = declared
    self.policyResources = policyResources
    self.usesManagedIdentity = usesManagedIdentity
    self.codeFolder = codeFolder
    self.httpTriggers = httpTriggers
    self.verdict = verdict
    self.blockers = blockers
    self.unknowns = unknowns
  }
}
