import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// The verification before writing (the output parsed and rewritten again; a second rewrite
/// that changes anything is `verification-failed`, exit 2, the file unchanged), exercised with
/// a rewrite broken on purpose: a rule of this suite, given through the configuration, that
/// makes the rewrite change its own output again. Without it no test failed when the
/// verification was removed.
@Suite struct VerificationTests {
  /// Once an `<inbound>` holds an MI element, reads its `x-trace` header as a key injection:
  /// the first rewrite adds the MI element, the second removes the header, so a rewrite never
  /// settles. (The policy keeps a key for review in `<outbound>`, so that its output is
  /// analysed again rather than only checked for well-formedness.)
  enum UnsettledRule: AnalysisRule {
    static var id: Rule { .keyInjection }

    static func run(on analysis: inout PolicyAnalysis) {
      for inbound in analysis.document.root.children where inbound.hasName("inbound") {
        guard inbound.children.contains(where: { $0.hasName("authentication-managed-identity") }) else { continue }
        for trace in inbound.children where trace.hasName("set-header") && trace.attribute("name") == "x-trace" {
          analysis.injections.append(
            KeyInjection(
              element: trace, headerName: "x-trace", placement: .inboundTop(inbound: inbound),
              valueSource: .namedValue("trace"), section: "inbound"))
        }
      }
    }
  }

  static let policy = """
    <policies>
        <inbound>
            <base />
            <set-header name="x-trace" exists-action="override">
                <value>1</value>
            </set-header>
            <set-header name="x-functions-key" exists-action="override">
                <value>{{orders-func-key}}</value>
            </set-header>
        </inbound>
        <outbound>
            <set-header name="x-functions-key" exists-action="override">
                <value>{{notify-func-key}}</value>
            </set-header>
        </outbound>
    </policies>

    """

  static func configuration(broken: Bool) throws -> RewriteConfiguration {
    var configuration = try makeConfiguration()
    if broken { configuration.additionalRules.rules = [UnsettledRule.self] }
    return configuration
  }

  @Test func aRewriteThatDoesNotSettleFailsVerificationAndLeavesTheBytes() throws {
    let source = bytes(Self.policy)
    let working = PolicyRewriter(configuration: try Self.configuration(broken: false)).rewrite(source, path: "p.xml")
    #expect(working.changed && !working.hasErrors)
    let broken = PolicyRewriter(configuration: try Self.configuration(broken: true)).rewrite(source, path: "p.xml")
    #expect(!broken.changed)
    #expect(broken.output == source)
    #expect(broken.findings.map(\.diagnostic).contains(.verificationFailed), "\(broken.findings)")
    #expect(broken.injections.allSatisfy { $0.outcome != .rewritten })
  }

  @Test func anEmbeddedPolicyThatDoesNotSettleFailsVerification() throws {
    let escaped = Self.policy.replacingOccurrences(of: "'", with: "\\'").replacingOccurrences(of: "\n", with: "\\n")
    let source = bytes("var policy = '\(escaped)'\n")
    let broken = PolicyRewriter(configuration: try Self.configuration(broken: true)).rewrite(source, path: "main.bicep")
    #expect(broken.output == source && !broken.changed)
    #expect(broken.findings.map(\.diagnostic).contains(.verificationFailed), "\(broken.findings)")
  }

  final class Collector: Reporter {
    var files: [FileReport] = []
    func report(_ file: FileReport) { files.append(file) }
    func finish(_ summary: RunSummary) {}
  }

  /// `migrate --write` with the broken rule: an error (exit status 2), the file unchanged, no
  /// temporary file.
  @Test func migrateWriteLeavesTheFileWhenVerificationFails() throws {
    try withTemporaryTree(["apis/policy.xml": Self.policy]) { root in
      var options = Frontend.Options(command: .migrate, configuration: try Self.configuration(broken: true))
      options.output = .inPlace
      options.showsProgress = false
      let collector = Collector()
      let summary = Frontend(options: options).run(paths: [root.path + "/apis"], reporter: collector)
      #expect(summary.errors == 1, "migrate exits 2 when errors > 0")
      #expect(summary.changed == 0)
      #expect(collector.files.flatMap(\.findings).map(\.diagnostic).contains(.verificationFailed))
      #expect(CLI.read(root, "apis/policy.xml") == bytes(Self.policy))
      #expect(Reliability.temporaryFiles(root).isEmpty)
    }
  }
}
