import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// The real-world corpus at `../shared/corpus`: about 1,200 public policy files.
enum Corpus {
  static let root: URL = TestPaths.packageRoot
    .deletingLastPathComponent().appendingPathComponent("shared/corpus")

  static var exists: Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent("MANIFEST.tsv").path) }

  static let skipMessage = "../shared/corpus is not present; corpus tests skipped"

  /// Files that are genuinely broken, with the reason; nothing else may fail to parse.
  static let brokenFiles: [String: String] = [
    "Azure__api-management-policy-snippets/Snippets__Call out to an HTTP endpoint and cache the response.policy.xml":
      "a garbled @{ } in rewrite-uri: a string literal spans lines and the braces never balance",
    "Azure__api-management-policy-snippets/examples__Call out to an HTTP endpoint and cache the response.policy.xml":
      "the same garbled @{ } as the Snippets copy",
    "Azure__api-management-policy-snippets/examples__Use custom error messages for jwt-validate policy with on-error handler.xml":
      "@(context.Response.StatusCode\" has no closing parenthesis",
    "Azure__api-management-policy-snippets/examples__extracting multiple values from xml documents.xml":
      "the whole policy sits inside an XML comment that a nested comment ends early, leaving stray end tags",
    "Azure__apiops/sample-artifacts-folder__configuration__policy.xml":
      "an empty placeholder file, which APIM would not accept as a policy",
  ]

  struct Entry {
    var path: String
    var hasFunctionKey: Bool
  }

  /// The MANIFEST's entries, paths relative to `files/`.
  static func manifest() throws -> [Entry] {
    let text = try String(contentsOf: root.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
    return text.split(separator: "\n").dropFirst().compactMap { line in
      let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
      guard columns.count >= 5 else { return nil }
      return Entry(path: String(columns[0].dropFirst("files/".count)), hasFunctionKey: columns[4] == "yes")
    }
  }

  static func bytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: root.appendingPathComponent("files").appendingPathComponent(path)))
  }

  static var rewriter: PolicyRewriter { PolicyRewriter(configuration: try! makeConfiguration()) }

  /// The review items that keep a key injection in place because of the Authorization header.
  static let authorizationReviewRules: Set<Rule> = [
    .authorizationWriter, .authorizationReaderAfterManagedIdentity, .authorizationChildScope,
    .authorizationParentScope, .authorizationOtherBackend, .skippedKeyInjection, .templateDirective,
    .managedIdentityOutputVariable,
  ]

  /// The rules that say a file holds a function-key injection.
  static let keyRules: Set<Rule> = authorizationReviewRules.union([.keyInjection, .keyOutsideInbound])

  /// Whether a corpus path is a file the rewriter handles as a whole policy document.
  static func isPolicyFile(_ path: String) -> Bool { path.hasSuffix(".xml") || path.hasSuffix(".tpl") }
}

@Suite(.enabled(if: Corpus.exists, Comment(rawValue: Corpus.skipMessage)), .slow, .tags(.slow))
struct CorpusTests {
  @Test func parseRateAndTheBrokenFilesAreKnown() throws {
    var parsed = 0
    var total = 0
    var failures: [String: String] = [:]
    var heredocs = 0
    var xmlFiles = 0
    var xmlParsed = 0
    for entry in try Corpus.manifest() {
      let bytes = try Corpus.bytes(entry.path)
      if entry.path.hasSuffix(".tf") {
        for heredoc in TerraformHeredoc.find(in: bytes) where heredoc.holdsPolicy(in: bytes) {
          heredocs += 1
          total += 1
          do {
            _ = try PolicyDocument.parse(Array(bytes[heredoc.body]))
            parsed += 1
          } catch {
            failures[entry.path + " (heredoc)"] = error.description
          }
        }
        continue
      }
      guard Corpus.isPolicyFile(entry.path), PolicyRewriter.mayConcern(bytes, path: entry.path) else { continue }
      total += 1
      if entry.path.hasSuffix(".xml") { xmlFiles += 1 }
      do {
        _ = try PolicyDocument.parse(bytes)
        parsed += 1
        if entry.path.hasSuffix(".xml") { xmlParsed += 1 }
      } catch {
        failures[entry.path] = error.description
      }
    }
    let rate = Double(parsed) / Double(max(total, 1)) * 100
    let xmlRate = Double(xmlParsed) / Double(max(xmlFiles, 1)) * 100
    print(
      "corpus parse rate: \(xmlParsed) of \(xmlFiles) .xml policies (\(String(format: "%.1f", xmlRate))%), "
        + "\(parsed) of \(total) policy documents with .tpl and \(heredocs) .tf heredocs (\(String(format: "%.1f", rate))%)"
    )
    #expect(xmlRate >= 96)
    #expect(Set(failures.keys) == Set(Corpus.brokenFiles.keys), "unexpected parse failures: \(failures)")
  }

  @Test func detectionAgreesWithTheManifest() throws {
    let rewriter = Corpus.rewriter
    var disagreements: [String] = []
    for entry in try Corpus.manifest() {
      let bytes = try Corpus.bytes(entry.path)
      let findings = rewriter.check(bytes, path: entry.path).findings
      let detected = findings.contains { $0.rule.map(Corpus.keyRules.contains) == true }
      if detected != entry.hasFunctionKey {
        disagreements.append("\(entry.path): manifest \(entry.hasFunctionKey), detected \(detected)")
      }
    }
    #expect(disagreements.isEmpty, "\(disagreements)")
  }

  @Test func filesWithoutInjectionsAreByteIdenticalAndRewritesAreIdempotent() throws {
    let rewriter = Corpus.rewriter
    for entry in try Corpus.manifest() {
      let bytes = try Corpus.bytes(entry.path)
      let result = rewriter.rewrite(bytes, path: entry.path)
      if !entry.hasFunctionKey {
        #expect(result.output == bytes, "\(entry.path) changed without a key injection")
      }
      if result.changed {
        let second = rewriter.rewrite(result.output, path: entry.path)
        #expect(!second.changed && second.output == result.output, "\(entry.path): a second rewrite changed it")
      }
    }
  }

  /// `migrate --write` over a copy of the corpus, then `check`, a second `migrate`, and the
  /// diffs, with the built binary.
  @Test func migratingTheWholeCorpus() throws {
    let work = try CLI.makeTemporaryFolder("policy-rewrite-corpus")
    defer { try? FileManager.default.removeItem(at: work) }
    let tree = work.appendingPathComponent("files")
    _ = CLI.tool("cp", ["-R", Corpus.root.appendingPathComponent("files").path, tree.path], cwd: work)
    _ = CLI.tool("chmod", ["-R", "u+w", tree.path], cwd: work)
    let map = work.appendingPathComponent("map.json")
    try Data("{\"default\": \"\(CLI.resource)\"}".utf8).write(to: map)
    let selection = ["--include", "*.tpl", "--jobs", "2", "files"]
    let arguments = ["--resource-map", map.path] + selection

    let migrate = run(["migrate", "--write"] + arguments, cwd: work)
    let summary = migrate.stderr.split(separator: "\n").first { $0.hasPrefix("policy-rewrite migrate:") } ?? ""

    // Keys the run's policy graph holds (no single-file rewrite sees why): an include of a
    // fragment the corpus does not define runs after them, or a parent scope declared in the
    // corpus (which is taken for one service) cannot be read.
    let heldByGraph = Set(
      findingLines(migrate.stderr).filter {
        !$0.contains(":1:1: ") && ($0.hasSuffix("[unresolved-fragment]") || $0.hasSuffix("[parent-scope-unreadable]"))
      }.compactMap { $0.split(separator: ":").first.map { String($0.dropFirst("files/".count)) } })
    let entries = try Corpus.manifest()
    let rewriter = Corpus.rewriter
    var changed = 0
    var leftForAuthorization = 0
    var expectedReview: [String] = []
    var injectionLines: [String: Set<Int>] = [:]
    for entry in entries {
      let original = try Corpus.bytes(entry.path)
      let migrated = Array(try Data(contentsOf: tree.appendingPathComponent(entry.path)))
      if migrated != original {
        changed += 1
      } else if heldByGraph.contains(entry.path) {
        leftForAuthorization += 1
      } else if rewriter.rewrite(original, path: entry.path).findings.contains(where: {
        $0.rule.map(Corpus.authorizationReviewRules.contains) == true
      }) {
        leftForAuthorization += 1
      }
      if !entry.hasFunctionKey {
        #expect(migrated == original, "\(entry.path) changed without a key injection")
      }
      for finding in rewriter.check(original, path: entry.path).findings {
        switch finding.rule {
        case .keyInjection:
          injectionLines[entry.path, default: []].insert(finding.line)
        case .keyOutsideInbound, .keyInResponse, .unresolvableHeaderName, .unresolvableExistsAction,
          .keyInQueryParameter,
          .keyInURL, .backendCredentials, .authorizationWriter, .authorizationReaderAfterManagedIdentity,
          .authorizationChildScope, .authorizationParentScope, .authorizationOtherBackend, .skippedKeyInjection,
          .templateDirective, .managedIdentityOutputVariable:
          expectedReview.append("files/\(entry.path):")
        default:
          break
        }
      }
    }

    // Every rewritable injection is gone; what check still reports is review items and the
    // known broken files.
    let check = run(["check"] + selection, cwd: work)
    let checkLines = check.stderr.split(separator: "\n").map(String.init)
    let keyLines = checkLines.filter {
      $0.hasSuffix("[key-injection]")
        && !heldByGraph.contains(String($0.split(separator: ":").first?.dropFirst("files/".count) ?? ""))
    }
    #expect(keyLines.isEmpty, "injections remain: \(keyLines)")
    for path in expectedReview {
      #expect(checkLines.contains { $0.hasPrefix(path) }, "review item not reported: \(path)")
    }
    let errorLines = checkLines.filter { $0.hasSuffix("[parse-error]") }
    #expect(errorLines.count == Corpus.brokenFiles.count, "\(errorLines)")

    // A second migration changes nothing.
    let secondDiff = run(["migrate"] + arguments, cwd: work)
    #expect(secondDiff.stdout.isEmpty, "a second migration would change: \(text(secondDiff.stdout).prefix(2000))")

    // Each changed file's diff touches only the removed elements' lines and the inserted line.
    var strayLines: [String] = []
    for entry in entries where entry.hasFunctionKey {
      let original = try Corpus.bytes(entry.path)
      let migrated = Array(try Data(contentsOf: tree.appendingPathComponent(entry.path)))
      let migratedLines = UnifiedDiff.Lines(migrated)
      let script = UnifiedDiff.editScript(UnifiedDiff.Lines(original), migratedLines)
      let removable = removableLines(original, path: entry.path)
      for operation in script {
        switch operation {
        case .delete(let index) where !removable.contains(index + 1):
          strayLines.append("\(entry.path): removed line \(index + 1)")
        case .insert(let index)
        where !String(decoding: migratedLines[index], as: UTF8.self).contains("<authentication-managed-identity"):
          strayLines.append("\(entry.path): inserted line \(index + 1)")
        default:
          break
        }
      }
    }
    #expect(strayLines.isEmpty, "\(strayLines.prefix(20))")

    let review = Set(expectedReview).count
    print(
      "corpus migration: files=\(entries.count) changed=\(changed) leftForAuthorization=\(leftForAuthorization) "
        + "review=\(review) errors=\(errorLines.count) — \(summary)"
    )
    #expect(migrate.status == 2, "the broken files make migrate exit 2")
    #expect(check.status == 2, "the broken files make check exit 2")
    #expect(
      changed + leftForAuthorization == entries.count { $0.hasFunctionKey },
      "every file with a key injection is migrated or left for review with its Authorization reason")
  }

  /// The 1-based lines covered by the rewritable key injections of a file and the key
  /// variables removed with them (for `.tf` files, of its heredocs).
  private func removableLines(_ bytes: [UInt8], path: String) -> Set<Int> {
    var result = Set<Int>()
    let map = LineMap(bytes)
    var bodies: [Range<Int>] = [0..<bytes.count]
    if path.hasSuffix(".tf") { bodies = TerraformHeredoc.find(in: bytes).map(\.body) }
    for body in bodies {
      let slice = Array(bytes[body])
      guard let document = try? PolicyDocument.parse(slice) else { continue }
      let analysis = PolicyAnalysis(document, configuration: Corpus.rewriter.configuration)
      let removed = analysis.injections.filter(\.isRewritable).map(\.element) + analysis.removableVariables
      for element in removed {
        let range = element.range
        let first = map.location(of: body.lowerBound + range.lowerBound).line
        let last = map.location(of: body.lowerBound + range.upperBound - 1).line
        result.formUnion(first...last)
      }
    }
    return result
  }
}
