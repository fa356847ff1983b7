import Foundation
import PolicyRewrite
import PolicyRewriteCLI
import Testing

/// The rule catalog: one description per rule id, the `rules` command, and the README's rule
/// table, which must list exactly the catalog.
@Suite struct RuleCatalogTests {
  @Test func everyRuleHasExactlyOneDescription() {
    let ids = RuleCatalog.all.map(\.id)
    #expect(Set(ids) == Set(FindingID.allCases))
    #expect(ids.count == FindingID.allCases.count, "a rule is described twice")
    #expect(FindingID.allCases.count == Rule.allCases.count + OperationalDiagnostic.allCases.count)
    for description in RuleCatalog.all {
      #expect(!description.summary.isEmpty && !description.explanation.isEmpty, "\(description.id.rawValue)")
      #expect(description.summary.hasSuffix("."), "\(description.id.rawValue): a summary is one sentence")
    }
  }

  @Test func operationalDiagnosticsAreNoRulesAndShareTheIdNamespace() {
    for diagnostic in OperationalDiagnostic.allCases {
      #expect(Rule(rawValue: diagnostic.rawValue) == nil, "\(diagnostic.rawValue)")
      #expect(FindingID(rawValue: diagnostic.rawValue) == .operational(diagnostic))
      #expect(diagnostic.details.kind == .operational, "\(diagnostic.rawValue)")
    }
    for rule in Rule.allCases {
      #expect(FindingID(rawValue: rule.rawValue) == .rule(rule))
      #expect(rule.details.kind != .operational, "\(rule.rawValue) is described as operational")
    }
    // SARIF's rule list and ruleIndex, and the id lists in messages, keep the order they had
    // when the ids were one enum.
    let ids = FindingID.allCases.map(\.rawValue)
    #expect(ids[12...14] == ["conflicting-resources", "unresolved-resource", "parse-error"])
    #expect(ids[24...25] == ["unsupported-file-type", "authorization-writer"])
  }

  @Test func thePreFilterNeedlesAreTheDescriptions() {
    let needles = RuleCatalog.all.reduce(into: Set<CheckNeedles.Needle>()) { $0.formUnion($1.needles) }
    #expect(needles == Set(CheckNeedles.Needle.allCases), "a needle no rule names is never looked for")
    #expect(Rule.keyInjection.details.needles == [.keyHeaderName])
    for description in RuleCatalog.all where description.kind == .operational || description.kind == .readiness {
      #expect(description.needles.isEmpty, "\(description.id.rawValue) is not reported from a policy's analysis")
    }
  }

  @Test func failuresAreErrorsAndNotesNeverFailCheck() {
    for description in RuleCatalog.all {
      if description.isFailure { #expect(description.failsCheck, "\(description.id.rawValue)") }
      if description.defaultSeverity == .note { #expect(!description.failsCheck, "\(description.id.rawValue)") }
    }
    #expect(OperationalDiagnostic.parseError.details.isFailure && !Rule.keyInjection.details.isFailure)
    #expect(
      Rule.keyInjection.details.defaultSeverity == .error
        && Rule.authorizationTokenReplaced.details.defaultSeverity == .note)
  }

  @Test func readmeRuleTableIsTheCatalog() throws {
    let readme = try String(contentsOf: ReadmeTests.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let begin = try #require(readme.range(of: "<!-- rules:begin -->\n"))
    let end = try #require(readme.range(of: "<!-- rules:end -->"))
    let table = String(readme[begin.upperBound..<end.lowerBound])
    #expect(
      table == RuleListing.markdown(),
      "README's rule table differs from the catalog: run scripts/readme-rules")
    let printed = run(["rules", "--format", "markdown"], cwd: ReadmeTests.packageRoot)
    #expect(printed.status == 0 && String(decoding: printed.stdout, as: UTF8.self) == RuleListing.markdown())
  }

  @Test func rulesJSONListsEveryRuleWithIdSeverityAndSummary() throws {
    let result = run(["rules", "--format", "json"], cwd: ReadmeTests.packageRoot)
    #expect(result.status == 0, "\(result.stderr)")
    let list = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]])
    #expect(list.compactMap { $0["id"] as? String } == RuleCatalog.all.map(\.id.rawValue))
    for entry in list {
      #expect(entry["severity"] is String && entry["summary"] is String && entry["explanation"] is String)
      #expect(entry["failsCheck"] is Bool)
    }
    let keyInjection = try #require(list.first { $0["id"] as? String == "key-injection" })
    #expect(keyInjection["severity"] as? String == "error" && keyInjection["failsCheck"] as? Bool == true)
  }

  @Test func rulesWithAnIdExplainsThatRule() {
    let result = run(["rules", "authorization-token-replaced"], cwd: ReadmeTests.packageRoot)
    #expect(result.status == 0)
    let text = String(decoding: result.stdout, as: UTF8.self)
    #expect(text.hasPrefix("authorization-token-replaced (note, does not fail check)\n"))
    #expect(text.contains(Rule.authorizationTokenReplaced.details.explanation))
    #expect(text.contains("X-Caller-Authorization"))
  }

  @Test func rulesWithAnUnknownIdIsAUsageErrorWithASuggestion() {
    let result = run(["rules", "key-injektion"], cwd: ReadmeTests.packageRoot)
    #expect(result.status == 2)
    #expect(result.stderr.contains("did you mean 'key-injection'"))
    #expect(result.stdout.isEmpty)
  }
}
