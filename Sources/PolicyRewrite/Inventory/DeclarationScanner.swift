import FoundationEssentials
import PolicyDOM

/// Finds the named values, Key Vault secrets and backends a file declares: Terraform
/// `azurerm_api_management_named_value`, `azurerm_key_vault_secret` and
/// `azurerm_api_management_backend` resources, APIOps `namedValueInformation.json` and
/// `backendInformation.json` and `configuration.<env>.yaml`, and Bicep `namedValues` and
/// `backends` resources.
public enum DeclarationScanner {
  /// The declarations in one file, in file order.
  /// - Parameters:
  ///   - source: The file's bytes.
  ///   - path: The file's path: its name says the format, and an APIOps file's folder its name.
  public static func declarations(in source: [UInt8], path: String) -> [Declaration] {
    declarations(in: source, path: path, kind: SourceKind(path: path))
  }

  /// The declarations in one file of a known kind, in file order.
  public static func declarations(in source: [UInt8], path: String, kind: SourceKind) -> [Declaration] {
    kind.formatDescription.declarations?.read(source, kind, path) ?? []
  }

  /// Whether a file may declare something: its kind by name first (a policy file never does),
  /// then a cheap byte search of the kinds that hold many other things.
  public static func mayDeclare(_ source: [UInt8], path: String) -> Bool {
    mayDeclare(source, kind: SourceKind(path: path))
  }

  /// Whether a file of a known kind may declare something.
  public static func mayDeclare(_ source: [UInt8], kind: SourceKind) -> Bool {
    kind.formatDescription.declarations?.mayDeclare(source, kind) ?? false
  }

  // MARK: Terraform

  static func terraform(_ source: [UInt8]) -> [Declaration] {
    let lines = LineMap(source)
    var result: [Declaration] = []
    for block in TerraformBlocks(source) {
      let line = lines.location(of: block.start).line
      let address = "\(block.type).\(block.name)"
      switch block.type {
      case "azurerm_api_management_named_value":
        guard let name = block.string("display_name") ?? block.string("name") else { continue }
        let secretID = block.expression("secret_id")
        let vaultSecret = secretID.flatMap { id in
          id.hasPrefix("azurerm_key_vault_secret.")
            ? id.split(separator: ".").prefix(2).joined(separator: ".") : nil
        }
        result.append(
          Declaration(
            kind: .namedValue, name: name, address: address, line: line,
            isSecret: block.expression("secret") == "true" || secretID != nil, keyVaultSecret: vaultSecret))
      case "azurerm_key_vault_secret":
        guard let name = block.string("name") else { continue }
        result.append(Declaration(kind: .keyVaultSecret, name: name, address: address, line: line, isSecret: true))
      case "azurerm_api_management_backend":
        guard let name = block.string("name") else { continue }
        result.append(Declaration(kind: .backend, name: name, address: address, line: line, url: block.string("url")))
      default:
        break
      }
      // Any other block that names a named value (depends_on, an interpolation) depends on it.
      guard block.type != "azurerm_api_management_named_value" else { continue }
      var named = Set<String>()
      let marker: StaticString = "azurerm_api_management_named_value."
      do {
        let bytes = Array(block.text.utf8)
        var from = 0
        while let found = bytes.firstOffset(of: marker, from: from) {
          var end = found + marker.utf8CodeUnitCount
          while end < bytes.count, Resource.isNamedValueCharacter(bytes[end]), bytes[end] != UInt8(ascii: ".") {
            end += 1
          }
          if end > found + marker.utf8CodeUnitCount {
            named.insert(String(decoding: bytes[found..<end], as: UTF8.self))
          }
          from = end
        }
      }
      for target in named.sorted() {
        result.append(Declaration(kind: .dependent, name: target, address: address, line: line))
      }
    }
    return result
  }

  // MARK: APIOps

  private struct APIOpsInformation: Decodable {
    struct Properties: Decodable {
      var displayName: String?
      var secret: Bool?
      var url: String?
      var keyVault: [String: String?]?
    }
    var name: String?
    var properties: Properties?
  }

  static func apiops(_ source: [UInt8], path: String, backend: Bool) -> [Declaration] {
    guard let information = try? JSONDecoder().decode(APIOpsInformation.self, from: Data(source)) else { return [] }
    let folder = path.split(separator: "/").dropLast().last.map(String.init)
    if backend {
      guard let name = information.name ?? folder else { return [] }
      return [Declaration(kind: .backend, name: name, line: 1, url: information.properties?.url)]
    }
    guard let name = information.properties?.displayName ?? information.name ?? folder else { return [] }
    let secret = information.properties?.secret == true || information.properties?.keyVault != nil
    return [Declaration(kind: .namedValue, name: name, line: 1, isSecret: secret)]
  }

  // MARK: Bicep

  static func bicep(_ source: [UInt8]) -> [Declaration] {
    let text = String(decoding: source, as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var result: [Declaration] = []
    var pending: (kind: Declaration.Kind, line: Int)?
    var secret = false
    for (index, line) in lines.enumerated() {
      if line.contains("'Microsoft.ApiManagement/service/namedValues@") {
        pending = (.namedValue, index + 1)
        secret = false
      } else if line.contains("'Microsoft.ApiManagement/service/backends@") {
        pending = (.backend, index + 1)
      }
      guard let current = pending else { continue }
      let trimmed = line.trimmingXMLSpace
      if trimmed.hasPrefix("secret:") { secret = trimmed.hasSuffix("true") }
      if trimmed.hasPrefix("keyVault:") { secret = true }
      if current.kind == .namedValue, trimmed.hasPrefix("displayName:"), let name = quoted(trimmed) {
        result.append(Declaration(kind: .namedValue, name: name, line: current.line, isSecret: secret))
        pending = nil
      } else if current.kind == .backend, trimmed.hasPrefix("url:"), let url = quoted(trimmed) {
        let name = lines[current.line - 1...index].lazy.compactMap { line -> String? in
          let trimmed = line.trimmingXMLSpace
          return trimmed.hasPrefix("name:") ? quoted(trimmed) : nil
        }.first
        if let name { result.append(Declaration(kind: .backend, name: name, line: current.line, url: url)) }
        pending = nil
      }
    }
    return result
  }

  /// The text of the first single-quoted string in `line`, when it has no interpolation.
  private static func quoted(_ line: String) -> String? {
    let parts = line.split(separator: "'", omittingEmptySubsequences: false)
    guard parts.count >= 3, !parts[1].contains("${") else { return nil }
    return String(parts[1])
  }
}
