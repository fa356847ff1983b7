import Foundation
import Testing

/// End-to-end: Bicep and ARM names are resolved as far as the run's files say them, and no
/// further (`rewrite-spec.md` §2c, docs/policy-graph.md "Names"). An API key is held while an
/// operation of that API validates or strips `Authorization` after its `<base />` (rewritten,
/// the operation would get APIM's token: 401 for every caller); the same key is rewritten when
/// the operation is another API's, so a name is never left a wildcard that it need not be.
@Suite struct BicepARMNameCommandTests {
  typealias Graph = BicepARMGraph

  /// The key of `files` is held, not rewritten, with `rule`.
  static func expectHeld(
    _ files: [String: String], rule: String = "authorization-child-scope", strict: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let outcome = try Graph.migrate(files, strict: strict)
    #expect(outcome.changed.isEmpty, "\(outcome.stderr)", sourceLocation: sourceLocation)
    #expect(outcome.rules.contains(rule), "\(outcome.stderr)", sourceLocation: sourceLocation)
  }

  /// The key of `files` is rewritten in `path`, with no hold.
  static func expectRewritten(
    _ files: [String: String], in path: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let outcome = try Graph.migrate(files)
    #expect(outcome.status == 0, "\(outcome.stderr)", sourceLocation: sourceLocation)
    #expect(outcome.changed == [path], "\(outcome.stderr)", sourceLocation: sourceLocation)
    #expect(
      !outcome.rules.contains { $0.hasPrefix("authorization-") || $0 == "scope-unknown" }, "\(outcome.stderr)",
      sourceLocation: sourceLocation)
  }

  @Test("an ARM format() name (bicep build's child resources) links the operation: key held, not 401")
  func anARMFormatNameIsEvaluated() throws {
    try Self.expectHeld(["azuredeploy.json": Graph.formatNamed])
    let other = Graph.swapping(Graph.formatNamed, [("'orders', 'getOrder'", "'payments', 'getPay'")])
    try Self.expectRewritten(["azuredeploy.json": other], in: "azuredeploy.json")
  }

  @Test("a Bicep name through another resource's name (bicep decompile) is that name, not API 'policy'")
  func aBicepResourceNameReferenceIsResolved() throws {
    try Self.expectHeld(["main.bicep": Graph.decompiledBicep])
    let other = Graph.swapping(
      Graph.decompiledBicep, [("'apim1/orders/getOrder/policy'", "'apim1/payments/getPay/policy'")])
    try Self.expectRewritten(["main.bicep": other], in: "main.bicep")
  }

  @Test("an ARM name through a variable that is an expression is followed, not read as API 'policy'")
  func anARMVariableExpressionIsFollowed() throws {
    try Self.expectHeld(["t.json": Graph.variableNamedARM])
    let other = Graph.swapping(Graph.variableNamedARM, [("'/orders/getOrder/policy'", "'/payments/getPay/policy'")])
    try Self.expectRewritten(["t.json": other], in: "t.json")
  }

  @Test("an ARM name through a variable the run cannot evaluate is not known: it may be any API, key held")
  func anARMValueTheRunCannotEvaluateHoldsTheKey() throws {
    let unknown = Graph.swapping(
      Graph.variableNamedARM,
      [
        (
          "\"[concat(parameters('apimName'), '/orders')]\"",
          "\"[concat(parameters('apimName'), '/', last(split(resourceGroup().name, '-')))]\""
        )
      ])
    try Self.expectHeld(["t.json": unknown])
    try Self.expectHeld(["t.json": unknown], rule: "scope-unknown", strict: true)
  }

  @Test("parent: apim::ordersApi (a nested resource's accessor) is that API, not API 'policy'")
  func aNestedResourceAccessorIsFollowed() throws {
    try Self.expectHeld(["main.bicep": Graph.nestedAccessorBicep])
    let other = Graph.swapping(
      Graph.nestedAccessorBicep, [("'apim1/orders/getOrder/policy'", "'apim1/payments/getPay/policy'")])
    try Self.expectRewritten(["main.bicep": other], in: "main.bicep")
  }

  @Test("a workspace API is named by its own segment, not the workspace's: another API's reader holds nothing")
  func aWorkspaceAPIIsNamedByItsOwnSegment() throws {
    try Self.expectRewritten(["main.bicep": Graph.workspaceBicep], in: "main.bicep")
    let same = Graph.swapping(
      Graph.workspaceBicep, [("'apim1/team1/payments/getPay/policy'", "'apim1/team1/orders/getPay/policy'")])
    try Self.expectHeld(["main.bicep": same])
  }

  @Test("a Bicep module call's argument names the module's operation, not the parameter's default")
  func aModuleCallArgumentIsFollowed() throws {
    try Self.expectHeld(["main.bicep": Graph.moduleCaller, "op.bicep": Graph.moduleOperation])
    let other = Graph.swapping(Graph.moduleCaller, [("apiName: 'orders'", "apiName: 'payments'")])
    try Self.expectRewritten(["main.bicep": other, "op.bicep": Graph.moduleOperation], in: "main.bicep")
  }

  @Test("an ARM linked template's parameters name its operation, not the parameter's default")
  func aLinkedTemplatesParametersAreFollowed() throws {
    try Self.expectHeld(["main.json": Graph.linkingTemplate, "op.json": Graph.linkedTemplate])
    let other = Graph.swapping(Graph.linkingTemplate, [(#""value": "orders""#, #""value": "payments""#)])
    try Self.expectRewritten(["main.json": other, "op.json": Graph.linkedTemplate], in: "main.json")
  }

  @Test("a .bicepparam value other than the default leaves the name unresolved: any API, key held")
  func aBicepparamValueMakesTheDefaultAGuess() throws {
    let given = "using 'main.bicep'\n\nparam apiName = 'orders'\n"
    try Self.expectHeld(["main.bicep": Graph.parameterNamedBicep, "main.bicepparam": given])
    let same = "using 'main.bicep'\n\nparam apiName = 'payments'\n"
    try Self.expectRewritten(["main.bicep": Graph.parameterNamedBicep, "main.bicepparam": same], in: "main.bicep")
  }

  @Test("an ARM parameters file's value other than the default leaves the name unresolved: key held")
  func anARMParametersFileMakesTheDefaultAGuess() throws {
    func parameters(_ value: String) -> String {
      """
      {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "contentVersion": "1.0.0.0",
        "parameters": { "apiName": { "value": "\(value)" } }
      }

      """
    }
    try Self.expectHeld([
      "azuredeploy.json": Graph.parameterNamedARM, "azuredeploy.parameters.json": parameters("orders"),
    ])
    try Self.expectRewritten(
      ["azuredeploy.json": Graph.parameterNamedARM, "azuredeploy.parameters.json": parameters("payments")],
      in: "azuredeploy.json")
  }
}
