import Foundation
import Testing

/// End-to-end: a Bicep or ARM policy that is not a literal `value:` (a `var`, a parameter, a
/// conditional, a `replace()`, a module argument) is followed to its text when the file says it,
/// else is a policy the run cannot read or place, which is never silent (`rewrite-spec.md` §2c).
@Suite struct BicepARMPolicyValueCommandTests {
  typealias Graph = BicepARMGraph
  typealias Names = BicepARMNameCommandTests

  @Test("a Bicep var that holds the policy is that scope's policy: the operation's reader holds the key")
  func aBicepVarPolicyIsFollowed() throws {
    try Names.expectHeld(["main.bicep": Graph.varPolicyBicep])
    let other = Graph.swapping(
      Graph.varPolicyBicep, [("'apim1/orders/getOrder/policy'", "'apim1/payments/getPay/policy'")])
    try Names.expectRewritten(["main.bicep": other], in: "main.bicep")
  }

  @Test("an ARM [variables()] policy is that scope's policy: the operation's reader holds the key")
  func anARMVariablePolicyIsFollowed() throws {
    try Names.expectHeld(["t.json": Graph.variablePolicyARM])
    let other = Graph.swapping(
      Graph.variablePolicyARM, [("apim1/orders/getOrder/policy", "apim1/payments/getPay/policy")])
    try Names.expectRewritten(["t.json": other], in: "t.json")
  }

  @Test("each branch of a conditional policy is a policy of the scope: a parent's reader holds its key")
  func eachBranchOfAConditionalPolicyIsChecked() throws {
    try Names.expectHeld(["main.bicep": Graph.conditionalPolicyBicep], rule: "authorization-parent-scope")
    let other = Graph.swapping(Graph.conditionalPolicyBicep, [("'apim1/gold/orders'", "'apim1/gold/payments'")])
    try Names.expectRewritten(["main.bicep": other], in: "main.bicep")
  }

  @Test("a key in text that replace() turns into the policy is not placed: scope-unknown, an error with --strict")
  func aReplacedPolicyIsNotPlacedSilently() throws {
    let outcome = try Graph.migrate(["main.bicep": Graph.replacedPolicyBicep])
    #expect(outcome.rules.contains("scope-unknown"), "\(outcome.stderr)")
    try Names.expectHeld(["main.bicep": Graph.replacedPolicyBicep], rule: "scope-unknown", strict: true)
  }

  @Test("a key passed to a module as its policy parameter is not placed: scope-unknown, an error with --strict")
  func aPolicyPassedToAModuleIsNotPlacedSilently() throws {
    let files = ["main.bicep": Graph.policyPassingCaller, "api.bicep": Graph.policyParameterModule]
    try Names.expectHeld(files, rule: "scope-unknown", strict: true)
  }

  @Test("an include in a JSON string is at the string's line, in a multi-line string at its own line")
  func includesStandAtTheirFileLines() throws {
    let files = ["t.json": Graph.includingTemplate, "api.bicep": Graph.includingBicep]
    try withTemporaryTree(files) { root in
      let result = run(["plan", "--format", "json", "--resource", CLI.resource, "."], cwd: root)
      let plan = try #require(JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "\(result.stderr)")
      let lines = (plan["includes"] as? [[String: Any]] ?? []).map { "\($0["path"] ?? ""):\($0["line"] ?? "")" }
        .sorted()
      #expect(lines == ["api.bicep:8", "t.json:15", "t.json:9"], "\(result.stderr)")
    }
  }

  @Test("a child policy linked by URL is unreadable because it is fetched when deployed, not 'does not parse'")
  func aLinkedChildPolicyIsNamedForWhatItIs() throws {
    let outcome = try Graph.migrate(["main.bicep": Graph.linkedPolicyBicep])
    #expect(outcome.changed.isEmpty && outcome.rules == ["child-scope-unreadable"], "\(outcome.stderr)")
    #expect(outcome.stderr.contains("a link (`xml-link`, `rawxml-link`) fetched when deployed"), "\(outcome.stderr)")
    #expect(!outcome.stderr.contains("does not parse"), "\(outcome.stderr)")
  }
}
