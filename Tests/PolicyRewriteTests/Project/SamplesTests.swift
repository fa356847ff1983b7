import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// Golden test over `samples/`: every policy file rewritten with `samples/resource-map.json`
/// matches `<same path>.expected` beside it byte for byte, or its own input when there is none.
@Suite struct SamplesTests {
  /// The `samples` folder at the package root.
  static let root: String = {
    TestPaths.packageRoot.appendingPathComponent("samples").path
  }()

  /// Relative paths of every file below `samples/` (policies, `.expected` files, the map).
  static let files: [String] = Reliability.entries(URL(fileURLWithPath: root)).filter { $0.kind == .file }.map(\.path)

  /// Relative paths of the sample policies, sorted; `.expected` files and the map are not samples.
  /// (`readiness/` is the Function App readiness sample: already migrated, with IaC and code;
  /// `ReadinessTests` hold it.)
  static let policyPaths: [String] = files.filter {
    ($0.hasSuffix(".xml") || $0.hasSuffix(".bicep") || $0.hasSuffix(".json") || $0.hasSuffix(".tf"))
      && $0 != "resource-map.json" && !$0.hasPrefix("readiness/")
  }.sorted()

  static func read(_ relative: String) throws -> [UInt8]? {
    let full = root + "/" + relative
    guard FileManager.default.fileExists(atPath: full) else { return nil }
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: full)))
  }

  static func configuration() throws -> RewriteConfiguration {
    let json = try #require(try read("resource-map.json"), "samples/resource-map.json is missing")
    return RewriteConfiguration(resources: try ResourceMap(json: json))
  }

  @Test func theSampleTreeIsComplete() {
    #expect(
      Self.policyPaths == [
        "apis/accounts/policy.xml",
        "apis/bff-gateway/policy.xml",
        "apis/billing/policy.xml",
        "apis/inventory;rev=2/policy.xml",
        "apis/invoices/policy.xml",
        "apis/ledger/policy.xml",
        "apis/legacy-erp/policy.xml",
        "apis/legacy/policy.xml",
        "apis/migrated/policy.xml",
        "apis/notifications/policy.xml",
        "apis/orders/policy.xml",
        "apis/payments/policy.xml",
        "apis/profile/policy.xml",
        "apis/reports/policy.xml",
        "apis/search/policy.xml",
        "apis/shipping/policy.xml",
        "apis/status/policy.xml",
        "apis/tenants/policy.xml",
        "infra/apim.bicep",
        "infra/azuredeploy.json",
        "infra/loyalty.tf",
        "policy fragments/auth-headers/policy.xml",
      ])
  }

  @Test(arguments: policyPaths)
  func sampleRewritesToItsExpectedBytes(path: String) throws {
    let input = try #require(try Self.read(path))
    let expected = try Self.read(path + ".expected") ?? input
    let configuration = try Self.configuration()
    let result = PolicyRewriter(configuration: configuration).rewrite(input, path: path)
    expectBytes(result.output, expected, path)
    #expect(result.changed == (expected != input), "\(path)")
    #expect(result.isPolicy)
    #expect(!result.hasErrors, "\(path): \(result.findings)")
    let second = PolicyRewriter(configuration: configuration).rewrite(result.output, path: path)
    expectBytes(second.output, result.output, "second rewrite of \(path)")
  }

  @Test func everyExpectedFileHasASample() throws {
    let expected = Self.files.filter { $0.hasSuffix(".expected") }.map { String($0.dropLast(".expected".count)) }
    #expect(expected.count == 16)
    for path in expected {
      #expect(Self.policyPaths.contains(path), "samples/\(path).expected has no sample")
      #expect(try Self.read(path) != Self.read(path + ".expected"), "samples/\(path).expected equals its sample")
    }
  }

  @Test func samplesShowWhatTheySayTheyShow() throws {
    let configuration = try Self.configuration()
    let rewriter = PolicyRewriter(configuration: configuration)
    func findings(_ path: String) throws -> [Finding] {
      rewriter.rewrite(try #require(try Self.read(path)), path: path).findings
    }
    #expect(try rules(findings("apis/notifications/policy.xml")) == [.keyOutsideInbound])
    #expect(try rules(findings("policy fragments/auth-headers/policy.xml")) == [.fragmentInboundOnly])
    #expect(try findings("apis/migrated/policy.xml").isEmpty)
    #expect(try findings("apis/status/policy.xml").isEmpty)
    #expect(try findings("apis/payments/policy.xml").isEmpty)
    #expect(try rules(findings("infra/apim.bicep")) == [.backendCredentials])
    #expect(try rules(findings("infra/azuredeploy.json")) == [.undecodableEmbeddedPolicy])

    // The Authorization header (spec §2a): the MI element goes after the last reader or
    // remover; a reader no remover follows gets a note; writers and a nested injection with a
    // later reader are left for review, unchanged (they have no .expected file).
    #expect(try rules(findings("apis/profile/policy.xml")) == [.authorizationTokenReplaced])
    #expect(try findings("apis/bff-gateway/policy.xml").isEmpty)
    #expect(try rules(findings("apis/search/policy.xml")) == [.authorizationTokenReplaced])
    #expect(try rules(findings("apis/tenants/policy.xml")) == [.authorizationTokenReplaced])
    #expect(try rules(findings("apis/billing/policy.xml")) == [.authorizationWriter])
    #expect(try rules(findings("apis/legacy-erp/policy.xml")) == [.authorizationWriter])
    #expect(try rules(findings("apis/shipping/policy.xml")) == [.authorizationReaderAfterManagedIdentity])
    for path in ["apis/billing/policy.xml", "apis/legacy-erp/policy.xml", "apis/shipping/policy.xml"] {
      let result = rewriter.rewrite(try #require(try Self.read(path)), path: path)
      #expect(result.reviewCount == 1, "\(path)")
      #expect(try Self.read(path + ".expected") == nil, "\(path) is left unchanged")
    }
    // The second round (spec §2a): a send-request that forwards the caller's token and one
    // that copies the caller's request are readers (the MI element goes after them, with a
    // note); an injection inside a Terraform %{ if } directive is replaced inside it, and the
    // note names the .tf file's own lines.
    #expect(try rules(findings("apis/accounts/policy.xml")) == [.authorizationTokenReplaced])
    #expect(try rules(findings("apis/ledger/policy.xml")) == [.authorizationTokenReplaced])
    let loyalty = try findings("infra/loyalty.tf")
    #expect(rules(loyalty) == [.authorizationTokenReplaced])
    #expect(loyalty.first?.line == 20 && loyalty.first?.message.contains("line 15") == true, "\(loyalty)")
    let loyaltyExpected = string(try #require(try Self.read("infra/loyalty.tf.expected")))
    #expect(loyaltyExpected.contains("%{ if var.use_function_key }\n    <authentication-managed-identity"))

    // The key copied into a variable (spec §2b) goes with its injection; check reports it.
    #expect(try findings("apis/invoices/policy.xml").isEmpty)
    let invoices = try #require(try Self.read("apis/invoices/policy.xml"))
    #expect(
      rules(rewriter.check(invoices, path: "apis/invoices/policy.xml").findings) == [.keyVariable, .keyInjection])
    #expect(!string(try #require(try Self.read("apis/invoices/policy.xml.expected"))).contains("{{"))

    let legacy = try #require(try Self.read("apis/legacy/policy.xml"))
    #expect(legacy.starts(with: [0xEF, 0xBB, 0xBF]))
    #expect(legacy.contains(0x0D))

    // check agrees with migrate about what is left.
    for path in Self.policyPaths {
      let input = try #require(try Self.read(path))
      let output = rewriter.rewrite(input, path: path).output
      let remaining = rewriter.check(output, path: path).findings.filter { $0.rule == .keyInjection }
      #expect(remaining.isEmpty, "\(path): \(remaining)")
      let before = rewriter.check(input, path: path).findings.filter { $0.rule == .keyInjection }
      #expect(before.isEmpty == (output == input), "\(path)")
    }
  }
}
