import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// The fuzz target's detection invariants (`FuzzInvariants+Detection.swift`): they hold on the
/// samples and the corpus, and they fail when detection is turned off (`disabledRules`), so a
/// fuzzer run that finds nothing means something.
@Suite(.slow, .tags(.slow)) struct FuzzDetectionTests {
  static func rewriter(disabling rules: Set<Rule> = []) throws -> PolicyRewriter {
    var configuration = try makeConfiguration()
    configuration.disabledRules = rules
    return PolicyRewriter(configuration: configuration)
  }

  /// Before, the invariants checked robustness only: a rewriter that reported no key at all
  /// passed every one of them.
  @Test func theIndependentDetectorFailsWhenTheKeyRuleIsOff() throws {
    let input = bytes(Policies.injection())
    #expect(FuzzInvariants.detectionViolations(input, rewriter: try Self.rewriter()) == [])
    let blind = try Self.rewriter(disabling: [.keyInjection])
    let problems = FuzzInvariants.independentDetectorViolations(input, path: "fuzz.xml", rewriter: blind)
    #expect(problems == ["fuzz.xml: an active key header on line 5 has no finding"])
  }

  @Test func theDetectorSeesKeysInEverySection() throws {
    let input = bytes(
      """
      <policies>
        <inbound><base /><choose><when condition="@(true)"><set-header name="X-Functions-Key" exists-action="skip"><value>{{a}}</value></set-header></when></choose></inbound>
        <backend><base /></backend>
        <outbound><set-header name="x-functions-key"><value>{{b}}</value></set-header></outbound>
        <on-error><set-header name="x-functions-key" exists-action="delete" /></on-error>
      </policies>
      """)
    let lines = FuzzInvariants.activeKeyHeaderLines(input, path: "fuzz.xml", configuration: try makeConfiguration())
    #expect(lines == [2, 4])
    #expect(FuzzInvariants.detectionViolations(input, rewriter: try Self.rewriter()) == [])
    let blind = try Self.rewriter(disabling: [.keyInjection])
    #expect(!FuzzInvariants.independentDetectorViolations(input, path: "fuzz.xml", rewriter: blind).isEmpty)
  }

  /// The container invariant compares the container's findings with the policy file's: a rule
  /// that is off in both compares equal, and the comparison sees a finding the container lacks.
  @Test func theContainerInvariantComparesFindingsByRule() throws {
    let input = bytes(Policies.injection())
    let containers = FuzzInvariants.containers(of: input)
    #expect(containers.map(\.path) == ["fuzz.tf", "fuzz.bicep", "fuzz.json"])
    #expect(FuzzInvariants.containerDetectionViolations(input, rewriter: try Self.rewriter()) == [])
    #expect(
      FuzzInvariants.containerDetectionViolations(input, rewriter: try Self.rewriter(disabling: [.keyInjection])) == [])
  }

  @Test func theInvariantsHoldOnTheSamples() throws {
    let samples = TestPaths.packageRoot.appendingPathComponent("samples")
    let files = Reliability.entries(samples).filter { $0.kind == .file && $0.path.hasSuffix(".xml") }
    #expect(files.count > 5)
    for file in files {
      let input = try #require(CLI.read(samples, file.path))
      #expect(FuzzInvariants.detectionViolations(input) == [], "\(file.path)")
    }
  }

  @Test(.enabled(if: Corpus.exists, Comment(rawValue: Corpus.skipMessage)))
  func theInvariantsHoldOnTheCorpus() throws {
    let files = Reliability.entries(Corpus.root).filter { $0.kind == .file && $0.path.hasSuffix(".xml") }
    var failures: [String] = []
    for file in files {
      guard let input = CLI.read(Corpus.root, file.path) else { continue }
      let problems = FuzzInvariants.detectionViolations(input)
      if !problems.isEmpty { failures.append("\(file.path): \(problems)") }
    }
    #expect(
      failures.isEmpty, "\(failures.count) of \(files.count) files:\n\(failures.prefix(20).joined(separator: "\n"))")
  }
}
