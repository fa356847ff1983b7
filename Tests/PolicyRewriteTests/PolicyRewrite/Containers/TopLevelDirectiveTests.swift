import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// Terraform template directives outside the root element: `%{ if … }` on the line before
/// `<policies>`, and alternative documents in `%{ if }…%{ else }…%{ endif }`. They were read
/// as text outside the root ("Start tag expected"), so check never saw the key and migrate
/// could not run.
@Suite struct TopLevelDirectiveTests {
  static let rewriter = PolicyRewriter(configuration: try! makeConfiguration(default: "api://fn"))

  static func key(_ name: String) -> String {
    #"    <set-header name="x-functions-key" exists-action="override"><value>{{\#(name)}}</value></set-header>"#
  }

  static func policy(_ lines: [String]) -> String {
    (["<policies>", "  <inbound>", "    <base />"] + lines + ["  </inbound>", "</policies>"]).joined(separator: "\n")
  }

  static func heredoc(_ body: String) -> String {
    "resource \"azurerm_api_management_api_policy\" \"a\" {\n  api_name    = \"a\"\n  xml_content = <<XML\n\(body)\nXML\n}\n"
  }

  static let managedIdentity = #"    <authentication-managed-identity resource="api://fn" />"#

  @Test("a %{ if } before the root and its %{ endif } after it: the key was a parse error, now reported and rewritten")
  func directiveAroundTheRoot() {
    let source = Self.heredoc("%{ if var.x }\n\(Self.policy([Self.key("k1")]))\n%{ endif }")
    let checked = Self.rewriter.check(Array(source.utf8), path: "main.tf")
    #expect(checked.findings.map(\.rule) == [.keyInjection], "\(checked.findings)")
    #expect(checked.findings.first?.line == 8)
    let result = Self.rewriter.rewrite(Array(source.utf8), path: "main.tf")
    #expect(!result.hasErrors, "\(result.findings)")
    let expected = Self.heredoc("%{ if var.x }\n\(Self.policy([Self.managedIdentity]))\n%{ endif }")
    #expect(String(decoding: result.output, as: UTF8.self) == expected)
    // The output is read again the same way and needs nothing more.
    let again = Self.rewriter.rewrite(result.output, path: "main.tf")
    #expect(!again.changed && !again.hasErrors, "\(again.findings)")
  }

  @Test(
    "two alternative documents in %{ if }…%{ else }…%{ endif }: each is the policy Terraform renders, rewritten alone")
  func alternativeDocuments() {
    let secure = Self.policy([
      #"    <validate-jwt header-name="Authorization" failed-validation-httpcode="401"><openid-config url="https://x/" /></validate-jwt>"#
    ])
    let body = "%{ if var.secure ~}\n\(secure)\n%{ else ~}\n\(Self.policy([Self.key("k2")]))\n%{ endif ~}"
    let source = Self.heredoc(body)
    let checked = Self.rewriter.check(Array(source.utf8), path: "main.tf")
    #expect(checked.findings.map(\.rule) == [.keyInjection], "\(checked.findings)")
    #expect(checked.findings.first?.line == 15)
    let result = Self.rewriter.rewrite(Array(source.utf8), path: "main.tf")
    #expect(!result.hasErrors, "\(result.findings)")
    // The validate-jwt of the other alternative never runs with this one: no review item.
    #expect(result.reviewCount == 0, "\(result.findings)")
    let expected = Self.heredoc(
      "%{ if var.secure ~}\n\(secure)\n%{ else ~}\n\(Self.policy([Self.managedIdentity]))\n%{ endif ~}")
    #expect(String(decoding: result.output, as: UTF8.self) == expected)
    let again = Self.rewriter.rewrite(result.output, path: "main.tf")
    #expect(!again.changed && !again.hasErrors, "\(again.findings)")
  }

  @Test("an alternative is analysed as its own pipeline: a reader after the key in it still holds the key for review")
  func eachAlternativeKeepsItsOwnAuthorizationRules() {
    let reader =
      #"    <choose><when condition="@(true)">\#(Self.key("k1").trimmingPrefix(while: { $0 == " " }))</when></choose>"#
      + "\n"
      + #"    <validate-jwt header-name="Authorization"><openid-config url="https://x/" /></validate-jwt>"#
    let body = "%{ if var.a }\n\(Self.policy([reader]))\n%{ else }\n\(Self.policy([Self.key("k2")]))\n%{ endif }"
    let result = Self.rewriter.rewrite(Array(Self.heredoc(body).utf8), path: "main.tf")
    #expect(!result.hasErrors, "\(result.findings)")
    #expect(result.reviewCount == 1, "\(result.findings)")
    let output = String(decoding: result.output, as: UTF8.self)
    #expect(output.contains("{{k1}}") && !output.contains("{{k2}}"), "\(output)")
  }

  @Test("a Terraform quoted string and a .tftpl template with a directive before the root element")
  func quotedStringAndTemplateFile() {
    let quoted =
      "resource \"azurerm_api_management_api_policy\" \"a\" {\n  xml_content = \"%{ if var.x }<policies><inbound><base /><set-header name=\\\"x-functions-key\\\"><value>{{k1}}</value></set-header></inbound></policies>%{ endif }\"\n}\n"
    let result = Self.rewriter.rewrite(Array(quoted.utf8), path: "main.tf")
    #expect(!result.hasErrors && result.changed, "\(result.findings)")
    #expect(
      String(decoding: result.output, as: UTF8.self).contains(
        #"= "%{ if var.x }<policies><inbound><base /><authentication-managed-identity resource=\"api://fn\" /></inbound></policies>%{ endif }""#
      ), "\(String(decoding: result.output, as: UTF8.self))")
    let template = "%{ if enabled ~}\n\(Self.policy([Self.key("k1")]))\n%{ endif ~}\n"
    let checked = Self.rewriter.check(Array(template.utf8), path: "policies/api.xml.tftpl")
    #expect(checked.findings.map(\.rule) == [.keyInjection], "\(checked.findings)")
  }

  @Test("a directive after the root that holds only a comment: read as a second document, 'Start tag expected'")
  func directiveHoldingACommentAfterTheRoot() {
    let source = Self.heredoc("\(Self.policy([Self.key("k1")]))\n%{ if var.x }<!-- x -->%{ endif }")
    let result = Self.rewriter.rewrite(Array(source.utf8), path: "main.tf")
    #expect(!result.hasErrors && result.changed, "\(result.findings)")
    let expected = Self.heredoc("\(Self.policy([Self.managedIdentity]))\n%{ if var.x }<!-- x -->%{ endif }")
    #expect(String(decoding: result.output, as: UTF8.self) == expected)
  }

  @Test("an escaped %%{ outside the root is text Terraform writes out: still a parse error")
  func escapedDirectiveIsText() {
    let source = Self.heredoc("%%{ if var.x }\n\(Self.policy([Self.key("k1")]))")
    let checked = Self.rewriter.check(Array(source.utf8), path: "main.tf")
    #expect(checked.findings.map(\.diagnostic).contains(.parseError), "\(checked.findings)")
  }

  @Test("directives inside the root are not taken for directives outside it")
  func directivesInsideTheRootStayInside() {
    let masked = Array("<policies>%{ if a }<inbound a=\"%{ x }\"/>%{ endif }</policies>".utf8)
    #expect(TopLevelDirectives.ranges(in: masked).isEmpty)
    let outside = Array("%{ if a }<policies/>%{ else }<!-- %{ no } --><policies></policies>%{ endif }".utf8)
    let texts = TopLevelDirectives.ranges(in: outside).map { String(decoding: outside[$0], as: UTF8.self) }
    #expect(texts == ["%{ if a }", "%{ else }", "%{ endif }"])
  }
}
