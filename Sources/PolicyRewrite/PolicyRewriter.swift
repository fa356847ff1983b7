import PolicyDOM

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

  /// Whether `check` and `rewrite` only check well-formedness, without a tree, for a policy in
  /// which no rule can report anything (``CheckNeedles``): it holds no injection either, so
  /// nothing is rewritten. Off only to compare the two paths.
  package let checksWithoutTree: Bool

  /// What a policy must hold for `check` to analyse it.
  private let needles: CheckNeedles

  /// Documents a pass before the run's own parsed, taken instead of parsing the same bytes
  /// again.
  package var documents: ParsedDocuments?

  /// Creates a rewriter.
  public init(configuration: RewriteConfiguration) {
    self.init(configuration: configuration, checksWithoutTree: true)
  }

  /// Creates a rewriter that analyses every policy with a tree when `checksWithoutTree` is
  /// false, to compare the two paths.
  package init(configuration: RewriteConfiguration, checksWithoutTree: Bool) {
    self.configuration = configuration
    self.checksWithoutTree = checksWithoutTree
    needles = CheckNeedles(configuration: configuration)
  }

  /// Rewrites one file: a policy document, or the policies embedded in a Terraform, Bicep or
  /// ARM template file.
  ///
  /// A UTF-16 file with a byte order mark is read in UTF-8; when the migration would change
  /// it, it is refused (a `parse-error`), as only UTF-8 is written.
  ///
  /// The path decides the format (see ``SourceFormat``): `.tf`, `.bicep` and ARM or APIOps
  /// `.json` files have their embedded policies rewritten and their backend credentials
  /// reported; APIOps `backendInformation.json` and `configuration.<env>.yaml` files are only
  /// reported on; `.xml` files are policies; a file of another type is a policy when it
  /// starts with markup, otherwise an `unsupported-file-type` error.
  ///
  /// - Parameters:
  ///   - source: The file's bytes.
  ///   - path: The file's path, for the format and `byPath` resources (not read).
  /// - Returns: The output bytes and the findings; on any error the output is `source`.
  public func rewrite(_ source: [UInt8], path: String) -> RewriteResult {
    rewrite(source, path: path, accepted: [])
  }

  /// Rewrites one file, leaving the key injections at `accepted` (line and column in the
  /// file, as `check` reports them) as they are: a suppression comment or the baseline
  /// accepts them. Their records have the outcome ``InjectionRecord/Outcome/accepted``.
  package func rewrite(_ source: [UInt8], path: String, accepted: Set<[Int]>) -> RewriteResult {
    rewrite(source, path: path, kind: SourceKind(path: path), accepted: accepted)
  }

  /// Rewrites one file of a known kind (see ``rewrite(_:path:accepted:)``).
  package func rewrite(_ source: [UInt8], path: String, kind: SourceKind, accepted: Set<[Int]>) -> RewriteResult {
    let result = rewriteFile(source, path: path, kind: kind, accepted: accepted)
    guard
      !configuration.policyGraphGaps.isEmpty || !configuration.authorizationUnreadableChildScopes.isEmpty
        || !configuration.policyGraphInputErrors.isEmpty
        || !configuration.authorizationUnreadableParentScopes.isEmpty
    else {
      return result
    }
    return applyPolicyGraph(to: result, source: source, path: path)
  }

  private func rewriteFile(_ source: [UInt8], path: String, kind: SourceKind, accepted: Set<[Int]>) -> RewriteResult {
    let isAccepted: (PolicyElement) -> Bool = { element in
      let (line, column) = element.location
      return accepted.contains([line, column])
    }
    if let text = UTF16Source(source) {
      // Read in UTF-8; a file that the migration would change is refused (it writes UTF-8 only).
      var result = rewrite(text.utf8, path: path, kind: kind, accepted: accepted)
      if result.changed {
        result.findings.append(.onFile(.parseError, .error, Self.utf16Message))
        result.blockInjections()
        result.findings.sort(by: Finding.locationOrder)
      }
      result.output = source
      result.changed = false
      result.edits = []
      result.removedKeyNamedValues = []
      return result
    }
    if kind.role == .productAPIs, let result = Self.productAPIs(source, path: path) { return result }
    return switch kind.formatDescription.reading {
    case .policy where kind.masksTemplates && TerraformTemplateContainer.holdsAlternatives(source):
      process(
        TerraformTemplateContainer(), source, path: path, kind: kind, credentials: nil, checking: false,
        accepted: accepted)
    case .policy: rewritePolicy(source, path: path, kind: kind, isAccepted: isAccepted)
    case .container(let container, let credentials):
      process(container, source, path: path, kind: kind, credentials: credentials, checking: false, accepted: accepted)
    case .credentials(let format): reportBackend(source, format: format)
    case .byContent:
      processUnknownType(source, path: path) ?? rewritePolicy(source, path: path, kind: kind, isAccepted: isAccepted)
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
    check(source, path: path, kind: SourceKind(path: path))
  }

  /// Reports what `check` reports on a file of a known kind (see ``check(_:path:)``).
  public func check(_ source: [UInt8], path: String, kind: SourceKind) -> RewriteResult {
    if let text = UTF16Source(source) {
      // A UTF-16 file (with its byte order mark) is checked in its UTF-8 transcoding.
      var result = check(text.utf8, path: path, kind: kind)
      result.output = source
      return result
    }
    if kind.role == .productAPIs, let result = Self.productAPIs(source, path: path) { return result }
    return switch kind.formatDescription.reading {
    case .policy where kind.masksTemplates && TerraformTemplateContainer.holdsAlternatives(source):
      process(TerraformTemplateContainer(), source, path: path, kind: kind, credentials: nil, checking: true)
    case .policy: checkPolicy(source, path: path, kind: kind)
    case .container(let container, let credentials):
      process(container, source, path: path, kind: kind, credentials: credentials, checking: true)
    case .credentials(let format): reportBackend(source, format: format)
    case .byContent: processUnknownType(source, path: path) ?? checkPolicy(source, path: path, kind: kind)
    }
  }

  /// Whether a file may need the rewriter at all: a cheap byte search, so that the other
  /// files met while walking a tree are skipped without parsing.
  public static func mayConcern(_ source: [UInt8], path: String) -> Bool {
    mayConcern(source, kind: SourceKind(path: path))
  }

  /// Whether a file of a known kind may need the rewriter at all (see ``mayConcern(_:path:)``).
  public static func mayConcern(_ source: [UInt8], kind: SourceKind) -> Bool {
    // A UTF-16 file is read in its UTF-8 transcoding: the byte tests cannot see into it.
    if source.starts(with: [0xFF, 0xFE]) || source.starts(with: [0xFE, 0xFF]) { return true }
    // A file named `apis.json` that does not parse may be a product's membership: bad input.
    if kind.role == .productAPIs, ProductAPIsJSON.syntaxError(in: source) != nil { return true }
    return kind.formatDescription.mayConcern(source)
  }

  /// What the run reports of a file named `apis.json` (``SourceKind/Role/productAPIs``): in
  /// an APIOps tree (`…/products/<p>/apis.json`), a `parse-error` at its first syntax error
  /// when it does not parse as JSON (the product's membership is not known), else nothing.
  /// Elsewhere, one that does not parse and is not an ARM template is left alone, as any JSON
  /// file that holds no policy; `nil` reads the file as its format says.
  static func productAPIs(_ source: [UInt8], path: String) -> RewriteResult? {
    guard let (line, column) = ProductAPIsJSON.syntaxError(in: source) else { return nil }
    guard ProductAPIsJSON.isProductAPIs(path: path) else {
      return ARMContainer.recognises(source) ? nil : RewriteResult(unchanged: source, isPolicy: false)
    }
    var result = RewriteResult(unchanged: source)
    result.findings = [
      Finding(
        diagnostic: .parseError, severity: .error, message: ProductAPIsJSON.parseErrorMessage, line: line,
        column: column)
    ]
    result.isPolicy = true
    return result
  }

  /// Whether `source` may be a policy snippet whose root is one section or a GraphQL
  /// resolver's `<http-data-source>` (see `PolicyAnalysis.snippetRoots`).
  static func maySnippet(_ source: [UInt8]) -> Bool {
    source.containsLiteral("<inbound") || source.containsLiteral("<outbound") || source.containsLiteral("<backend")
      || source.containsLiteral("<on-error") || source.containsLiteral("<http-data-source")
  }

  /// What a policy fragment does with the `Authorization` header, for
  /// ``RewriteConfiguration/authorizationFragments``; `nil` when `source` is not a fragment
  /// that parses. The parse is kept in `documents` for the run's own pass.
  package static func authorizationUse(
    ofFragment source: [UInt8], configuration: RewriteConfiguration = RewriteConfiguration(),
    documents: ParsedDocuments? = nil
  ) -> AuthorizationUse? {
    guard source.containsLiteral("<fragment"), let document = try? documents.parse(source),
      document.root.hasName("fragment")
    else { return nil }
    let scansText = source.containsLiteral("authorization", caseInsensitive: true)
    return AuthorizationScan(scope: document.root, configuration: configuration, scansText: scansText).use
  }

  func rewritePolicy(
    _ source: [UInt8], path: String, kind: SourceKind, isAccepted: @escaping (PolicyElement) -> Bool = { _ in false }
  ) -> RewriteResult {
    if checksWithoutTree, !needles.mayReport(source) { return checkWellFormed(source, kind: kind) }
    var result = plan(source, path: path, kind: kind, isAccepted: isAccepted)
    guard result.changed else { return result }
    // The output is verified the way any input is read: one without needles only for its
    // well-formedness (nothing in it can change), any other by a second full rewrite.
    let second =
      checksWithoutTree && !needles.mayReport(result.output)
      ? checkWellFormed(result.output, kind: kind)
      : plan(
        result.output, path: path, kind: kind,
        isAccepted: Self.acceptedAgain(result.acceptedOffsets, after: result.edits))
    // No edit may move text across a Terraform directive: the directives stay as they were.
    let directivesKept =
      !source.containsLiteral("%{")
      || TemplateDirectives(source).structure == TemplateDirectives(result.output).structure
    if second.hasErrors || second.changed || !directivesKept {
      let reason =
        second.findings.first { $0.severity == .error }.map { "\($0.line):\($0.column): \($0.message)" }
        ?? (directivesKept ? "a second rewrite changed the output again" : "the template directives changed")
      result.output = source
      result.changed = false
      result.removedKeyNamedValues = []
      for index in result.injections.indices where result.injections[index].outcome == .rewritten {
        result.injections[index].outcome = .blocked
      }
      result.findings.append(
        .onFile(
          .verificationFailed, .error,
          "internal error: the rewritten policy failed verification (\(reason)); the file is left unchanged"))
    }
    return result
  }

  /// Parses and analyses a policy into a result that leaves it unchanged; `nil` when it does
  /// not parse, with the parse error as the result's finding.
  private func analyse(
    _ source: [UInt8], path: String, kind: SourceKind, into result: inout RewriteResult,
    isAccepted: @escaping (PolicyElement) -> Bool = { _ in false }
  ) -> PolicyAnalysis? {
    result = RewriteResult(unchanged: source)
    do {
      // A policy the cross-scope pass parsed already is not parsed again.
      let document = try Self.stored(documents?.take(source, options: kind.parseOptions)) { () throws(ParseError) in
        try PolicyDocument.parse(source, options: kind.parseOptions)
      }
      let analysis = PolicyAnalysis(
        document, configuration: configuration, childScopes: configuration.authorizationChildScopes[path] ?? [],
        path: path, isAccepted: isAccepted)
      result.isPolicy = analysis.isPolicy
      result.reviewCount = analysis.injections.count { !$0.isRewritable && !$0.isAccepted }
      return analysis
    } catch {
      result.findings = [Self.finding(for: error)]
      return nil
    }
  }

  func checkPolicy(_ source: [UInt8], path: String, kind: SourceKind) -> RewriteResult {
    if checksWithoutTree, !needles.mayReport(source) {
      return checkWellFormed(source, kind: kind)
    }
    var result = RewriteResult(unchanged: source)
    guard let analysis = analyse(source, path: path, kind: kind, into: &result) else { return result }
    result.findings = analysis.findings + analysis.checkFindings
    for injection in analysis.injections where injection.isRewritable {
      result.findings.append(KeyInjectionRule.remainingKeyFinding(for: injection))
    }
    result.findings.sort(by: Finding.locationOrder)
    return result
  }

  /// What `check` makes of a policy in which no rule can report anything: a parse error, or
  /// no findings (the same result as the analysis, which would find nothing).
  private func checkWellFormed(_ source: [UInt8], kind: SourceKind) -> RewriteResult {
    var result = RewriteResult(unchanged: source)
    do {
      // A policy the cross-scope pass parsed is well-formed: its root is the document's (or
      // the one its verdict names, when the document was not kept).
      let root = try Self.stored(documents?.rootName(source, options: kind.parseOptions)) { () throws(ParseError) in
        try PolicyDocument.checkWellFormed(source, options: kind.parseOptions)
      }
      result.isPolicy = root == "policies" || root == "fragment" || PolicyAnalysis.isSnippetRoot(name: root)
    } catch {
      result.findings = [Self.finding(for: error)]
    }
    return result
  }

  private func reportBackend(_ source: [UInt8], format: BackendCredentialScanner.Format) -> RewriteResult {
    var findings = BackendCredentialScanner(configuration: configuration).findings(in: source, format: format)
    // A JSON file read only for its credentials (`backendInformation.json`) cut short is a
    // parse error, as in an ARM template, not a file whose credentials were all read.
    if format == .json, let error = JSONStringScanner.scan(source).error {
      let (line, column) = LineMap(source).location(of: error.offset)
      findings = [
        Finding(diagnostic: .parseError, severity: .error, message: error.message, line: line, column: column)
      ]
    }
    return RewriteResult(
      output: source, findings: findings, isPolicy: !findings.isEmpty, changed: false, removedKeyNamedValues: [],
      reviewCount: findings.count { $0.diagnostic != .parseError })
  }

  /// What the cross-scope pass's store (``documents``) held for a policy's bytes, else what
  /// `read` makes of them now: a store's answer is that of a parse of the same bytes.
  private static func stored<Value>(_ stored: Value?, orRead read: () throws(ParseError) -> Value)
    throws(ParseError) -> Value
  {
    if let stored { return stored }
    return try read()
  }

  static func finding(for error: ParseError) -> Finding {
    Finding(diagnostic: .parseError, severity: .error, message: error.message, line: error.line, column: error.column)
  }

  // MARK: Planning

  private func plan(
    _ source: [UInt8], path: String, kind: SourceKind, isAccepted: @escaping (PolicyElement) -> Bool = { _ in false }
  ) -> RewriteResult {
    var result = RewriteResult(unchanged: source)
    guard let analysis = analyse(source, path: path, kind: kind, into: &result, isAccepted: isAccepted),
      analysis.isPolicy
    else { return result }
    result.findings = analysis.findings.map(LiteralKeyRule.migrationFinding) + analysis.migrationFindings
    result.reviewCount += analysis.migrationFindings.count { $0.severity == .warning }

    var planner = EditPlanner(
      document: analysis.document, configuration: configuration, path: path, anchors: analysis.managedIdentityAnchors)
    for group in Self.groups(of: analysis.injections.filter(\.isRewritable)) {
      planner.plan(group)
    }
    if !planner.edits.isEmpty { planner.remove(variables: analysis.removableVariables) }
    result.findings += planner.findings
    result.findings.sort(by: Finding.locationOrder)
    result.injections = InjectionRecorder.records(
      for: analysis, configuration: configuration, path: path, rewritten: !result.hasErrors)
    if result.hasErrors || planner.edits.isEmpty { return result }
    result.output = TextEdit.apply(planner.edits, to: source)
    result.changed = result.output != source
    if result.changed, path.split(separator: "/").dropLast().contains(where: { $0.lowercased() == "workspaces" }),
      let first = result.injections.first(where: { $0.outcome == .rewritten })
    {
      result.findings.append(Self.workspaceNote(line: first.line, column: first.column))
      result.findings.sort(by: Finding.locationOrder)
    }
    result.removedKeyNamedValues = planner.removedNamedValues
    result.edits = planner.edits
    result.acceptedOffsets = analysis.injections.filter(\.isAccepted).map(\.offset)
    return result
  }

  /// Whether an element of a rewrite's output is one of the injections that the rewrite left as
  /// accepted: their offsets moved by the edits before them.
  static func acceptedAgain(_ offsets: [Int], after edits: [TextEdit]) -> (PolicyElement) -> Bool {
    guard !offsets.isEmpty else { return { _ in false } }
    let moved = Set(
      offsets.map { offset in
        offset + edits.filter { $0.range.upperBound <= offset }.reduce(0) { $0 + $1.replacement.count - $1.range.count }
      })
    return { moved.contains($0.range.lowerBound) }
  }

  /// Injections grouped by the element that receives their one MI element, in document order.
  static func groups(of injections: [KeyInjection]) -> [[KeyInjection]] {
    var groups: [[KeyInjection]] = []
    var indexByContainer: [Int: Int] = [:]
    for injection in injections {
      guard let container = injection.placement.container else { continue }
      if let index = indexByContainer[container.range.lowerBound] {
        groups[index].append(injection)
      } else {
        indexByContainer[container.range.lowerBound] = groups.count
        groups.append([injection])
      }
    }
    return groups
  }

  // MARK: Messages

  /// Why a UTF-16 file that holds keys to migrate is refused.
  static let utf16Message =
    "the file is UTF-16; it holds function keys to migrate, but policy-rewrite writes UTF-8 only: convert it (iconv -f UTF-16 -t UTF-8) and run again"
}
