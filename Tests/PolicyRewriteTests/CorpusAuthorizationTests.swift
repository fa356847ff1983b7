import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// The real-world corpus, migrated: no `<inbound>` (or fragment) of a rewritten file has an
/// `authentication-managed-identity` element before a later element that reads or removes
/// `Authorization`. The check is written on its own, with a deliberately broad reader list
/// of its own: it does not call the rewriter's Authorization analysis.
@Suite(.enabled(if: Corpus.exists, Comment(rawValue: Corpus.skipMessage)))
struct CorpusAuthorizationTests {
  /// The elements of `scope`, in document order, that may touch `Authorization`: every start
  /// tag that names it (in any case), every element whose text (children aside) names it,
  /// and `validate-azure-ad-token`, whose default source is the header. `send-request`,
  /// `send-one-way-request` and `cors` subtrees are left out; comments are not elements.
  /// The MI elements are listed too.
  static func touches(in scope: PolicyElement) -> [PolicyElement] {
    var found: [PolicyElement] = []
    let source = scope.document.source
    func names(_ range: Range<Int>) -> Bool {
      String(decoding: source[range], as: UTF8.self).lowercased().contains("authorization")
    }
    func visit(_ element: PolicyElement) {
      let name = element.name
      if name == "send-request" || name == "send-one-way-request" || name == "cors" { return }
      let tagEnd = element.isEmptyElementTag ? element.range.upperBound : element.contentRange.lowerBound
      let children = element.children
      var text = false
      if children.isEmpty, !element.isEmptyElementTag {
        let content = String(decoding: source[element.contentRange], as: UTF8.self)
        text = content.lowercased().contains("authorization") && !content.contains("<!--")
      }
      if name == "validate-azure-ad-token" || name == "authentication-managed-identity"
        || names(element.range.lowerBound..<tagEnd) || text
      {
        found.append(element)
      }
      children.forEach(visit)
    }
    scope.children.forEach(visit)
    return found
  }

  /// The MI elements of `scope` (outside `send-request`) that come before a touch: pairs of lines.
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
        if [.authorizationWriter, .authorizationReaderAfterManagedIdentity, .keyVariable].contains(finding.rule) {
          reviewByRule[finding.rule, default: 0] += 1
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
    let good = bytes(
      """
      <policies>
          <inbound>
              <set-header name="authorization" exists-action="delete" />
              <authentication-managed-identity resource="r" />
              <cors><allowed-headers><header>Authorization</header></allowed-headers></cors>
              <send-request mode="new" response-variable-name="x"><set-header name="Authorization"><value>t</value></set-header></send-request>
          </inbound>
      </policies>
      """)
    #expect(Self.violations(in: good).isEmpty)
  }
}
