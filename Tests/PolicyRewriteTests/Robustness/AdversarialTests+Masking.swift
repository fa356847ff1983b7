import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// Template masking cannot hide elements from `check`.
extension AdversarialTests {
  /// A key injection between two elements whose text or attributes open `${` and close `}`.
  static func hiddenBetween(_ opening: String, _ closing: String) -> String {
    """
    <policies>
        <inbound>
            <base />
            \(opening)
            <set-header name="x-functions-key" exists-action="override">
                <value>{{hidden-key}}</value>
            </set-header>
            \(closing)
        </inbound>
    </policies>

    """
  }

  static let templateCases: [(String, String)] = [
    ("<set-body>Price in ${</set-body>", "<set-body>}</set-body>"),
    ("<set-variable name=\"a\" value=\"${\" />", "<set-variable name=\"b\" value=\"}\" />"),
    ("<set-body>%{</set-body>", "<set-body>}</set-body>"),
    // Not well-formed as written (a bare `&`): only the masker's own rule protects it.
    ("<set-body>a & b ${</set-body>", "<set-body>}</set-body>"),
  ]

  @Test(
    "a ${ in one element and a } in another hide nothing from check",
    arguments: ["policy.xml", "policy.xml.tftpl", "policy.xml.tpl"])
  func keyBetweenTemplateDelimitersIsFound(path: String) throws {
    for (opening, closing) in Self.templateCases {
      let source = bytes(Self.hiddenBetween(opening, closing))
      let findings = try check(source, path: path)
      let found = findings.contains { $0.rule == .keyInjection || $0.diagnostic == .parseError }
      #expect(found, "\(path), \(opening): the key was hidden: \(findings)")
      let result = try rewrite(source, path: path)
      #expect(
        result.hasErrors || !string(result.output).contains("hidden-key"), "\(path), \(opening): migrate left the key")
    }
  }

  @Test("the same delimiters inside a Terraform heredoc hide nothing either")
  func keyBetweenTemplateDelimitersInTerraform() throws {
    for (opening, closing) in Self.templateCases {
      let source = bytes(
        "resource \"azurerm_api_management_api_policy\" \"p\" {\n  xml_content = <<XML\n"
          + Self.hiddenBetween(opening, closing)
          + "XML\n}\n")
      let findings = try check(source, path: "main.tf")
      #expect(
        findings.contains { $0.rule == .keyInjection || $0.diagnostic == .parseError },
        "\(opening): hidden: \(findings)")
    }
  }

  @Test("plain policy files do not mask ${; templates still do")
  func maskingFollowsTheFormat() throws {
    let source = bytes(#"<policies><inbound><set-variable name="a" value="${jsonencode("x")}" /></inbound></policies>"#)
    #expect(try check(source, path: "policy.xml.tftpl").allSatisfy { $0.diagnostic != .parseError })
    #expect(try check(source, path: "policy.xml").contains { $0.diagnostic == .parseError })
    #expect(throws: Never.self) { try PolicyDocument.parse(source) }
    #expect(throws: ParseError.self) { try PolicyDocument.parse(source, options: .init(masksTemplates: false)) }
  }

  @Test("masking hides no element that the file as written has", arguments: AdversarialTests.templateCases.map { $0.0 })
  func fuzzInvariantHolds(opening: String) {
    let source = bytes(Self.hiddenBetween(opening, "<set-body>}</set-body>"))
    #expect(FuzzInvariants.hiddenElementViolations(source) == [])
  }
}
