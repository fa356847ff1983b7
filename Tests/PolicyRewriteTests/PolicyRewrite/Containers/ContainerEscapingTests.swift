import Testing

@testable import PolicyRewrite

/// What is written into a file is written in the file's own syntax (issue 22, item 17).
@Suite struct ContainerEscapingTests {
  static let injection =
    #"<policies><inbound><base /><set-header name="x-functions-key" exists-action="override"><value>{{k}}</value></set-header></inbound></policies>"#

  /// `--resource 'https://x/${apimName}'` written into a Bicep `'…'` string became a live
  /// interpolation of `apimName`.
  @Test func aResourceWithDollarBraceBecameABicepInterpolation() throws {
    let configuration = try makeConfiguration(default: "https://x/${apimName}")
    let source = bytes("var policy = '\(Self.injection)'\n")
    let result = PolicyRewriter(configuration: configuration).rewrite(source, path: "main.bicep")
    #expect(!result.hasErrors, "\(result.findings)")
    let output = string(result.output)
    #expect(output.contains(#"resource="https://x/\${apimName}""#), "\(output)")
    // Read back, the string holds the resource as text, and a second rewrite changes nothing.
    let scan = BicepContainer().scan(result.output, configuration: configuration)
    #expect(scan.policies.count == 1)
    #expect(scan.policies.first.map { string($0.decoded).contains(#"resource="https://x/${apimName}""#) } == true)
    #expect(!PolicyRewriter(configuration: configuration).rewrite(result.output, path: "main.bicep").changed)
  }

  /// A file whose lines end with CR alone got the MI element on the `<base />` line and a
  /// stray `\r    \r` where the header was.
  @Test func aCROnlyFileWasReadAsOneLine() throws {
    let input = [
      "<policies>", "    <inbound>", "        <base />",
      "        <set-header name=\"x-functions-key\" exists-action=\"override\">",
      "            <value>{{orders-func-key}}</value>", "        </set-header>", "    </inbound>", "</policies>", "",
    ].joined(separator: "\r")
    let expected = [
      "<policies>", "    <inbound>", "        <base />",
      "        <authentication-managed-identity resource=\"\(CLI.resource)\" />", "    </inbound>", "</policies>",
      "",
    ].joined(separator: "\r")
    let result = try rewrite(bytes(input))
    #expect(!result.hasErrors, "\(result.findings)")
    expectBytes(result.output, bytes(expected))
  }

  /// A map value written with `\"` was not found by its raw bytes: the error pointed at 1:1.
  @Test func aMapValueWithAnEscapedQuoteWasReportedAtTheStartOfTheFile() {
    let json = bytes("{\n  \"byNamedValue\": {\n    \"k\": \"https://x/\\\"y\"\n  }\n}\n")
    #expect {
      _ = try ResourceMap(json: json)
    } throws: { error in
      guard let error = error as? ResourceMap.InvalidMap else { return false }
      return error.line == 3 && error.column == 10
    }
  }
}
