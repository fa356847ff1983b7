import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

@Suite struct GlobTests {
  @Test(arguments: [
    // `**` spans any number of segments, zero included.
    ("apis/**", "apis/orders/policy.xml", true),
    ("apis/**", "apis/orders/operations/get-order/policy.xml", true),
    ("**/policy.xml", "policy.xml", true),
    ("**/policy.xml", "apis/orders/policy.xml", true),
    ("apis/**/policy.xml", "apis/policy.xml", true),
    ("apis/**/policy.xml", "apis/orders/operations/get/policy.xml", true),
    ("apis/**", "products/gold/policy.xml", false),
    // `*` stays within one segment.
    ("apis/*/policy.xml", "apis/orders/policy.xml", true),
    ("apis/*/policy.xml", "apis/orders/operations/get/policy.xml", false),
    ("apis/*", "apis/orders/policy.xml", false),
    ("apis/order*/policy.xml", "apis/orders-v2/policy.xml", true),
    ("apis/*-v2/policy.xml", "apis/orders-v2/policy.xml", true),
    ("apis/*-v2/policy.xml", "apis/orders-v3/policy.xml", false),
    // `?` is one character.
    ("apis/order?/policy.xml", "apis/orders/policy.xml", true),
    ("apis/order?/policy.xml", "apis/order/policy.xml", false),
    ("apis/order?/policy.xml", "apis/orderss/policy.xml", false),
    // `[...]`.
    ("apis/orders-v[12]/policy.xml", "apis/orders-v2/policy.xml", true),
    ("apis/orders-v[12]/policy.xml", "apis/orders-v3/policy.xml", false),
    ("apis/orders-v[!12]/policy.xml", "apis/orders-v3/policy.xml", true),
    // Suffix matching: an unanchored pattern matches at any segment boundary.
    ("apis/orders/**", "samples/apis/orders/policy.xml", true),
    ("apis/orders/**", "repo/artifacts/apis/orders/policy.xml", true),
    ("orders/policy.xml", "apis/orders/policy.xml", true),
    ("rders/policy.xml", "apis/orders/policy.xml", false),
    ("apis/orders/**", "apis/orders-v2/policy.xml", false),
    // Anchored with a leading `/`.
    ("/apis/orders/**", "apis/orders/policy.xml", true),
    ("/apis/orders/**", "samples/apis/orders/policy.xml", false),
    // `./` and APIOps names with spaces and `;`.
    ("apis/orders/**", "./apis/orders/policy.xml", true),
    ("policy fragments/**", "policy fragments/auth-headers/policy.xml", true),
    ("apis/inventory;rev=*/**", "apis/inventory;rev=2/policy.xml", true),
    ("apis/inventory/**", "apis/inventory;rev=2/policy.xml", false),
  ])
  func matches(pattern: String, path: String, expected: Bool) {
    #expect(Glob(pattern).matches(path) == expected, "\(pattern) vs \(path)")
  }

  @Test func specificityCountsLiteralCharacters() {
    #expect(Glob("apis/orders/**").specificity > Glob("apis/**").specificity)
    #expect(Glob("apis/*/policy.xml").specificity > Glob("apis/**").specificity)
    #expect(Glob("**").specificity == 0)
    #expect(Glob("a?c").specificity == 2)
    #expect(Glob("apis/orders/**").description == "apis/orders/**")
  }
}

@Suite struct ResourceTests {
  @Test(arguments: [
    "11111111-2222-3333-4444-555555555555",
    "ABCDEF01-abcd-EF01-2345-6789abcdef01",
    "api://orders-func",
    "api://11111111-2222-3333-4444-555555555555",
    "https://orders.contoso.com",
    "https://orders.contoso.com/app?x=1&y=2",
    "{{orders-audience}}",
    "{{orders.audience_v2}}",
    "${orders_audience}",
    "${azuread_application.orders.client_id}",
    "${var.audiences[0]}",
  ])
  func accepted(text: String) throws {
    let resource = try Resource(validating: text)
    #expect(resource.value == text)
    #expect(resource.description == text)
  }

  @Test(arguments: [
    "",
    " ",
    "orders",
    "11111111-2222-3333-4444-55555555555",
    "11111111-2222-3333-4444-5555555555555",
    "11111111222233334444555555555555",
    "{11111111-2222-3333-4444-555555555555}",
    "1111111g-2222-3333-4444-555555555555",
    " 11111111-2222-3333-4444-555555555555",
    "http://orders.contoso.com",
    "api://",
    "https://",
    "api://orders func",
    "api://orders\"func",
    // Written into an attribute: a quote in a placeholder could end it (use a local value).
    "${lookup(var.audiences, \"orders\")}",
    "https://orders<script>",
    "api://orders\n",
    "{{}}",
    "{{orders audience}}",
    "{{orders-audience}",
    "{{a}}{{b}}",
    "${",
    "${}x",
    "${orders_audience",
    "${a}${b}",
    "${a\nb}",
    "$orders",
    "@(context.Variables[\"aud\"])",
  ])
  func refused(text: String) {
    #expect(throws: Resource.InvalidResource.self) { try Resource(validating: text) }
    do {
      _ = try Resource(validating: text)
    } catch {
      #expect(error.text == text)
      #expect(error.description.contains("invalid resource"))
      #expect(error.description.contains("GUID"))
    }
  }
}

@Suite struct ResourceMapTests {
  static let json = """
    {
      "default": "0f0f0f0f-1e1e-2d2d-3c3c-4b4b4b4b4b4b",
      "byNamedValue": {
        "orders-func-key": "11111111-2222-3333-4444-555555555555",
        "payments-func-key": "api://payments"
      },
      "byPath": {
        "apis/**": "api://all-apis",
        "apis/orders/**": "api://orders-path",
        "policy fragments/**": "{{fragment-audience}}"
      }
    }
    """

  @Test func parsesAllThreeParts() throws {
    let map = try ResourceMap(json: bytes(Self.json))
    #expect(map.defaultResource?.value == "0f0f0f0f-1e1e-2d2d-3c3c-4b4b4b4b4b4b")
    #expect(
      map.byNamedValue.mapValues(\.value) == [
        "orders-func-key": "11111111-2222-3333-4444-555555555555", "payments-func-key": "api://payments",
      ])
    #expect(map.byPath.count == 3)
    // Most specific first.
    #expect(map.byPath.first?.glob.pattern == "policy fragments/**")
    #expect(!map.isEmpty)
  }

  @Test func resolvesNamedValueThenMostSpecificPathThenDefault() throws {
    let map = try ResourceMap(json: bytes(Self.json))
    #expect(
      map.resource(namedValue: "orders-func-key", path: "products/x/policy.xml")?.value
        == "11111111-2222-3333-4444-555555555555")
    #expect(
      map.resource(namedValue: "orders-func-key", path: "apis/orders/policy.xml")?.value
        == "11111111-2222-3333-4444-555555555555")
    #expect(map.resource(namedValue: "other", path: "apis/orders/policy.xml")?.value == "api://orders-path")
    #expect(map.resource(namedValue: nil, path: "apis/orders/policy.xml")?.value == "api://orders-path")
    #expect(map.resource(namedValue: nil, path: "apis/billing/policy.xml")?.value == "api://all-apis")
    #expect(map.resource(namedValue: nil, path: "policy fragments/f/policy.xml")?.value == "{{fragment-audience}}")
    #expect(
      map.resource(namedValue: "other", path: "products/gold/policy.xml")?.value
        == "0f0f0f0f-1e1e-2d2d-3c3c-4b4b4b4b4b4b")
  }

  @Test func everyPartIsOptional() throws {
    let empty = try ResourceMap(json: bytes("{}"))
    #expect(empty.isEmpty)
    #expect(empty.resource(namedValue: "k", path: "apis/a/policy.xml") == nil)
    let onlyDefault = try ResourceMap(json: bytes(#"{"default": "api://x"}"#))
    #expect(onlyDefault.resource(namedValue: "k", path: "p")?.value == "api://x")
    #expect(onlyDefault == ResourceMap(defaultResource: try Resource(validating: "api://x")))
  }

  @Test(arguments: [
    "",
    "not json",
    "[]",
    #"{"default": 5}"#,
    #"{"byNamedValue": ["a"]}"#,
    #"{"byNamedValue": {"k": 1}}"#,
    #"{"default": "api://x""#,
  ])
  func malformedJSONIsRefused(json: String) {
    #expect(throws: ResourceMap.InvalidMap.self) { try ResourceMap(json: bytes(json)) }
  }

  @Test(arguments: [
    #"{"default": "orders"}"#,
    #"{"byNamedValue": {"k": "http://insecure"}}"#,
    #"{"byPath": {"apis/**": "{{bad name}}"}}"#,
  ])
  func invalidResourceIsRefusedWithItsText(json: String) {
    do {
      _ = try ResourceMap(json: bytes(json))
      Issue.record("accepted \(json)")
    } catch {
      #expect(error.description.contains("invalid resource"))
      #expect(error.description.hasPrefix("resource map"))
    }
  }

  @Test(arguments: [
    #"{"defualt": "api://x"}"#,
    #"{"default": "api://x", "byNamedvalue": {"k": "api://y"}}"#,
    #"{"default": "api://x", "bypath": {"apis/**": "api://y"}}"#,
  ])
  func unknownKeysAreRefused(json: String) {
    // A misspelt key would otherwise silently send every key to the default resource.
    #expect(throws: ResourceMap.InvalidMap.self) { try ResourceMap(json: bytes(json)) }
  }
}
