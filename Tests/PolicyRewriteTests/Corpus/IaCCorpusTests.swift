import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// The Bicep and ARM corpus at `../shared/corpus-iac`: 50 public files that embed policies or
/// backend credentials. Kept apart from ``CorpusTests`` so that each keeps its own figures.
enum IaCCorpus {
  static let root: URL = Corpus.root.deletingLastPathComponent().appendingPathComponent("corpus-iac")

  static var exists: Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent("MANIFEST.tsv").path) }

  static let skipMessage = "../shared/corpus-iac is not present; Bicep and ARM corpus tests skipped"

  struct Entry {
    var path: String
    var hasFunctionKey: Bool
    var notes: String
  }

  static func manifest() throws -> [Entry] {
    let text = try String(contentsOf: root.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { line in
      let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      return Entry(path: columns[0], hasFunctionKey: columns[4] == "yes", notes: columns.count > 5 ? columns[5] : "")
    }
  }

  static func bytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: root.appendingPathComponent(path)))
  }

  /// The policies the file's container decodes and the parser reads as policy documents.
  static func policyCount(_ source: [UInt8], path: String) -> Int {
    let configuration = Corpus.rewriter.configuration
    let scan: ContainerScan
    switch SourceFormat(path: path) {
    case .bicep: scan = BicepContainer().scan(source, configuration: configuration)
    case .templateJSON: scan = ARMContainer().scan(source, configuration: configuration)
    default: return 0
    }
    return scan.policies.count { (try? PolicyDocument.parse($0.decoded)) != nil }
  }
}

@Suite(.enabled(if: IaCCorpus.exists, Comment(rawValue: IaCCorpus.skipMessage)), .slow, .tags(.slow))
struct IaCCorpusTests {
  static let keyRules: Set<Rule> = [
    .keyInjection, .backendCredentials, .keyInQueryParameter, .keyInURL, .undecodableEmbeddedPolicy, .literalKey,
    .keyOutsideInbound, .keyInResponse,
  ]

  @Test func everyKeyIsMigratedOrReportedAndNothingIsMalformed() throws {
    let entries = try IaCCorpus.manifest()
    let rewriter = Corpus.rewriter
    var policies = 0
    var migrated = 0
    var reviewed = 0
    var reported = 0
    for entry in entries {
      let source = try IaCCorpus.bytes(entry.path)
      #expect(PolicyRewriter.mayConcern(source, path: entry.path), "\(entry.path) would be skipped unread")
      let checked = rewriter.check(source, path: entry.path)
      let result = rewriter.rewrite(source, path: entry.path)
      for outcome in [checked, result] {
        let failures = outcome.findings.filter(\.id.isFailure)
        #expect(failures.isEmpty, "\(entry.path): \(failures)")
        #expect(!outcome.findings.contains { $0.diagnostic == .parseError }, "\(entry.path) reported as malformed")
      }
      policies += IaCCorpus.policyCount(source, path: entry.path)
      if checked.findings.contains(where: { $0.rule.map(Self.keyRules.contains) == true }) { reported += 1 }
      if entry.hasFunctionKey {
        #expect(
          checked.findings.contains { $0.rule.map(Self.keyRules.contains) == true },
          "\(entry.path): a key the manifest names is not reported: \(checked.findings)")
        let reportedByMigrate = result.findings.contains { $0.rule.map(Self.keyRules.contains) == true }
        #expect(result.changed || reportedByMigrate, "\(entry.path): neither migrated nor reported by migrate")
      }
      if result.changed { migrated += 1 }
      if result.reviewCount > 0 { reviewed += 1 }
      let second = rewriter.rewrite(result.output, path: entry.path)
      #expect(!second.changed && !second.hasErrors, "\(entry.path): a second migrate changed it")
      if result.changed {
        let remaining = rewriter.check(result.output, path: entry.path).findings.filter { $0.rule == .keyInjection }
        #expect(remaining.isEmpty, "\(entry.path): injections left after migrate: \(remaining)")
      }
    }
    // The figures of the corpus (files, policies decoded, files migrated, left for review,
    // files with a key reported by check), pinned so that a change in what is read shows.
    #expect(entries.count == 50)
    #expect(entries.count { $0.hasFunctionKey } == 21)
    let figures: [Int] = [policies, migrated, reviewed, reported]
    #expect(figures == [91, 5, 14, 21], "policies decoded, files migrated, files for review, files with keys reported")
  }

  @Test func theDecoyFilesGiveNoKeyFindings() throws {
    let rewriter = Corpus.rewriter
    for entry in try IaCCorpus.manifest() where !entry.hasFunctionKey {
      let findings = rewriter.check(try IaCCorpus.bytes(entry.path), path: entry.path).findings
      let keys = findings.filter {
        ([.keyInjection, .backendCredentials, .undecodableEmbeddedPolicy] as Set<Rule?>).contains($0.rule)
      }
      #expect(keys.isEmpty, "\(entry.path): \(keys)")
    }
  }
}
