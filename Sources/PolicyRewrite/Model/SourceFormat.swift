import PolicyDOM

/// The kinds of file policy-rewrite reads, told apart by path.
public enum SourceFormat: Sendable, Hashable {
  /// An APIM policy or fragment (XML or rawxml, Terraform templates included).
  case policy
  /// A Terraform file, whose heredocs and quoted strings may hold policies.
  case terraform
  /// A Bicep file, whose strings may hold policies.
  case bicep
  /// A JSON file: an ARM template or parameters file, or APIOps JSON, when its content says
  /// so (other JSON files hold nothing for the rewriter).
  case templateJSON
  /// An APIOps `backendInformation.json`.
  case backendJSON
  /// An APIOps `configuration.<env>.yaml`.
  case apiopsConfiguration
  /// Any other file: a policy when it starts with markup, otherwise of an unsupported type.
  case other

  /// The format of the file at `path`, by its name in any ASCII case (`Policy.XML`,
  /// `main.Bicep`): `.tf` and `.tfvars` are Terraform, `.bicep` and `.bicepparam` Bicep, and
  /// `.json` (Terraform JSON `.tf.json` included) a template JSON file.
  public init(path: String) {
    let bytes = Array(path.utf8)
    let name = bytes.lastIndex(of: .slash).map { Array(bytes[($0 + 1)...]) } ?? bytes
    func hasSuffix(_ suffix: StaticString) -> Bool { Self.hasSuffix(name, suffix) }
    if hasSuffix(".tf") || hasSuffix(".tfvars") {
      self = .terraform
    } else if hasSuffix(".bicep") || hasSuffix(".bicepparam") {
      self = .bicep
    } else if hasSuffix("backendinformation.json") {
      self = .backendJSON
    } else if hasSuffix(".json") {
      self = .templateJSON
    } else if Self.hasPrefix(name, "configuration."), hasSuffix(".yaml") || hasSuffix(".yml") {
      self = .apiopsConfiguration
    } else if hasSuffix(".xml") || hasSuffix(".tpl") || hasSuffix(".tftpl") || hasSuffix(".cshtml")
      || hasSuffix(".rawxml") || bytes == Array("<stdin>".utf8)
    {
      self = .policy
    } else {
      self = .other
    }
  }

  /// Whether `bytes` ends with the lower-case `suffix`, in any ASCII case (no copy is made).
  static func hasSuffix(_ bytes: [UInt8], _ suffix: StaticString) -> Bool {
    let count = suffix.utf8CodeUnitCount
    guard bytes.count >= count else { return false }
    return suffix.withUTF8Buffer { pattern in
      let start = bytes.count - count
      for k in 0..<count where bytes[start + k].asciiLowercased != pattern[k] { return false }
      return true
    }
  }

  /// Whether `bytes` starts with the lower-case `prefix`, in any ASCII case.
  static func hasPrefix(_ bytes: [UInt8], _ prefix: StaticString) -> Bool {
    let count = prefix.utf8CodeUnitCount
    guard bytes.count >= count else { return false }
    return prefix.withUTF8Buffer { pattern in
      for k in 0..<count where bytes[k].asciiLowercased != pattern[k] { return false }
      return true
    }
  }
}
