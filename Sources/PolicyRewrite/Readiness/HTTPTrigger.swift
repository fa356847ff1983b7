/// An HTTP-triggered function found in Function App code, with the authorization level the
/// Functions host enforces for it.
///
/// After the migration APIM sends a token and no key, so a trigger whose level is `function`
/// or `admin` answers every call with 401.
public struct HTTPTrigger: Sendable, Hashable {
  /// The host's authorization level for the trigger.
  public enum AuthLevel: String, Sendable, Hashable {
    /// No key needed: the level a function behind Managed Identity must have.
    case anonymous
    /// A function or host key needed.
    case function
    /// The master key needed.
    case admin
    /// Written as something the scanner cannot evaluate (a variable, a setting).
    case unknown
  }

  /// How the trigger is declared.
  public enum Language: String, Sendable, Hashable {
    case functionJSON = "function.json"
    case javaScript = "javascript"
    case typeScript = "typescript"
    case cSharp = "csharp"
    case python
    case java
  }

  /// The function's name (its folder for `function.json`).
  public var function: String
  /// The level the host enforces.
  public var authLevel: AuthLevel
  /// Whether the level is the language's default, not written in the code.
  public var isDefault: Bool
  /// The text written for the level when it is ``AuthLevel/unknown``.
  public var written: String?
  /// The 1-based line of the declaration.
  public var line: Int
  /// How the trigger is declared.
  public var language: Language

  /// Creates a trigger.
  public init(
    function: String, authLevel: AuthLevel, isDefault: Bool, written: String? = nil, line: Int, language: Language
  ) {
    self.function = function
    self.authLevel = authLevel
    self.isDefault = isDefault
    self.written = written
    self.line = line
    self.language = language
  }

  /// Whether a call without a key gets 401 from the host.
  public var requiresKey: Bool { authLevel == .function || authLevel == .admin }
}
