import Testing

@testable import PolicyRewrite

/// The policy graph's ARM reading: each resource, nested ones too, is declared at the line of
/// its own name, so that messages cite the child policy and not another resource of the same
/// name.
struct PolicyGraphARMLineTests {
  static let template = """
    {
      "resources": [
        {"type": "Microsoft.ApiManagement/service/apis", "name": "apim/a",
         "resources": [
           {"type": "policies", "name": "policy",
            "properties": {"format": "rawxml", "value": "<policies><inbound><base /></inbound></policies>"}},
           {"type": "operations", "name": "o",
            "resources": [
              {"type": "policies", "name": "policy",
               "properties": {"format": "rawxml", "value": "<policies><inbound><base /></inbound></policies>"}}
            ]}
         ]}
      ]
    }
    """

  @Test("a nested operation policy named like its API's policy is declared at its own line")
  func nestedChildOfTheSameNameHasItsOwnLine() throws {
    let graph = PolicyGraph(files: [PolicyGraph.FileFacts(path: "t.json", bytes: Array(Self.template.utf8))])
    let api = try #require(graph.policies.first { $0.scope == .api })
    let operation = try #require(graph.policies.first { $0.scope == .operation })
    #expect(api.declaredAt?.line == 5)
    #expect(operation.declaredAt?.line == 9)
    #expect(operation.api == "a")
    #expect(operation.operation == "o")
  }

  @Test("a name written after the resource's children is still found, after its parent's")
  func nameAfterChildrenIsFound() throws {
    let template = """
      {
        "resources": [
          {"type": "Microsoft.ApiManagement/service/apis/policies",
           "properties": {"format": "rawxml", "value": "<policies><inbound><base /></inbound></policies>"},
           "name": "apim/b/policy"},
          {"type": "Microsoft.ApiManagement/service/apis/policies", "name": "apim/a/policy",
           "properties": {"format": "rawxml", "value": "<policies><inbound><base /></inbound></policies>"}}
        ]
      }
      """
    let graph = PolicyGraph(files: [PolicyGraph.FileFacts(path: "t.json", bytes: Array(template.utf8))])
    #expect(graph.policies.first { $0.api == "b" }?.declaredAt?.line == 5)
    #expect(graph.policies.first { $0.api == "a" }?.declaredAt?.line == 6)
  }
}
