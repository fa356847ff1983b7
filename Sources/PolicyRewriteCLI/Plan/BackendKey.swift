import PolicyDOM
import PolicyRewrite

/// A function key that a backend's credentials send (APIOps `backendInformation.json` or
/// `configuration.<env>.yaml`, Terraform or Bicep backends): the Function App behind it needs
/// an Entra ID application too, so `plan` lists it with the keys of the policies.
public struct BackendKey: Sendable, Hashable {
  /// The 1-based line of the credentials entry.
  public var line: Int
  /// The backend that sends it, when the file declares one before that line.
  public var backend: String?
  /// The named value that holds the key (`{{name}}`), when the entry names one.
  public var namedValue: String?

  /// The backend keys of one file: one per `backend-credentials-key` finding, with the named
  /// value written on its line or the next two, and the nearest backend declared before it.
  static func keys(in bytes: [UInt8], findings: [Finding], declarations: [Declaration]) -> [BackendKey] {
    let credentials = findings.filter { $0.rule == .backendCredentials }
    guard !credentials.isEmpty else { return [] }
    let backends = declarations.filter { $0.kind == .backend }
    return credentials.map { finding in
      var start = 0
      var line = 1
      while line < finding.line, let newline = bytes[start...].firstIndex(of: .lineFeed) {
        start = newline + 1
        line += 1
      }
      var end = start
      for _ in 0..<3 {
        guard end < bytes.count, let newline = bytes[end...].firstIndex(of: .lineFeed) else {
          end = bytes.count
          break
        }
        end = newline + 1
      }
      let backend = backends.last { $0.line <= finding.line }?.name
      return BackendKey(
        line: finding.line, backend: backend,
        namedValue: FileReport.namedValueReferences(in: Array(bytes[start..<end])).min())
    }
  }

  /// The backend ids a policy sets (`backend-id="…"`), for naming the policies that use a
  /// backend whose credentials send a key.
  static func backendIDs(in bytes: [UInt8]) -> Set<String> {
    var ids = Set<String>()
    var offset = 0
    while let found = bytes.firstOffset(of: "backend-id=", from: offset) {
      var i = found + 11
      offset = i
      guard i < bytes.count, bytes[i] == .doubleQuote || bytes[i] == .singleQuote else { continue }
      let quote = bytes[i]
      i += 1
      let valueStart = i
      while i < bytes.count, bytes[i] != quote, i - valueStart < 256 { i += 1 }
      if i < bytes.count, bytes[i] == quote, i > valueStart {
        ids.insert(String(decoding: bytes[valueStart..<i], as: UTF8.self))
      }
      offset = i
    }
    return ids
  }
}
