import Foundation
import Testing

/// End-to-end: backend credentials given through a Bicep `var`, an ARM variable or parameter
/// default, or an ARM parameters file still send the function key (the backend keeps sending
/// it after the policies are migrated): `check` reports each, as it does credentials written in
/// place; a variable that holds another header is not a key.
@Suite struct BackendCredentialReferenceCommandTests {
  static func bicep(_ header: String, through reference: String) -> String {
    let object = "{\n  header: {\n    '\(header)': [\n      '{{func-key}}'\n    ]\n  }\n}\n"
    let credentials =
      reference == "credentials" ? "credentials: creds" : "credentials: {\n      header: creds.header\n    }"
    return "var creds = \(object)"
      + """
      resource b 'Microsoft.ApiManagement/service/backends@2023-05-01-preview' = {
        name: 'apim1/func'
        properties: {
          url: 'https://f.azurewebsites.net/api'
          protocol: 'http'
          \(credentials)
        }
      }

      """
  }

  static func headerVar(_ header: String) -> String {
    """
    var keyHeaders = {
      '\(header)': [
        '{{func-key}}'
      ]
    }
    resource b 'Microsoft.ApiManagement/service/backends@2023-05-01-preview' = {
      name: 'apim1/func'
      properties: {
        url: 'https://f.azurewebsites.net/api'
        credentials: {
          header: keyHeaders
        }
      }
    }

    """
  }

  static func arm(_ header: String, _ section: String) -> String {
    let object = #"{ "header": { "\#(header)": [ "{{func-key}}" ] } }"#
    let declarations =
      section == "variables"
      ? #""variables": { "fnCreds": \#(object) },"#
      : #""parameters": { "fnCreds": { "type": "object", "defaultValue": \#(object) } },"#
    return """
      {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        \(declarations)
        "resources": [
          {
            "type": "Microsoft.ApiManagement/service/backends",
            "apiVersion": "2021-08-01",
            "name": "apim1/func",
            "properties": { "url": "https://f.azurewebsites.net/api", "credentials": "[\(section)('fnCreds')]" }
          }
        ]
      }

      """
  }

  static func parametersFile(_ header: String) -> String {
    """
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
      "contentVersion": "1.0.0.0",
      "parameters": {
        "backendCredentials": { "value": { "header": { "\(header)": [ "{{func-key}}" ] } } }
      }
    }

    """
  }

  /// `check` on one file holding `text`: its status and the `backend-credentials-key` lines.
  static func check(_ path: String, _ text: String) throws -> (status: Int32, found: [String]) {
    try withTemporaryTree([path: text]) { root in
      let result = run(["check", path], cwd: root)
      return (result.status, findingLines(result.stderr).filter { $0.hasSuffix("[backend-credentials-key]") })
    }
  }

  @Test("credentials through a Bicep var (the object, or its header map) send the key: reported, exit 1")
  func bicepVariableCredentialsAreReported() throws {
    for (path, key, other) in [
      ("b.bicep", Self.headerVar("x-functions-key"), Self.headerVar("x-api-version")),
      (
        "c.bicep", Self.bicep("x-functions-key", through: "credentials"),
        Self.bicep("x-api-version", through: "credentials")
      ),
    ] {
      let found = try Self.check(path, key)
      #expect(found.status == 1 && found.found.count == 1, "\(path): \(found)")
      let clean = try Self.check(path, other)
      #expect(clean.status == 0 && clean.found.isEmpty, "\(path): \(clean)")
    }
  }

  @Test("credentials through an ARM variable or parameter default send the key: reported, exit 1")
  func armReferencedCredentialsAreReported() throws {
    for section in ["variables", "parameters"] {
      let found = try Self.check("t.json", Self.arm("x-functions-key", section))
      #expect(found.status == 1 && found.found.count == 1, "\(section): \(found)")
      let clean = try Self.check("t.json", Self.arm("x-api-version", section))
      #expect(clean.status == 0 && clean.found.isEmpty, "\(section): \(clean)")
    }
  }

  @Test("credentials in an ARM parameters file send the key: reported, exit 1")
  func parametersFileCredentialsAreReported() throws {
    let found = try Self.check("p.parameters.json", Self.parametersFile("x-functions-key"))
    #expect(found.status == 1 && found.found.count == 1, "\(found)")
    let clean = try Self.check("p.parameters.json", Self.parametersFile("x-api-version"))
    #expect(clean.status == 0 && clean.found.isEmpty, "\(clean)")
  }
}
