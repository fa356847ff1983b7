import PolicyDOM

/// The kinds of file policy-rewrite reads, told apart by path.
public enum SourceFormat: Sendable, Hashable {
  /// An APIM policy or fragment (XML or rawxml, Terraform templates included).
  case policy
  /// A Terraform file, whose heredocs may hold policies.
  case terraform
  /// An APIOps `backendInformation.json`.
  case backendJSON
  /// An APIOps `configuration.<env>.yaml`.
  case apiopsConfiguration

  /// The format of the file at `path`.
  public init(path: String) {
    let bytes = Array(path.utf8)
    let name = bytes.lastIndex(of: .slash).map { Array(bytes[($0 + 1)...]) } ?? bytes
    func hasSuffix(_ suffix: StaticString) -> Bool {
      name.hasLiteral(suffix, at: name.count - suffix.utf8CodeUnitCount)
    }
    if hasSuffix(".tf") {
      self = .terraform
    } else if hasSuffix("backendInformation.json") {
      self = .backendJSON
    } else if name.hasLiteral("configuration.", at: 0), hasSuffix(".yaml") || hasSuffix(".yml") {
      self = .apiopsConfiguration
    } else {
      self = .policy
    }
  }
}
