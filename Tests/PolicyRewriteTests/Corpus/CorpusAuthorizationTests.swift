import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// The real-world corpus, migrated: no `<inbound>` (or fragment) of a rewritten file has an
/// `authentication-managed-identity` element before a later element that reads or removes
/// `Authorization`. The check is written on its own, with a deliberately broad reader list
/// of its own: it does not call the rewriter's Authorization analysis.
@Suite(.enabled(if: Corpus.exists, Comment(rawValue: Corpus.skipMessage)), .slow, .tags(.slow))
struct CorpusAuthorizationTests {
  /// The elements of `scope`, in document order, that may touch `Authorization`: every start
  /// tag that names it (in any case), every element whose text (children aside) names it,
  /// `validate-azure-ad-token` (its default source is the header), `cache-lookup`, a
  /// `send-request` in copy mode, and `validate-jwt`, `validate-azure-ad-token` and
  /// `check-header` whose header name is `{{…}}` or `@(…)`. Inside `send-request`,
  /// `send-one-way-request` and `return-response` (which build another request or the
  /// response), only policy expressions (an `@` before the name) count; `cors` subtrees are
  /// left out; comments are not elements. The MI elements are listed too.
  static func touches(in scope: PolicyElement) -> [PolicyElement] {
    var found: [PolicyElement] = []
    let source = scope.document.source
    func text(_ range: Range<Int>) -> String { String(decoding: source[range], as: UTF8.self).lowercased() }
    func names(_ range: Range<Int>, expressionOnly: Bool) -> Bool {
      let lowered = text(range)
      guard let at = lowered.range(of: "authorization") else { return false }
      return !expressionOnly || lowered[..<at.lowerBound].contains("@")
    }
    func visit(_ element: PolicyElement, building: Bool) {
      let name = element.name
      if name == "cors" { return }
      let tagEnd = element.isEmptyElementTag ? element.range.upperBound : element.contentRange.lowerBound
      let tag = text(element.range.lowerBound..<tagEnd)
      let children = element.children
      var inText = false
      if children.isEmpty, !element.isEmptyElementTag {
        let content = text(element.contentRange)
        inText = names(element.contentRange, expressionOnly: building) && !content.contains("<!--")
      }
      let headerName = ["header-name=\"{{", "header-name=\"@", "name=\"{{", "name=\"@"].contains { tag.contains($0) }
      let possible = ["validate-jwt", "validate-azure-ad-token", "check-header"].contains(name) && headerName
      let copies = (name == "send-request" || name == "send-one-way-request") && tag.contains("mode=\"copy\"")
      if (!building && (name == "validate-azure-ad-token" || name == "cache-lookup" || possible))
        || name == "authentication-managed-identity" || copies
        || names(element.range.lowerBound..<tagEnd, expressionOnly: building) || inText
      {
        found.append(element)
      }
      let builds = building || name == "send-request" || name == "send-one-way-request" || name == "return-response"
      children.forEach { visit($0, building: builds) }
    }
    scope.children.forEach { visit($0, building: false) }
    return found
  }

  /// Whether two elements stand in different `when`/`otherwise` branches of one `choose`.
  static func inOtherBranches(_ a: PolicyElement, _ b: PolicyElement) -> Bool {
    func branches(_ element: PolicyElement) -> [(choose: Int, branch: Int)] {
      var result: [(Int, Int)] = []
      var node = element
      while let parent = node.parent {
        if parent.name == "choose" { result.append((parent.range.lowerBound, node.range.lowerBound)) }
        node = parent
      }
      return result
    }
    let first = branches(a)
    return branches(b).contains { other in first.contains { $0.choose == other.choose && $0.branch != other.branch } }
  }

  /// The MI elements of `scope` that come before a touch that is not in another branch of the
  /// same `choose`: pairs of lines.
  static func violations(in source: [UInt8]) -> [(mi: Int, touch: Int)] {
    guard let document = try? PolicyDocument.parse(source) else { return [] }
    var scopes: [PolicyElement] = []
    if document.root.name == "fragment" { scopes.append(document.root) }
    scopes += document.root.children.filter { $0.name == "inbound" }
    var result: [(Int, Int)] = []
    for scope in scopes {
      let touches = touches(in: scope)
      for mi in touches where mi.name == "authentication-managed-identity" {
        if let later = touches.first(where: {
          $0.range.lowerBound > mi.range.upperBound && $0.name != "authentication-managed-identity"
            && !inOtherBranches(mi, $0)
        }) {
          result.append((mi.location.line, later.location.line))
        }
      }
    }
    return result
  }

  /// The policy texts of a file: the file itself, or a Terraform file's heredoc bodies.
  static func policies(_ bytes: [UInt8], path: String) -> [[UInt8]] {
    guard path.hasSuffix(".tf") else { return [bytes] }
    return TerraformHeredoc.find(in: bytes).filter { $0.holdsPolicy(in: bytes) }.map { Array(bytes[$0.body]) }
  }

  @Test func noManagedIdentityElementRunsBeforeAReaderOrRemover() throws {
    let rewriter = Corpus.rewriter
    var migrated = 0
    var checkedElements = 0
    var keyFiles = 0
    var reviewByRule: [Rule: Int] = [:]
    var notes = 0
    var problems: [String] = []
    for entry in try Corpus.manifest() {
      let original = try Corpus.bytes(entry.path)
      let result = rewriter.rewrite(original, path: entry.path)
      if entry.hasFunctionKey { keyFiles += 1 }
      for finding in result.findings {
        if finding.rule == .authorizationTokenReplaced { notes += 1 }
        if let rule = finding.rule,
          [
            .authorizationWriter, .authorizationReaderAfterManagedIdentity, .keyVariable, .authorizationOtherBackend,
            .skippedKeyInjection, .templateDirective, .authorizationParentScope,
          ].contains(rule)
        {
          reviewByRule[rule, default: 0] += 1
        }
      }
      guard result.changed else { continue }
      migrated += 1
      let before = Self.policies(original, path: entry.path).map { Self.violations(in: $0).count }.reduce(0, +)
      for policy in Self.policies(result.output, path: entry.path) {
        checkedElements += policy.count { $0 == .lessThan }
        for violation in Self.violations(in: policy) {
          problems.append("\(entry.path): MI element at line \(violation.mi) runs before line \(violation.touch)")
        }
      }
      #expect(before == 0, "\(entry.path) had an MI element before a reader already")
    }
    let reviews = reviewByRule.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
    print(
      "corpus Authorization check: \(migrated) files migrated of \(keyFiles) with a key; "
        + "\(problems.count) MI elements before a reader or remover; review items: "
        + (reviews.isEmpty ? "none" : reviews.joined(separator: ", ")) + "; notes: \(notes)")
    #expect(problems.isEmpty, "\(problems)")
    #expect(migrated > 0)
  }

  /// The independent check finds what it must: it is not a check that cannot fail.
  @Test func theCheckFindsAnMIElementBeforeAReader() {
    let bad = bytes(
      """
      <policies>
          <inbound>
              <authentication-managed-identity resource="r" />
              <choose><when condition="@(true)">
                  <set-variable name="t" value="@(context.Request.Headers["Authorization"])" />
              </when></choose>
          </inbound>
      </policies>
      """)
    #expect(Self.violations(in: bad).map(\.touch) == [5])
    // The readers of the second round, each after an MI element.
    for reader in [
      #"<send-request mode="new" response-variable-name="u"><set-header name="Authorization"><value>@(context.Request.Headers.GetValueOrDefault("Authorization",""))</value></set-header></send-request>"#,
      #"<send-request mode="copy" response-variable-name="c" />"#,
      #"<return-response><set-body>@(context.Request.Headers["authorization"].First())</set-body></return-response>"#,
      #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" />"#,
      #"<validate-jwt header-name="{{jwt-header}}" />"#,
      #"<check-header name="@(context.Variables.GetValueOrDefault<string>(&quot;h&quot;))" failed-check-httpcode="401" />"#,
    ] {
      let policy = bytes(
        "<policies>\n<inbound>\n<authentication-managed-identity resource=\"r\" />\n\(reader)\n</inbound>\n</policies>")
      #expect(Self.violations(in: policy).map(\.touch) == [4], "\(reader)")
    }
    let branches = bytes(
      """
      <policies>
          <inbound>
              <choose>
                  <when condition="@(true)"><authentication-managed-identity resource="r" /></when>
                  <otherwise><validate-jwt header-name="Authorization" /></otherwise>
              </choose>
          </inbound>
      </policies>
      """)
    #expect(Self.violations(in: branches).isEmpty)
    let good = bytes(
      """
      <policies>
          <inbound>
              <set-header name="authorization" exists-action="delete" />
              <authentication-managed-identity resource="r" />
              <cors><allowed-headers><header>Authorization</header></allowed-headers></cors>
              <send-request mode="new" response-variable-name="x"><set-header name="Authorization"><value>t</value></set-header></send-request>
              <return-response><set-header name="Authorization" exists-action="override"><value>none</value></set-header></return-response>
          </inbound>
      </policies>
      """)
    #expect(Self.violations(in: good).isEmpty)
  }
}
