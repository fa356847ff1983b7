import PolicyDOM
import PolicyRewriteCLI
import Testing

@testable import PolicyRewrite

/// The source-format catalog: one description per format, the walker's default globs claimed by
/// the format that lists them, the classification of a table of paths, and the one escape
/// decoder that Bicep and JSON strings share.
@Suite struct SourceFormatCatalogTests {
  @Test func everyFormatHasExactlyOneDescription() {
    let formats = SourceFormatCatalog.all.map(\.format)
    #expect(Set(formats) == Set(SourceFormat.allCases))
    #expect(formats.count == SourceFormat.allCases.count, "a format is described twice")
    for format in SourceFormat.allCases {
      #expect(SourceFormatCatalog.description(of: format).format == format)
    }
  }

  @Test func everyDefaultGlobIsClaimedByTheFormatThatListsIt() {
    #expect(Set(FileWalker.defaultPatterns) == Set(SourceFormatCatalog.defaultGlobs))
    for description in SourceFormatCatalog.all {
      for glob in description.defaultGlobs {
        // A name the glob selects, in two cases: the name decides the format, whatever its case.
        let name = glob.replacingOccurrences(of: "*", with: "orders")
        #expect(SourceFormat(path: "apis/" + name) == description.format, "\(glob)")
        #expect(SourceFormat(path: name.uppercased()) == description.format, "\(glob)")
        let claimedBy = SourceFormatCatalog.all.filter { other in
          other.defaultGlobs.contains { Glob($0).matches(name) }
        }
        #expect(claimedBy.map(\.format) == [description.format], "\(glob) is listed by more than one format")
      }
    }
  }

  @Test func everyNamePatternIsClaimedByItsOwnFormat() {
    for description in SourceFormatCatalog.all {
      for pattern in description.names {
        let name = pattern.prefix + (pattern.match == .suffix ? "x" : "") + pattern.text
        let kind = SourceKind(path: pattern.match == .path ? name : "folder/" + name)
        #expect(kind.format == description.format, "\(name)")
        #expect(kind.masksTemplates == pattern.masksTemplates, "\(name)")
        #expect(kind.role == pattern.role, "\(name)")
      }
    }
  }

  @Test(
    arguments: [
      ("apis/orders/policy.xml", SourceFormat.policy, false, SourceKind.Role.apiopsPolicy),
      ("apis/orders/apiPolicy.XML", .policy, false, .apiopsPolicy),
      ("snippets/cors.policy.xml", .policy, false, nil),
      ("templates/orders.xml.tpl", .policy, true, nil),
      ("templates/orders.TFTPL", .policy, true, nil),
      ("policies/orders.rawxml", .policy, false, nil),
      ("Views/policy.cshtml", .policy, false, nil),
      ("<stdin>", .policy, false, nil),
      ("infra/Main.TF", .terraform, true, nil),
      ("infra/prod.tfvars", .terraform, true, nil),
      ("infra/main.bicep", .bicep, true, nil),
      ("infra/main.bicepparam", .bicep, true, nil),
      ("infra/azuredeploy.json", .templateJSON, false, nil),
      ("cdktf.out/main.tf.json", .templateJSON, true, nil),
      ("namedValues/key/namedValueInformation.json", .templateJSON, false, .namedValueInformation),
      ("backends/orders/backendInformation.json", .backendJSON, false, .backendInformation),
      ("backends/orders/old-backendinformation.json", .backendJSON, false, nil),
      ("configuration.prod.yaml", .apiopsConfiguration, false, nil),
      ("env/Configuration.dev.YML", .apiopsConfiguration, false, nil),
      ("env/settings.yaml", .other, false, nil),
      ("scripts/deploy.ps1", .other, false, nil),
      ("infra.tf/README", .other, false, nil),
    ] as [(String, SourceFormat, Bool, SourceKind.Role?)])
  func classification(path: String, format: SourceFormat, masksTemplates: Bool, role: SourceKind.Role?) {
    let kind = SourceKind(path: path)
    #expect(kind.format == format)
    #expect(kind.masksTemplates == masksTemplates)
    #expect(kind.role == role)
  }

  /// Every format the rewriter reads is named in the message on a file it does not read, in the
  /// catalog's order (the exact text is held by `BicepTests`).
  @Test func unsupportedTypeMessageNamesTheFormats() {
    let message = PolicyRewriter.unsupportedTypeMessage(name: "deploy.ps1")
    let named = SourceFormatCatalog.all.compactMap(\.shownAs)
    #expect(message.contains("deploy.ps1 is not " + named.joined(separator: ", ") + ";"))
    #expect(named.first == "a policy (.xml)")
  }

  /// The declaration scanner reads by kind, in any case, as the rewriter does: a `Main.TF` file
  /// declared nothing while the rewriter read it as Terraform.
  @Test func declarationsOfAnUpperCaseTerraformFileAreRead() {
    let source = Array(
      """
      resource "azurerm_api_management_named_value" "orders" {
        name         = "orders-func-key"
        display_name = "orders-func-key"
        secret       = true
      }

      """.utf8)
    #expect(DeclarationScanner.declarations(in: source, path: "infra/Main.TF").map(\.name) == ["orders-func-key"])
    #expect(DeclarationScanner.mayDeclare(source, path: "infra/Main.TF"))
  }

  /// Bicep `'…'` strings and JSON strings decode their common escapes with one decoder; each
  /// keeps its own Unicode form and JSON its `\b` and `\f`.
  @Test func bicepAndJSONShareOneEscapeDecoder() throws {
    let bicep = Array(#"'a\n\t\'\u{3c}b\bc\${x}${y}'"#.utf8)
    let literal = try #require(BicepLexer.strings(in: bicep).first)
    #expect(String(decoding: BicepLexer.decode(bicep, literal).decoded, as: UTF8.self) == "a\n\t'<bbc${x}${y}")
    let json = Array(#""a\n\t\"\u003cb\bc\ud83d\ude00\u{3c}""#.utf8)
    let token = try #require(JSONStringScanner.strings(in: json).first)
    let decoded = JSONStringScanner.decode(json, token.content)
    #expect(String(decoding: decoded.decoded, as: UTF8.self) == "a\n\t\"<b\u{08}c😀u{3c}")
    #expect(decoded.escaping == .json(unicodeMarkup: true))
  }
}
