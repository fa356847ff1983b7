import PolicyDOM
import PolicyRewrite

/// What one file tells the readiness verdict: the Function Apps and APIM instances it declares,
/// the `<authentication-managed-identity>` calls it makes, and whether it is a Functions
/// project's `host.json`.
public struct FileReadiness: Sendable, Hashable {
  /// Function Apps, APIM instances, backends and lookups.
  public var declarations = ReadinessDeclarations()
  /// Managed Identity elements and the backends the file sets.
  public var managedIdentity = ManagedIdentityUse()
  /// Whether the file is `host.json`: its folder is a Functions project.
  public var isFunctionsHost = false

  /// What `bytes`, the file at `path`, holds; `nil` when nothing (the common case, found by
  /// byte searches).
  static func read(_ bytes: [UInt8], path: String) -> FileReadiness? {
    var found = FileReadiness()
    let name = path.split(separator: "/").last ?? ""
    if name.lowercased() == "host.json" { found.isFunctionsHost = true }
    if FunctionAppScanner.mayDeclare(bytes, path: path) {
      found.declarations = FunctionAppScanner.declarations(in: bytes, path: path)
    }
    found.managedIdentity = ManagedIdentityUse.scan(bytes)
    if !found.isFunctionsHost, found.declarations.isEmpty, found.managedIdentity.elements.isEmpty { return nil }
    return found
  }
}
