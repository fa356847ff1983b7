import PolicyDOM

#if canImport(Glibc)
  import Glibc
#endif

/// Rewrites function-key injections in a policy document to Managed Identity, splicing the
/// original bytes.
///
/// Rewrite: follows `rewrite-spec.md`. Injections that are direct children of `<inbound>`
/// are removed and one `<authentication-managed-identity>` goes right after `<base />`;
/// nested ones (`choose`, `retry`, fragments) are replaced in place; those in a
/// `<send-request>` are removed and one MI element goes before `<proxy>`, after `set-body`
/// and `authentication-certificate`. Injections elsewhere are left for review. Every byte
/// outside the removed ranges and the inserted text stays as it was.
///
/// Before a result is returned, the output is parsed and rewritten again: the second
/// rewrite must change nothing. A file with any error comes back unchanged.
///
/// ```swift
/// let rewriter = PolicyRewriter(configuration: RewriteConfiguration(
///   resources: ResourceMap(defaultResource: try Resource(validating: "api://orders"))))
/// let result = rewriter.rewrite(Array(policy.utf8), path: "apis/orders/policy.xml")
/// ```
public struct PolicyRewriter: Sendable {
  /// What the rewrite looks for and writes.
  public let configuration: RewriteConfiguration

  /// Creates a rewriter.
  public init(configuration: RewriteConfiguration) {
    self.configuration = configuration
  }

  /// Rewrites one file: a policy document, or the policy heredocs of a Terraform file.
  ///
  /// The path decides the format (see ``SourceFormat``): `.tf` files have their heredocs
  /// rewritten and their backend credentials reported; APIOps `backendInformation.json` and
  /// `configuration.<env>.yaml` files are only reported on; anything else is a policy.
  ///
  /// - Parameters:
  ///   - source: The file's bytes.
  ///   - path: The file's path, for the format and `byPath` resources (not read).
  /// - Returns: The output bytes and the findings; on any error the output is `source`.
  public func rewrite(_ source: [UInt8], path: String) -> RewriteResult {
    switch SourceFormat(path: path) {
    case .policy: rewritePolicy(source, path: path)
    case .terraform: processTerraform(source, path: path, checking: false)
    case .backendJSON: reportBackend(source, format: .json)
    case .apiopsConfiguration: reportBackend(source, format: .yaml)
    }
  }

  /// Reports what `check` reports: every injection, review item and leaked secret.
  ///
  /// - Parameters:
  ///   - source: The file's bytes.
  ///   - path: The file's path, for the format (not read).
  /// - Returns: The findings in a result whose output is `source`; a `parse-error` finding
  ///   when the file does not parse; no findings for XML that is not a policy.
  public func check(_ source: [UInt8], path: String) -> RewriteResult {
    switch SourceFormat(path: path) {
    case .policy: checkPolicy(source, path: path)
    case .terraform: processTerraform(source, path: path, checking: true)
    case .backendJSON: reportBackend(source, format: .json)
    case .apiopsConfiguration: reportBackend(source, format: .yaml)
    }
  }

  /// Whether a file may need the rewriter at all: a cheap byte search, so that the other
  /// files met while walking a tree are skipped without parsing.
  public static func mayConcern(_ source: [UInt8], path: String) -> Bool {
    switch SourceFormat(path: path) {
    case .policy:
      // Empty, binary and UTF-16 files are parsed too, so that they are reported, not skipped.
      source.containsLiteral("<policies") || source.containsLiteral("<fragment") || source.allSatisfy(\.isXMLSpace)
        || source.withUnsafeBytes { $0.baseAddress.map { memchr($0, 0, source.count) != nil } ?? false }
    case .terraform: source.containsLiteral("<<") || source.containsLiteral("azurerm_api_management_backend")
    case .backendJSON, .apiopsConfiguration: source.containsLiteral("credentials")
    }
  }

  private func rewritePolicy(_ source: [UInt8], path: String) -> RewriteResult {
    var result = plan(source, path: path)
    guard result.changed else { return result }
    let second = plan(result.output, path: path)
    if second.hasErrors || second.changed {
      let reason =
        second.findings.first { $0.severity == .error }.map { "\($0.line):\($0.column): \($0.message)" }
        ?? "a second rewrite changed the output again"
      result.output = source
      result.changed = false
      result.removedKeyNamedValues = []
      result.findings.append(
        Finding(
          rule: .verificationFailed, severity: .error,
          message: "internal error: the rewritten policy failed verification (\(reason)); the file is left unchanged",
          line: 1, column: 1))
    }
    return result
  }

  /// Parses and analyses a policy into a result that leaves it unchanged; `nil` when it does
  /// not parse, with the parse error as the result's finding.
  private func analyse(_ source: [UInt8], path: String, into result: inout RewriteResult) -> PolicyAnalysis? {
    result = RewriteResult(unchanged: source)
    do {
      let document = try PolicyDocument.parse(source, options: SourceFormat.parseOptions(path: path))
      let analysis = PolicyAnalysis(document, configuration: configuration)
      result.isPolicy = analysis.isPolicy
      result.reviewCount = analysis.injections.count { !$0.isRewritable }
      return analysis
    } catch {
      result.findings = [Self.finding(for: error)]
      return nil
    }
  }

  private func checkPolicy(_ source: [UInt8], path: String) -> RewriteResult {
    var result = RewriteResult(unchanged: source)
    guard let analysis = analyse(source, path: path, into: &result) else { return result }
    result.findings = analysis.findings
    for injection in analysis.injections where injection.isRewritable {
      let (line, column) = injection.element.location
      let origin = injection.namedValue.map { " from named value '\($0)'" } ?? ""
      result.findings.append(
        Finding(
          rule: .keyInjection, severity: .error,
          message:
            "header '\(injection.headerName)' injects a function key\(origin); replace it with <authentication-managed-identity> (policy-rewrite migrate)",
          line: line, column: column, section: injection.section))
    }
    result.findings.sort(by: Finding.locationOrder)
    return result
  }

  /// Rewrites (or checks) each policy heredoc of a Terraform file and reports its backend
  /// credentials; findings point at lines of the `.tf` file.
  private func processTerraform(_ source: [UInt8], path: String, checking: Bool) -> RewriteResult {
    var result = RewriteResult(unchanged: source, isPolicy: false)
    var edits: [TextEdit] = []
    let lines = LineMap(source)
    for heredoc in TerraformHeredoc.find(in: source) where heredoc.holdsPolicy(in: source) {
      result.isPolicy = true
      let body = Array(source[heredoc.body])
      let inner = checking ? checkPolicy(body, path: path) : rewritePolicy(body, path: path)
      let lineOffset = lines.location(of: heredoc.body.lowerBound).line - 1
      result.findings += inner.findings.map { finding in
        var shifted = finding
        shifted.line += lineOffset
        return shifted
      }
      result.reviewCount += inner.reviewCount
      result.removedKeyNamedValues.formUnion(inner.removedKeyNamedValues)
      if inner.changed { edits.append(TextEdit(range: heredoc.body, replacement: inner.output)) }
    }
    let backend = BackendCredentialScanner(configuration: configuration).findings(in: source, format: .terraform)
    if !backend.isEmpty {
      result.isPolicy = true
      result.findings += backend
      result.reviewCount += backend.count
    }
    result.findings.sort(by: Finding.locationOrder)
    if result.hasErrors || edits.isEmpty {
      result.removedKeyNamedValues = []
      return result
    }
    result.output = TextEdit.apply(edits, to: source)
    result.changed = true
    return result
  }

  private func reportBackend(_ source: [UInt8], format: BackendCredentialScanner.Format) -> RewriteResult {
    let findings = BackendCredentialScanner(configuration: configuration).findings(in: source, format: format)
    return RewriteResult(
      output: source, findings: findings, isPolicy: !findings.isEmpty, changed: false, removedKeyNamedValues: [],
      reviewCount: findings.count)
  }

  static func finding(for error: ParseError) -> Finding {
    Finding(rule: .parseError, severity: .error, message: error.message, line: error.line, column: error.column)
  }

  // MARK: Planning

  private func plan(_ source: [UInt8], path: String) -> RewriteResult {
    var result = RewriteResult(unchanged: source)
    guard let analysis = analyse(source, path: path, into: &result), analysis.isPolicy else { return result }
    result.findings = analysis.findings.map(Self.asMigrationFinding)

    var planner = EditPlanner(document: analysis.document, configuration: configuration, path: path)
    for group in Self.groups(of: analysis.injections.filter(\.isRewritable)) {
      planner.plan(group)
    }
    result.findings += planner.findings
    result.findings.sort(by: Finding.locationOrder)
    if result.hasErrors || planner.edits.isEmpty { return result }
    result.output = TextEdit.apply(planner.edits, to: source)
    result.changed = result.output != source
    result.removedKeyNamedValues = planner.removedNamedValues
    return result
  }

  /// In a migration, a literal key is removed with its injection (or left for review): a
  /// warning to rotate the key, not an error that stops the file.
  private static func asMigrationFinding(_ finding: Finding) -> Finding {
    guard finding.rule == .literalKey else { return finding }
    var warning = finding
    warning.severity = .warning
    warning.message += " (it stays in the repository's history)"
    return warning
  }

  /// Injections grouped by the element that receives their one MI element, in document order.
  private static func groups(of injections: [KeyInjection]) -> [[KeyInjection]] {
    var groups: [[KeyInjection]] = []
    for injection in injections {
      guard let container = injection.placement.container else { continue }
      if let index = groups.firstIndex(where: { $0[0].placement.container!.isSame(as: container) }) {
        groups[index].append(injection)
      } else {
        groups.append([injection])
      }
    }
    return groups
  }
}

extension Finding {
  static func locationOrder(_ a: Finding, _ b: Finding) -> Bool {
    (a.line, a.column, a.rule.rawValue) < (b.line, b.column, b.rule.rawValue)
  }
}
