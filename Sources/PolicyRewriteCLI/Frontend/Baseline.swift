import FoundationEssentials
import PolicyRewrite

/// The findings a repository has accepted when it adopted `check`: written by
/// `check --write-baseline FILE`, read by `check --baseline FILE`, which then reports only
/// findings that are not in it.
///
/// An entry identifies a finding by its file (relative to the baseline's folder), its rule and
/// a fingerprint of its rule, file, section and message, so it survives lines moving; identical
/// findings in one file are counted, so a second copy of an accepted finding is new.
public struct Baseline: Sendable {
  /// One accepted finding.
  public struct Entry: Sendable, Hashable, Codable {
    /// The file, relative to the baseline's folder.
    public var path: String
    /// The rule id.
    public var rule: String
    /// The fingerprint of rule, file, section and message.
    public var fingerprint: String
    /// The message when it was accepted, for people reading the file.
    public var message: String
  }

  private struct Document: Codable {
    var version = 1
    var tool = "policy-rewrite"
    var findings: [Entry]
  }

  /// The folder that entry paths are relative to (absolute).
  public let folder: String
  /// The file's path as given.
  public let path: String
  private var counts: [String: [String: Int]] = [:]
  /// The entries.
  public private(set) var entries: [Entry] = []

  /// An empty baseline to be written at `path`.
  public init(path: String) {
    self.path = path
    self.folder = FileSystem.parent(of: FileSystem.absolutePath(path))
  }

  /// Reads the baseline at `path`.
  /// - Throws: ``FileSystemError`` when it cannot be read or is not a baseline.
  public init(contentsOf path: String) throws(FileSystemError) {
    self.init(path: path)
    let bytes = try FileSystem.read(path).bytes
    guard let document = try? JSONDecoder().decode(Document.self, from: Data(bytes)), document.version == 1 else {
      throw FileSystemError(path: path, reason: "not a policy-rewrite baseline (version 1)")
    }
    for entry in document.findings { add(entry) }
  }

  private mutating func add(_ entry: Entry) {
    entries.append(entry)
    counts[entry.path, default: [:]][entry.fingerprint, default: 0] += 1
  }

  /// The entry a finding of the file at `path` (as shown) would have.
  public func entry(for finding: Finding, path: String) -> Entry {
    entry(for: finding, relativePath: relativePath(path))
  }

  private func entry(for finding: Finding, relativePath relative: String) -> Entry {
    Entry(
      path: relative, rule: finding.rule.rawValue,
      fingerprint: Fingerprint.of([finding.rule.rawValue, relative, finding.section, finding.message]),
      message: finding.message)
  }

  /// Whether the baseline accepts any finding of the file at `path` (as shown).
  public func hasEntries(forPath path: String) -> Bool { counts[relativePath(path)] != nil }

  /// Splits one file's findings into those kept and those the baseline accepts.
  public func apply(to findings: [Finding], path: String) -> (kept: [Finding], suppressed: [SuppressedFinding]) {
    let relative = relativePath(path)
    guard var remaining = counts[relative] else { return (findings, []) }
    var kept: [Finding] = []
    var suppressed: [SuppressedFinding] = []
    for finding in findings {
      let fingerprint = entry(for: finding, relativePath: relative).fingerprint
      if !finding.rule.isFailure, let count = remaining[fingerprint], count > 0 {
        remaining[fingerprint] = count - 1
        suppressed.append(SuppressedFinding(finding: finding, reason: "accepted in \(self.path)", kind: .baseline))
      } else {
        kept.append(finding)
      }
    }
    return (kept, suppressed)
  }

  /// The baseline of `findings` (each with the path of its file, as shown), as JSON.
  public func encoded(_ findings: [(path: String, finding: Finding)]) -> [UInt8] {
    let entries = findings.filter { !$0.finding.rule.isFailure }.map { entry(for: $0.finding, path: $0.path) }
      .sorted { ($0.path, $0.rule, $0.fingerprint) < ($1.path, $1.rule, $1.fingerprint) }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(Document(findings: entries))) ?? Data()
    return Array(data) + [UInt8(ascii: "\n")]
  }

  private func relativePath(_ path: String) -> String {
    let absolute = FileSystem.absolutePath(path)
    let prefix = folder == "/" ? "/" : folder + "/"
    return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
  }
}
