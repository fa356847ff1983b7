import Foundation
import Testing

/// End-to-end: policies declared as nested Bicep resources and as `azapi_resource` blocks
/// chained by `parent_id` are linked to their API and operation (`rewrite-spec.md` §2c), so
/// that an operation which strips `Authorization` after its `<base />` holds the API's key
/// instead of stripping APIM's token at runtime (401), and `plan` lists them with their names.
@Suite struct NestedDeclarationLinkCommandTests {
  static let keyedAPI = """
    <policies>
      <inbound>
        <base />
        <set-header name="x-functions-key" exists-action="override"><value>{{a-func-key}}</value></set-header>
      </inbound>
    </policies>
    """

  static let deletingOperation =
    #"<policies><inbound><base /><set-header name="Authorization" exists-action="delete" /></inbound></policies>"#

  static let nestedBicep = """
    param apimName string
    resource apim 'Microsoft.ApiManagement/service@2023-05-01-preview' existing = {
      name: apimName
      resource api 'apis@2023-05-01-preview' = {
        name: 'a'
        properties: { path: 'a' }
        resource pol 'policies@2023-05-01-preview' = {
          name: 'policy'
          properties: {
            format: 'rawxml'
            value: '''
    \(keyedAPI)
    '''
          }
        }
        resource op 'operations' = {
          name: 'o'
          resource opPol 'policies' = {
            name: 'policy'
            properties: {
              format: 'rawxml'
              value: '\(deletingOperation)'
            }
          }
        }
      }
    }

    """

  static let azapi = """
    resource "azapi_resource" "api_policy" {
      type      = "Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview"
      name      = "policy"
      parent_id = azapi_resource.api.id
      body = jsonencode({
        properties = {
          format = "rawxml"
          value  = <<XML
    \(keyedAPI)
    XML
        }
      })
    }
    resource "azapi_resource" "api" {
      type      = "Microsoft.ApiManagement/service/apis@2023-05-01-preview"
      name      = "a"
      parent_id = "x"
    }
    resource "azapi_resource" "op" {
      type      = "Microsoft.ApiManagement/service/apis/operations@2023-05-01-preview"
      name      = "o"
      parent_id = azapi_resource.api.id
    }
    resource "azapi_resource" "op_policy" {
      type      = "Microsoft.ApiManagement/service/apis/operations/policies@2023-05-01-preview"
      name      = "policy"
      parent_id = azapi_resource.op.id
      body = jsonencode({
        properties = {
          format = "rawxml"
          value  = "<policies><inbound><base /><set-header name=\\"Authorization\\" exists-action=\\"delete\\" /></inbound></policies>"
        }
      })
    }

    """

  /// `migrate --write` on `root`: the status, stderr and the `authorization-child-scope` findings.
  static func migrate(_ root: URL, _ extra: [String] = []) -> (status: Int32, stderr: String, held: [String]) {
    let result = CLI.migrate(root, rule: "authorization-child-scope", extra)
    return (result.status, result.stderr, result.found)
  }

  /// The policies `plan --format json` lists: scope, API, operation and declaring symbol.
  static func plannedPolicies(_ root: URL) throws -> [String] {
    let result = run(["plan", "--format", "json", "--resource", CLI.resource, "."], cwd: root)
    let plan = try #require(JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "\(result.stderr)")
    return (plan["policies"] as? [[String: Any]] ?? []).map { policy in
      let declared = policy["declaredAt"] as? [String: Any]
      return [
        policy["scope"] as? String ?? "-", policy["api"] as? String ?? "-", policy["operation"] as? String ?? "-",
        declared?["address"] as? String ?? "-",
      ].joined(separator: " ")
    }.sorted()
  }

  /// `migrate --write` on a tree of the one file `path` holding `text`: the run succeeds, the
  /// file is unchanged, one key is held, and `plan` lists `planned`.
  static func expectKeyHeld(
    in path: String, _ text: String, planned: [String], sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    try withTemporaryTree([path: text]) { root in
      let result = migrate(root)
      #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
      expectFile(root, path, text, sourceLocation: sourceLocation)
      #expect(result.held.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
      let listed = try plannedPolicies(root)
      #expect(listed == planned, sourceLocation: sourceLocation)
    }
  }

  @Test("nested Bicep resources: the nested operation that deletes Authorization holds the nested API's key")
  func nestedBicepOperationStripsAPIMsTokenSoTheAPIKeyIsHeld() throws {
    try Self.expectKeyHeld(in: "main.bicep", Self.nestedBicep, planned: ["api a - pol", "operation a o opPol"])
  }

  @Test("azapi_resource parent_id chains: the operation that deletes Authorization holds the API's key")
  func azapiOperationStripsAPIMsTokenSoTheAPIKeyIsHeld() throws {
    try Self.expectKeyHeld(
      in: "main.tf", Self.azapi,
      planned: ["api a - azapi_resource.api_policy", "operation a o azapi_resource.op_policy"])
  }

  /// An operation policy whose `parent_id` is a variable, and a Bicep API policy whose name
  /// has no API segment: their API is not known, so no check across scopes could be made.
  static let unlinked = [
    "main.tf": """
    resource "azapi_resource" "op_policy" {
      type      = "Microsoft.ApiManagement/service/apis/operations/policies@2023-05-01-preview"
      name      = "policy"
      parent_id = var.operation_id
      body = jsonencode({
        properties = {
          value = <<XML
    \(keyedAPI)
    XML
        }
      })
    }

    """,
    "main.bicep": """
    resource pol 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {
      name: 'policy'
      properties: {
        value: '''
    \(keyedAPI)
    '''
      }
    }

    """,
  ]

  @Test("a parent_id or name the graph cannot follow is scope-unknown, not silently unlinked")
  func unresolvableParentIsScopeUnknownSinceAChildReaderCouldNotBeLookedFor() throws {
    try withTemporaryTree(Self.unlinked) { root in
      let result = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "\(result.stderr)")
      let warnings = findingLines(result.stderr).filter { $0.hasSuffix("[scope-unknown]") }
      #expect(warnings.count == 2, "\(result.stderr)")
      #expect(warnings.contains { $0.hasPrefix("main.tf:1:1: warning:") && $0.contains("azapi_resource.op_policy") })
      #expect(warnings.contains { $0.hasPrefix("main.bicep:1:1: warning:") && $0.contains("API name") })
    }
  }

  @Test("with --strict an unresolvable parent_id is an error and nothing is written")
  func strictUnresolvableParentWritesNothing() throws {
    try withTemporaryTree(Self.unlinked) { root in
      let result = run(["migrate", "--strict", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 2, "\(result.stderr)")
      let errors = findingLines(result.stderr).filter { $0.contains(": error: ") && $0.hasSuffix("[scope-unknown]") }
      #expect(errors.count == 2, "\(result.stderr)")
      expectFile(root, "main.tf", Self.unlinked["main.tf"] ?? "")
      expectFile(root, "main.bicep", Self.unlinked["main.bicep"] ?? "")
    }
  }
}
