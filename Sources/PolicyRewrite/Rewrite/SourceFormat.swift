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
    let name = path.split(separator: "/").last.map(String.init) ?? path
    if name.hasSuffix(".tf") {
      self = .terraform
    } else if name.hasSuffix("backendInformation.json") {
      self = .backendJSON
    } else if name.hasPrefix("configuration."), name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
      self = .apiopsConfiguration
    } else {
      self = .policy
    }
  }
}
