import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// template-directive: key injections inside Terraform template directives (`%{ if }`, `%{ for }`)
/// are replaced in place or reviewed (`rewrite-spec.md` §2c, item 8).
@Suite struct TemplateDirectiveRuleTests {
  /// A Terraform policy whose key injection stands in an `%{ if }` directive after a reader.
  static let directivePolicy = MarkedPolicy(
    """
    resource "azurerm_api_management_api_policy" "orders" {
      api_name            = "orders"
      api_management_name = "apim"
      resource_group_name = "rg"
      xml_content         = <<XML
    /*policies*/<policies>
      <inbound>
        <base />
        /*reader*/<validate-jwt header-name="Authorization" failed-validation-httpcode="401">
          <openid-config url="https://login.example/.well-known/openid-configuration" />
        </validate-jwt>
    %{ if var.use_key }
        /*key*/<set-header name="x-functions-key" exists-action="override">
          <value>{{orders-func-key}}</value>
        </set-header>
    %{ endif }
      </inbound>
    </policies>
    XML
    }

    """)

  static var directive: String { directivePolicy.text }

  @Test func anInjectionInsideAnIfDirectiveIsReplacedInPlaceSoTheTokenStaysConditional() throws {
    let expected = Self.directive.replacingOccurrences(
      of: """
            <set-header name="x-functions-key" exists-action="override">
              <value>{{orders-func-key}}</value>
            </set-header>
        """,
      with: "    \(AuthorizationRoundTwoTests.mi)")
    #expect(expected != Self.directive)
    let result = try expectRewrite(Self.directive, expected, path: "infra/orders.tf")
    let note = try #require(result.findings.first { $0.rule == .authorizationTokenReplaced })
    let (reader, key) = (Self.directivePolicy["reader"], Self.directivePolicy["key"])
    #expect(note.place == key, "\(note)")
    #expect(
      note.message.contains("line \(reader.line)") && note.message.contains("line \(key.line)"), "\(note.message)")
    // Not the lines within the policy text.
    let first = Self.directivePolicy["policies"].line
    #expect(
      !note.message.contains("line \(reader.line - first + 1) ")
        && !note.message.contains("line \(key.line - first + 1)"),
      "\(note.message)")
  }

  @Test func aDirectiveInjectionWithAnotherOutsideTheDirectiveIsReview() throws {
    let input = Self.directive.replacingOccurrences(
      of: "    <base />\n",
      with: "    <base />\n    <set-header name=\"x-functions-key\"><value>{{orders-func-key}}</value></set-header>\n")
    let findings = try AuthorizationRoundTwoTests().expectUnchanged(input, path: "infra/orders.tf")
    #expect(rules(findings) == [.templateDirective, .templateDirective], "\(findings)")
  }

  @Test func directiveRegionsTellBranchesApartAndSkipEscapes() {
    let text = "A %{ if x }B%{ else }C%{ endif } D %%{ if y } E %{~ for i in l ~}F%{ endfor }"
    let directives = TemplateDirectives(bytes(text))
    #expect(directives.directives.count == 5)
    func region(_ marker: Character) -> Int {
      directives.region(at: text.utf8.count - text.drop { $0 != marker }.utf8.count)
    }
    #expect(region("A") == 0 && region("D") == 0 && region("E") == 0)
    #expect(region("B") != 0 && region("C") != 0 && region("F") != 0)
    #expect(Set([region("B"), region("C"), region("F")]).count == 3)
  }

  @Test func anInjectionInsideAForDirectiveIsReplacedInPlace() throws {
    let input = AuthorizationRoundTwoTests.policy(
      """
      %{ for h in var.hosts ~}
      <set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>
      %{ endfor ~}
      """)
    let expected = input.replacingOccurrences(
      of: #"<set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>"#,
      with: AuthorizationRoundTwoTests.mi)
    try expectRewrite(input, expected, path: "apis/test/policy.xml.tftpl")
  }
}
