import Foundation
import Testing

/// End-to-end: Terraform directives outside the root that choose between two documents
/// (`%{ if }<policies>…%{ else }<policies>…%{ endif }`). Terraform renders one and APIM runs it
/// whole, so each is a policy of its own: in a template file (`.tftpl`, `.tpl`) as in a heredoc,
/// and in the policy graph, where either is a possible pipeline for the checks across scopes.
@Suite struct TemplateAlternativesCommandTests {
  static func keyed(_ name: String, reader: String = "") -> String {
    """
    <policies>
        <inbound>
            <base />\(reader.isEmpty ? "" : "\n        " + reader)
            <set-header name="x-functions-key" exists-action="override"><value>{{\(name)}}</value></set-header>
        </inbound>
    </policies>
    """
  }

  static func managedIdentity(reader: String = "") -> String {
    """
    <policies>
        <inbound>
            <base />\(reader.isEmpty ? "" : "\n        " + reader)
            <authentication-managed-identity resource="\(CLI.resource)" />
        </inbound>
    </policies>
    """
  }

  static func alternatives(_ first: String, _ second: String) -> String {
    "%{ if var.strict }\n\(first)\n%{ else }\n\(second)\n%{ endif }\n"
  }

  static let deleting = Policies.authorizationDeleter

  static let plain = """
    <policies>
        <inbound>
            <base />
        </inbound>
    </policies>
    """

  @Test("a .tftpl template with two alternative documents is rewritten like a heredoc, not a parse error")
  func templateFileAlternativesAreEachRewrittenInsteadOfFailingToParse() throws {
    let jwt = #"<validate-jwt header-name="Authorization" />"#
    let template = Self.alternatives(Self.keyed("k1", reader: jwt), Self.keyed("k2"))
    try withTemporaryTree(["policies/api.xml.tftpl": template]) { root in
      let checked = run(["check", "."], cwd: root)
      #expect(checked.status == 1, "stderr: \(checked.stderr)")
      let lines = findingLines(checked.stderr).filter { $0.hasSuffix("[key-injection]") }
      #expect(lines.count == 2, "stderr: \(checked.stderr)")
      #expect(lines.first?.hasPrefix("policies/api.xml.tftpl:6:") == true, "\(lines)")
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(
        root, "policies/api.xml.tftpl", Self.alternatives(Self.managedIdentity(reader: jwt), Self.managedIdentity()))
      let again = run(["migrate", "--resource", CLI.resource, "."], cwd: root)
      #expect(again.status == 0 && again.stderr.contains("0 would change"), "stderr: \(again.stderr)")
    }
  }

  @Test("negative: a reader after a nested key holds only its own alternative of a .tpl template")
  func templateFileAlternativeWithItsOwnReaderStaysInReview() throws {
    let nested = """
      <policies>
          <inbound>
              <base />
              <choose><when condition="@(true)"><set-header name="x-functions-key" exists-action="override"><value>{{k1}}</value></set-header></when></choose>
              <validate-jwt header-name="Authorization" />
          </inbound>
      </policies>
      """
    let template = Self.alternatives(nested, Self.keyed("k2"))
    try withTemporaryTree(["policy.xml.tpl": template]) { root in
      let result = run(["migrate", "--write", "--resource", CLI.resource, "."], cwd: root)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let held = findingLines(result.stderr).filter { $0.hasSuffix("[authorization-reader-after-managed-identity]") }
      #expect(held.count == 1 && held.first?.hasPrefix("policy.xml.tpl:5:") == true, "stderr: \(result.stderr)")
      expectFile(root, "policy.xml.tpl", Self.alternatives(nested, Self.managedIdentity()))
    }
  }

  @Test("graph: an API's key is held when one alternative of the operation's heredoc deletes Authorization")
  func apiKeyIsHeldSinceOneAlternativeOfTheOperationDeletesAPIMsToken() throws {
    let main = CrossScopeInlinePolicyCommandTests.terraform(
      api: Self.keyed("a-func-key"), operation: Self.alternatives(Self.deleting, Self.plain))
    try withTemporaryTree(["main.tf": main]) { root in
      let result = CrossScopeInlinePolicyCommandTests.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0, "stderr: \(result.stderr)")
      expectFile(root, "main.tf", main)
      #expect(result.held.count == 1, "stderr: \(result.stderr)")
      let effective = run(["effective", "--api", "a", "--operation", "op1", "."], cwd: root)
      let output = String(decoding: effective.stdout, as: UTF8.self)
      #expect(!output.contains("does not parse"), "\(output)")
      #expect(output.contains("is 2 alternative documents that Terraform directives choose between"), "\(output)")
    }
  }

  @Test("graph: both alternatives of an API heredoc, and of an API template file, are held by a deleting operation")
  func apiAlternativesAreHeldSinceTheOperationDeletesAPIMsToken() throws {
    let api = Self.alternatives(Self.keyed("k1"), Self.keyed("k2"))
    let main = CrossScopeInlinePolicyCommandTests.terraform(api: api, operation: Self.deleting)
    try withTemporaryTree(["main.tf": main]) { root in
      let result = CrossScopeInlinePolicyCommandTests.migrate(root, rule: "authorization-child-scope")
      expectFile(root, "main.tf", main)
      #expect(result.held.count == 2, "stderr: \(result.stderr)")
    }
    let declared = main.replacingOccurrences(
      of: "xml_content = <<XML\n\(api)\nXML", with: #"xml_content = templatefile("${path.module}/api.xml.tftpl", {})"#)
    #expect(declared != main)
    try withTemporaryTree(["main.tf": declared, "api.xml.tftpl": api]) { root in
      let result = CrossScopeInlinePolicyCommandTests.migrate(root, rule: "authorization-child-scope")
      expectFile(root, "api.xml.tftpl", api)
      #expect(result.held.count == 2, "stderr: \(result.stderr)")
    }
  }

  @Test("negative: no alternative of the operation's heredoc touches Authorization, so the API's key is rewritten")
  func apiKeyIsRewrittenWhenNoAlternativeTouchesAuthorization() throws {
    let main = CrossScopeInlinePolicyCommandTests.terraform(
      api: Self.keyed("a-func-key"), operation: Self.alternatives(Self.plain, Self.plain))
    try withTemporaryTree(["main.tf": main]) { root in
      let result = CrossScopeInlinePolicyCommandTests.migrate(root, rule: "authorization-child-scope")
      #expect(result.status == 0, "stderr: \(result.stderr)")
      #expect(result.held.isEmpty, "stderr: \(result.stderr)")
      let written = String(decoding: CLI.read(root, "main.tf") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(written)")
    }
  }
}
