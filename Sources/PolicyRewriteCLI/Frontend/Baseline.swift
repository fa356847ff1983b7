import FoundationEssentials
import PolicyRewrite

/// The findings a repository has accepted when it adopted `check`: written by
/// `check --write-baseline FILE`, read by `check --baseline FILE`, which then reports only
/// findings that are not in it.
///
/// An entry identifies a finding by its file (relative to the baseline's folder, compared as
/// the bytes of its path), its rule and a fingerprint of its rule, file, section, message and
/// subject (a digest of the element's text: header, value, named value, URL), so it survives
/// lines moving and re-indenting, but a key swapped for another is a new finding; identical
/// findings in one file are counted, so a second copy of an accepted finding is new.
///
/// Version 2 files: version 1 fingerprints had no subject (they accepted any key in the same
/// place), so a version 1 baseline is refused with a request to write it again.
public struct Baseline: Sendable {
  /// One accepted finding.
  public struct Entry: Sendable, Hashable, Codable {
    /// The file, relative to the baseline's folder (as shown, when it is not UTF-8).
    public var path: String
    /// The bytes of the path, as hex digits, when they are not UTF-8 (``path`` then only shows them).
    public var pathBytes: String?
    /// The rule id.
    public var rule: String
    /// The fingerprint of rule, file, section, message and subject.
    public var fingerprint: String
    /// The message when it was accepted, for people reading the file.
    public var message: String
  }

  private struct Document: Codable {
    var version = 2
    var tool = "policy-rewrite"
    var findings: [Entry]
  }

  private struct Version: Codable {
    var version: Int
  }

  /// The folder that entry paths are relative to (absolute).
  public let folder: String
  /// The file's path as given.
  public let path: String
  /// The bytes of ``folder``.
  private let folderBytes: [UInt8]
  private var counts: [[UInt8]: [String: Int]] = [:]
  /// The entries.
  public private(set) var entries: [Entry] = []

  /// An empty baseline to be written at `path`.
  public init(path: String) {
    self.path = path
    let absolute = Self.absolute(Array(path.utf8))
    let slash = absolute.lastIndex(of: .slash) ?? 0
    folderBytes = slash == 0 ? [.slash] : Array(absolute[..<slash])
    folder = FileSystem.display(folderBytes)
  }

  /// Reads the baseline at `path`.
  /// - Throws: ``FileSystemError`` when it cannot be read or is not a baseline.
  public init(contentsOf path: String) throws(FileSystemError) {
    self.init(path: path)
    let data = Data(try FileSystem.read(path).bytes)
    if let version = try? JSONDecoder().decode(Version.self, from: data), version.version == 1 {
      throw FileSystemError(
        path: path,
        reason:
          "a version 1 baseline, whose entries do not tell one key from another; write it again with check --write-baseline"
      )
    }
    guard let document = try? JSONDecoder().decode(Document.self, from: data), document.version == 2 else {
      throw FileSystemError(path: path, reason: "not a policy-rewrite baseline (version 2)")
    }
    for entry in document.findings { add(entry) }
  }

  private mutating func add(_ entry: Entry) {
    entries.append(entry)
    let key = entry.pathBytes.flatMap(Self.bytes(fromHex:)) ?? Array(entry.path.utf8)
    counts[key, default: [:]][entry.fingerprint, default: 0] += 1
  }

  /// The entry a finding of the file at `path` would have.
  public func entry(for finding: Finding, path: [UInt8]) -> Entry {
    entry(for: finding, relativePath: relativePath(path))
  }

  private func entry(for finding: Finding, relativePath relative: [UInt8]) -> Entry {
    let text = String(validating: relative, as: UTF8.self)
    let shown = text ?? FileSystem.display(relative)
    return Entry(
      path: shown, pathBytes: text == nil ? Self.hex(relative) : nil, rule: finding.id.rawValue,
      fingerprint: Fingerprint.of([finding.id.rawValue, shown, finding.section, finding.message, finding.subject]),
      message: finding.message)
  }

  /// Whether the baseline accepts any finding of the file at `path` (as shown).
  public func hasEntries(forPath path: [UInt8]) -> Bool { counts[relativePath(path)] != nil }

  /// Splits one file's findings into those kept and those the baseline accepts.
  /// - Parameter path: The bytes of the file's path.
  public func apply(to findings: [Finding], path: [UInt8]) -> (kept: [Finding], suppressed: [SuppressedFinding]) {
    let relative = relativePath(path)
    guard var remaining = counts[relative] else { return (findings, []) }
    var kept: [Finding] = []
    var suppressed: [SuppressedFinding] = []
    for finding in findings {
      let fingerprint = entry(for: finding, relativePath: relative).fingerprint
      if !finding.id.isFailure, let count = remaining[fingerprint], count > 0 {
        remaining[fingerprint] = count - 1
        suppressed.append(SuppressedFinding(finding: finding, reason: "accepted in \(self.path)", kind: .baseline))
      } else {
        kept.append(finding)
      }
    }
    return (kept, suppressed)
  }

  /// The baseline of `findings` (each with the bytes of its file's path), as JSON.
  /// - Throws: The encoder's error; nothing is to be written then.
  public func encoded(_ findings: [(path: [UInt8], finding: Finding)]) throws -> [UInt8] {
    let entries = findings.filter { !$0.finding.id.isFailure }.map { entry(for: $0.finding, path: $0.path) }
      .sorted {
        ($0.path, $0.pathBytes ?? "", $0.rule, $0.fingerprint) < ($1.path, $1.pathBytes ?? "", $1.rule, $1.fingerprint)
      }
    return try JSONEncoder.document(Document(findings: entries))
  }

  /// `path` relative to the baseline's folder when it is below it, otherwise absolute.
  private func relativePath(_ path: [UInt8]) -> [UInt8] {
    let absolute = Self.absolute(path)
    let prefix = folderBytes == [.slash] ? [.slash] : folderBytes + [.slash]
    return absolute.starts(with: prefix) ? Array(absolute[prefix.count...]) : absolute
  }

  /// `path` made absolute against the working directory, `.` and `..` resolved lexically.
  private static func absolute(_ path: [UInt8]) -> [UInt8] {
    let joined = path.first == .slash ? path : (FileSystem.currentDirectory() ?? []) + [.slash] + path
    var parts: [ArraySlice<UInt8>] = []
    for part in joined.split(separator: .slash, omittingEmptySubsequences: true) {
      if part.elementsEqual([.dot]) { continue }
      if part.elementsEqual([.dot, .dot]) {
        _ = parts.popLast()
      } else {
        parts.append(part)
      }
    }
    var result: [UInt8] = []
    for part in parts { result += [.slash] + part }
    return result.isEmpty ? [.slash] : result
  }

  private static func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).zeroPadded(to: 2) }.joined()
  }

  private static func bytes(fromHex text: String) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    var i = 0
    while i < digits.count {
      guard let byte = UInt8(String(decoding: digits[i..<(i + 2)], as: UTF8.self), radix: 16) else { return nil }
      bytes.append(byte)
      i += 2
    }
    return bytes
  }
}
