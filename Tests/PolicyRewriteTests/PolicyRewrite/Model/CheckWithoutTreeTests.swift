import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// `check` without a tree for policies that no rule can report on (``CheckNeedles``): the
/// needles are a superset of what the rules report, and the well-formedness pass reports
/// exactly what the full parse and analysis report.
struct CheckWithoutTreeTests {
  /// The configurations the two paths are compared with: the default header, extra headers
  /// given with `--header`, and a header name that makes every `set-header` a needle.
  static func configurations() throws -> [RewriteConfiguration] {
    [
      try makeConfiguration(),
      try makeConfiguration(extraKeyHeaders: ["X-Api-Key", "Ocp-Apim-Subscription-Key"]),
      try makeConfiguration(extraKeyHeaders: ["x key"]),
    ]
  }

  /// `check` of `source` by both paths; records a difference and returns whether the file
  /// took the path without a tree.
  @discardableResult
  static func expectSamePaths(
    _ source: [UInt8], path: String, configuration: RewriteConfiguration,
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> Bool {
    let full = PolicyRewriter(configuration: configuration, checksWithoutTree: false)
    let expected = full.check(source, path: path)
    let actual = PolicyRewriter(configuration: configuration).check(source, path: path)
    #expect(actual.findings == expected.findings, "\(path): findings differ", sourceLocation: sourceLocation)
    #expect(actual.isPolicy == expected.isPolicy, "\(path): isPolicy differs", sourceLocation: sourceLocation)
    #expect(actual.reviewCount == expected.reviewCount, "\(path): review count differs", sourceLocation: sourceLocation)
    #expect(actual.output == source && expected.output == source, sourceLocation: sourceLocation)
    #expect(!actual.changed && actual.injections.isEmpty == expected.injections.isEmpty, sourceLocation: sourceLocation)
    // A rewrite (migrate and plan) takes the same path: the same result with and without it.
    let rewritten = full.rewrite(source, path: path)
    #expect(
      rewritten.injections.isEmpty || CheckNeedles(configuration: configuration).mayInject(source),
      "\(path): the rewrite finds injections but the injection needles say there are none",
      sourceLocation: sourceLocation)
    let fast = PolicyRewriter(configuration: configuration).rewrite(source, path: path)
    #expect(fast.findings == rewritten.findings, "\(path): rewrite findings differ", sourceLocation: sourceLocation)
    #expect(
      fast.output == rewritten.output && fast.changed == rewritten.changed && fast.isPolicy == rewritten.isPolicy
        && fast.reviewCount == rewritten.reviewCount && fast.injections == rewritten.injections
        && fast.removedKeyNamedValues == rewritten.removedKeyNamedValues,
      "\(path): rewrite results differ", sourceLocation: sourceLocation)
    let reports = expected.findings.contains { $0.diagnostic != .parseError }
    if reports, SourceFormat(path: path) == .policy {
      #expect(
        CheckNeedles(configuration: configuration).mayReport(source),
        "\(path): the rules report \(expected.findings.map(\.rule)) but the needles say nothing can be reported",
        sourceLocation: sourceLocation)
    }
    return !CheckNeedles(configuration: configuration).mayReport(source)
  }

  @Test(.enabled(if: Corpus.exists, Comment(rawValue: Corpus.skipMessage)), .slow, .tags(.slow))
  func corpusFilesGetTheSameFindingsFromBothPaths() throws {
    let entries = try Corpus.manifest()
    for configuration in try Self.configurations() {
      var withoutTree = 0
      var reported = 0
      for entry in entries {
        let source = try Corpus.bytes(entry.path)
        if Self.expectSamePaths(source, path: entry.path, configuration: configuration), Corpus.isPolicyFile(entry.path)
        {
          withoutTree += 1
        }
        if !PolicyRewriter(configuration: configuration).check(source, path: entry.path).findings.isEmpty {
          reported += 1
        }
      }
      // Both paths are exercised: many files are only checked for well-formedness, many reported on.
      #expect(withoutTree > 100, "only \(withoutTree) corpus policies were checked without a tree")
      #expect(reported > 100)
    }
  }

  @Test(.enabled(if: IaCCorpus.exists, Comment(rawValue: IaCCorpus.skipMessage)), .slow, .tags(.slow))
  func bicepAndARMCorpusFilesGetTheSameFindingsFromBothPaths() throws {
    for configuration in try Self.configurations() {
      for entry in try IaCCorpus.manifest() {
        Self.expectSamePaths(try IaCCorpus.bytes(entry.path), path: entry.path, configuration: configuration)
      }
    }
  }

  /// Policies that a rule reports on, each written so that a plain byte search for its header
  /// name or value would miss it.
  static let reported: [(String, [String])] = [
    (
      "character reference in a key header name",
      ["<set-header name=\"x-functions-&#107;ey\" exists-action=\"override\">"]
    ),
    ("Kelvin sign in a key header name", ["<set-header name=\"x-functions-\u{212A}ey\" exists-action=\"override\">"]),
    ("named value as header name", ["<set-header name=\" {{header}} \" exists-action=\"override\">"]),
    ("expression as header name", ["<set-header name=\"@(&quot;x&quot;)\" exists-action=\"override\">"]),
    ("header name in capitals, single quotes", ["<set-header name = 'X-FUNCTIONS-KEY' exists-action='override'>"]),
    ("extra header", ["<set-header name=\"x-api-key\" exists-action=\"override\">"]),
  ]

  static func policy(header: String) -> String {
    "<policies>\n  <inbound>\n    <base />\n    \(header)\n      <value>{{fn-key}}</value>\n    </set-header>\n  </inbound>\n</policies>\n"
  }

  static let reportedOthers: [(String, String)] = [
    (
      "code query parameter",
      "<set-query-parameter name=\"CODE\" exists-action=\"override\"><value>x</value></set-query-parameter>"
    ),
    ("code in a URL", "<set-backend-service base-url=\"https://f.example.net/api?Code=abc\" />"),
    ("code after &amp; in set-url", "<set-url>https://f.example.net/api?a=1&amp;CODE=abc</set-url>"),
    ("key named value in a variable", "<set-variable name=\"k\" value=\"{{My-Fn-Key}}\" />"),
    ("key named value in a variable, character reference", "<set-variable name=\"k\" value=\"{{fn-&#107;ey}}\" />"),
    // A predefined entity splits the name's letters: the needle reads it decoded, not as `amp`.
    ("key named value in a variable, predefined entity", "<set-variable name=\"k\" value=\"{{f&amp;unc-key}}\" />"),
    ("key named value in a variable, entity before key", "<set-variable name=\"k\" value=\"{{fn&lt;key}}\" />"),
    (
      "code query parameter named by an expression",
      "<set-query-parameter name=\"@(&quot;co&quot; + &quot;de&quot;)\"><value>x</value></set-query-parameter>"
    ),
    ("code in a URL with a percent escape", "<rewrite-uri template=\"/orders?%63ode={{orders-func-key}}\" />"),
    (
      "key header name from a format() placeholder",
      "<set-header name=\"{0}\" exists-action=\"override\"><value>{{k}}</value></set-header>"
    ),
  ]

  @Test func theNeedlesFindWhatEveryRuleReports() throws {
    let configuration = try makeConfiguration(extraKeyHeaders: ["X-Api-Key"])
    var inputs = Self.reported.map { ($0.0, Self.policy(header: $0.1[0])) }
    inputs += Self.reportedOthers.map {
      ($0.0, "<policies>\n  <inbound>\n    <base />\n    \($0.1)\n  </inbound>\n</policies>\n")
    }
    for (name, text) in inputs {
      let source = bytes(text)
      let full = PolicyRewriter(configuration: configuration, checksWithoutTree: false)
      let findings = full.check(source, path: TestSupport.path).findings
      #expect(!findings.isEmpty && !findings.contains { $0.diagnostic == .parseError }, "\(name): \(findings)")
      #expect(CheckNeedles(configuration: configuration).mayReport(source), "\(name)")
      Self.expectSamePaths(source, path: TestSupport.path, configuration: configuration)
    }
  }

  /// The `code` and key-variable needles report, but place no MI element: a parent scope
  /// with only those does not need its child scopes read.
  @Test func onlyKeyHeaderNeedlesCountAsInjections() throws {
    let needles = CheckNeedles(configuration: try makeConfiguration())
    let reportOnly = [
      "<policies><inbound><set-query-parameter name=\"code\" exists-action=\"override\"><value>{{k}}</value></set-query-parameter></inbound></policies>",
      "<policies><inbound><set-backend-service base-url=\"https://f.azurewebsites.net/api?code=abc\" /></inbound></policies>",
      "<policies><inbound><set-variable name=\"k\" value=\"{{orders-func-key}}\" /></inbound></policies>",
    ]
    for text in reportOnly {
      #expect(needles.mayReport(bytes(text)) && !needles.mayInject(bytes(text)), "\(text)")
    }
    let injecting = [
      "x-functions-key", "{{header-name}}", "x-functions-k&#101;y",
    ].map { Self.policy(header: "<set-header name=\"\($0)\" exists-action=\"override\">") }
    for text in injecting { #expect(needles.mayInject(bytes(text)), "\(text)") }
  }

  @Test func policiesWithoutNeedlesAreCheckedWithoutATree() throws {
    let configuration = try makeConfiguration()
    let clean = [
      "<policies><inbound><base /><set-header name=\"x-request-id\" exists-action=\"override\"><value>@(Guid.NewGuid().ToString())</value></set-header></inbound></policies>",
      "<fragment><set-variable name=\"k\" value=\"{{backend-url}}\" /></fragment>",
      "<policies><inbound><set-header name=\"x-functions-key-id\" exists-action=\"override\"><value>1</value></set-header><validate-jwt header-name=\"Authorization\" failed-validation-httpcode=\"401\" /></inbound><on-error><set-status code=\"500\" /></on-error></policies>",
      "<set-header name=\"x-request-id\">not a policy root, no key header</set-header>",
    ]
    for text in clean {
      #expect(!CheckNeedles(configuration: configuration).mayReport(bytes(text)), "\(text)")
      Self.expectSamePaths(bytes(text), path: TestSupport.path, configuration: configuration)
    }
    #expect(
      PolicyRewriter(configuration: configuration).check(bytes(clean[3]), path: TestSupport.path).isPolicy == false)
  }

  /// Broken files without needles: the well-formedness pass reports the same error at the same
  /// line and column as the full parse.
  @Test func brokenFilesGetTheSameParseErrorFromBothPaths() throws {
    let configuration = try makeConfiguration()
    let broken: [[UInt8]] = [
      bytes("<policies>\n  <inbound>\n    <base />\n  </outbound>\n</policies>\n"),
      bytes("<policies>\n  <inbound>\n"),
      bytes("<!DOCTYPE policies [<!ENTITY e \"x\">]>\n<policies>&e;</policies>"),
      bytes("<policies>\n  <inbound>&undefined;</inbound>\n</policies>"),
      bytes("<policies>\n  <a:inbound />\n</policies>"),
      bytes("<policies>\n  <inbound a=\"1\" a=\"2\" />\n</policies>"),
      bytes("<policies>\n  <inbound>\n    <set-body>@(context.Request.Body</set-body>\n</policies>"),
      bytes("   \n"),
      [0xFF, 0xFE, 0x3C, 0x00, 0x70, 0x00],
      bytes("<policies />\n<policies />"),
      bytes("<policies>\n  <inbound> ]]> </inbound>\n</policies>"),
      bytes("<!-- only a comment -->\n"),
      bytes("<policies>\n  <inbound a=1 />\n</policies>"),
      bytes("<policies>\n\t<inbound a=\"<\" />\n</policies>"),
      bytes("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<policies>\n  <inbound>\u{1}</inbound>\n</policies>"),
      // xml:id values are checked when the tree is built (an NCName, each once).
      bytes("<policies xml:id=\"1bad\">\n  <inbound />\n</policies>"),
      bytes("<policies>\n  <inbound xml:id=\"a\" />\n  <outbound xml:id=\"a\" />\n</policies>"),
      // More attributes than the cap: refused before libxml2 on both paths.
      bytes("<policies>\n  <inbound " + (0...1_000).map { "a\($0)=\"1\"" }.joined(separator: " ") + " />\n</policies>"),
    ]
    for source in broken {
      #expect(!CheckNeedles(configuration: configuration).mayReport(source))
      let full = PolicyRewriter(configuration: configuration, checksWithoutTree: false)
      let expected = full.check(source, path: TestSupport.path).findings
      #expect(expected.count == 1 && expected.first?.diagnostic == .parseError, "\(string(source)): \(expected)")
      Self.expectSamePaths(source, path: TestSupport.path, configuration: configuration)
    }
  }
}

/// The byte test that spares the cross-file Authorization pass a parse.
struct AuthorizationNeedleTests {
  /// Over the whole corpus: slow, like the corpus suites.
  @Test(.enabled(if: Corpus.exists, Comment(rawValue: Corpus.skipMessage)), .slow, .tags(.slow))
  func everyCorpusReaderOrRemoverIsFoundByTheNeedles() throws {
    let configuration = try makeConfiguration()
    var scopes = 0
    for entry in try Corpus.manifest() where Corpus.isPolicyFile(entry.path) {
      let source = try Corpus.bytes(entry.path)
      guard let document = try? PolicyDocument.parse(source) else { continue }
      let inbound = document.root.children.first { $0.hasName("inbound") }
      for scope in [inbound, document.root].compactMap(\.self) {
        let touches = AuthorizationScan(scope: scope, configuration: configuration, scansText: true).touches
        guard touches.contains(where: \.readsOrRemoves) else { continue }
        scopes += 1
        #expect(AuthorizationScan.mayFindReaderOrRemover(in: source, configuration: configuration), "\(entry.path)")
      }
    }
    #expect(scopes > 20, "only \(scopes) corpus scopes read or remove Authorization")
  }

  @Test func readersThatDoNotSpellTheHeaderAreFound() throws {
    let configuration = try makeConfiguration()
    for text in [
      "<policies><inbound><base /><validate-azure-ad-token tenant-id=\"t\" /></inbound></policies>",
      "<policies><inbound><base /><check-header name=\"&#65;uthorization\" failed-check-httpcode=\"401\" failed-check-error-message=\"x\" /></inbound></policies>",
    ] {
      #expect(PolicyRewriter.childScopeEffects(bytes(text), configuration: configuration).touchesAfterBase, "\(text)")
    }
    #expect(
      !AuthorizationScan.mayFindReaderOrRemover(
        in: bytes("<policies><inbound><base /><include-fragment fragment-id=\"f\" /></inbound></policies>"),
        configuration: configuration))
    var withFragment = configuration
    withFragment.authorizationFragments["f"] = .removes
    let including = bytes("<policies><inbound><base /><include-fragment fragment-id=\"f\" /></inbound></policies>")
    #expect(PolicyRewriter.childScopeEffects(including, configuration: withFragment).touchesAfterBase)
  }
}
