import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// Which finding a `policy-rewrite: ignore` comment accepts: the first of its rules at the
/// thing right after the comment, found by position in the file, in policy files and in the
/// policies embedded in Terraform, Bicep and ARM files, whatever their line endings.
@Suite struct SuppressionPlacementTests {
  static let comment = "<!-- policy-rewrite: ignore key-injection (accepted) -->"

  static func key(_ name: String) -> String {
    #"<set-header name="x-functions-key" exists-action="override"><value>{{\#(name)}}</value></set-header>"#
  }

  /// The `key-injection` findings kept and accepted, by named value, and the other findings.
  static func check(_ source: String, path: String) -> (kept: [String], accepted: [String], other: [Finding]) {
    let bytes = Array(source.utf8)
    let result = PolicyRewriter(configuration: RewriteConfiguration()).check(bytes, path: path)
    let (kept, suppressed) = InlineSuppressions(bytes, path: path).apply(to: result.findings)
    func names(_ findings: [Finding]) -> [String] {
      findings.filter { $0.rule == .keyInjection }.compactMap { finding in
        ["k1", "k2", "k3"].first { finding.message.contains("'\($0)'") }
      }
    }
    return (names(kept), names(suppressed.map(\.finding)), kept.filter { $0.rule != .keyInjection })
  }

  @Test("a one-line policy: the comment accepts the element right after it, not the second key on the line")
  func oneLinePolicy() {
    let source = "<policies><inbound><base />\(Self.comment)\(Self.key("k1"))\(Self.key("k2"))</inbound></policies>\n"
    let result = Self.check(source, path: "policy.xml")
    #expect(result.accepted == ["k1"])
    #expect(result.kept == ["k2"])
    #expect(result.other.isEmpty, "\(result.other)")
  }

  @Test(
    "a one-line Bicep or ARM string: an element without a finding after the comment was skipped over to the next key",
    arguments: [
      (
        "main.bicep",
        "resource p 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {\n  properties: {\n    value: '<policies>\\n<inbound>\\n\(comment)\\n<base />\\n\(key("k1"))\\n</inbound>\\n</policies>'\n  }\n}\n"
      ),
      (
        "azuredeploy.json",
        "{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n  \"resources\": [{\"type\": \"Microsoft.ApiManagement/service/apis/policies\", \"properties\": {\"value\": \"<policies>\\r\\n<inbound>\\r\\n\(comment)\\r\\n<base />\\r\\n\(key("k1").replacingOccurrences(of: "\"", with: "\\\""))\\r\\n</inbound>\\r\\n</policies>\"}}]\n}\n"
      ),
      (
        "main.tf",
        "resource \"azurerm_api_management_api_policy\" \"a\" {\n  xml_content = \"<policies>\\n<inbound>\\n\(comment)\\n<base />\\n\(key("k1").replacingOccurrences(of: "\"", with: "\\\""))\\n</inbound>\\n</policies>\"\n}\n"
      ),
    ])
  func escapedLineBreaksEndALineOfThePolicy(path: String, source: String) {
    // As in a policy file: the comment precedes `<base />`, so the key two lines further on is
    // still reported, and the unused comment cites a line the file has.
    let result = Self.check(source, path: path)
    #expect(result.kept == ["k1"], "\(path): \(result)")
    #expect(result.accepted.isEmpty, "\(path): \(result)")
    let unused = result.other.filter { $0.diagnostic == .unusedSuppression }
    #expect(unused.count == 1, "\(path): \(result.other)")
    let line = path == "main.tf" ? 2 : 3
    #expect(unused.first?.message == "this suppression of key-injection accepts no finding on line \(line); remove it")
  }

  @Test(
    "the comment accepts the key right after it in a one-line Bicep, ARM or Terraform string, not the second",
    arguments: ["main.bicep", "azuredeploy.json", "main.tf", "heredoc.tf"])
  func oneLineEmbeddedPolicies(path: String) {
    let policy = "<policies><inbound><base />\(Self.comment)\(Self.key("k1"))\(Self.key("k2"))</inbound></policies>"
    let source: String
    switch path {
    case "main.bicep":
      source =
        "resource p 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {\n  properties: {\n    value: '\(policy)'\n  }\n}\n"
    case "azuredeploy.json":
      source =
        "{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n  \"resources\": [{\"type\": \"Microsoft.ApiManagement/service/apis/policies\", \"properties\": {\"value\": \"\(policy.replacingOccurrences(of: "\"", with: "\\\""))\"}}]\n}\n"
    case "main.tf":
      source =
        "resource \"azurerm_api_management_api_policy\" \"a\" {\n  xml_content = \"\(policy.replacingOccurrences(of: "\"", with: "\\\""))\"\n}\n"
    default:
      source = "resource \"azurerm_api_management_api_policy\" \"a\" {\n  xml_content = <<XML\n\(policy)\nXML\n}\n"
    }
    let result = Self.check(source, path: path)
    #expect(result.accepted == ["k1"], "\(path): \(result)")
    #expect(result.kept == ["k2"], "\(path): \(result)")
    #expect(result.other.isEmpty, "\(path): \(result.other)")
  }

  @Test(
    "a one-line policy: the window ran to the end of the line, so a key in a later element or inside the next element was accepted",
    arguments: [
      (
        "policy.xml",
        #"<policies><inbound><base />\#(comment)<set-variable name="v" value="1" /><validate-jwt header-name="Authorization"><openid-config url="https://x" /></validate-jwt>\#(key("k1"))</inbound></policies>\#n"#
      ),
      ("policy.xml", "<policies>\(comment)<inbound><base />\(key("k1"))</inbound></policies>\n"),
      (
        "main.bicep",
        "resource p 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {\n  properties: {\n    value: '<policies>\(comment)<inbound><base />\(key("k1"))</inbound></policies>'\n  }\n}\n"
      ),
      (
        "main.tf",
        "resource \"azurerm_api_management_api_policy\" \"a\" {\n  # policy-rewrite: ignore key-injection (accepted for the legacy app)\n  xml_content = \"<policies><inbound><base /><set-variable name=\\\"x\\\" value=\\\"1\\\" />\(key("k1").replacingOccurrences(of: "\"", with: "\\\""))</inbound></policies>\"\n}\n"
      ),
    ])
  func oneLinePolicyLaterElement(path: String, source: String) {
    let result = Self.check(source, path: path)
    #expect(result.kept == ["k1"], "\(path): \(result)")
    #expect(result.accepted.isEmpty, "\(path): \(result)")
    #expect(result.other.map(\.diagnostic) == [.unusedSuppression], "\(path): \(result.other)")
  }

  @Test("CRLF: the comment on its own line accepts the key on the next line, in a file and in a heredoc")
  func crlf() {
    let policy =
      "<policies>\r\n  <inbound>\r\n    <base />\r\n    \(Self.comment)\r\n\r\n    \(Self.key("k1"))\r\n    \(Self.key("k2"))\r\n  </inbound>\r\n</policies>\r\n"
    for (path, source) in [
      ("policy.xml", policy),
      (
        "main.tf",
        "resource \"azurerm_api_management_api_policy\" \"a\" {\r\n  xml_content = <<-XML\r\n\(policy)XML\r\n}\r\n"
      ),
    ] {
      let result = Self.check(source, path: path)
      #expect(result.accepted == ["k1"], "\(path): \(result)")
      #expect(result.kept == ["k2"], "\(path): \(result)")
      #expect(result.other.isEmpty, "\(path): \(result.other)")
    }
  }

  @Test("a suppression that nothing follows cited a line past the end of the file")
  func nothingFollows() {
    let source = "<policies><inbound><base />\(Self.key("k1"))</inbound></policies>\n\(Self.comment)\n"
    let result = Self.check(source, path: "policy.xml")
    #expect(result.kept == ["k1"])
    let unused = result.other.filter { $0.diagnostic == .unusedSuppression }
    #expect(unused.map(\.message) == ["this suppression of key-injection precedes nothing it could accept; remove it"])
    #expect(unused.first?.line == 2)
  }
}
