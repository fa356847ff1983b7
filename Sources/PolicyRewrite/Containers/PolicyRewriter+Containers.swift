import PolicyDOM

extension PolicyRewriter {
  /// Rewrites (or checks) each policy that `container` finds in `source` and reports its
  /// backend credentials and the embedded policies it cannot decode; findings point at the
  /// container file's own lines and columns.
  ///
  /// Each policy is rewritten by the policy engine on its decoded text; each edit is mapped
  /// back (the encoded form of the removed range goes, the replacement is encoded with the
  /// string's own escapes), so every byte outside the edits stays. Verification: the
  /// policies found again in the output must decode to exactly the texts the engine produced
  /// (which it has parsed and rewritten again without change).
  func process(
    _ container: some PolicyContainer, _ source: [UInt8], path: String, kind: SourceKind,
    credentials: BackendCredentialScanner.Format?, checking: Bool, accepted: Set<[Int]> = []
  ) -> RewriteResult {
    var result = RewriteResult(unchanged: source, isPolicy: false)
    var edits: [TextEdit] = []
    var decodedOutputs: [[UInt8]] = []
    // Built only for a file with something to report: most files have nothing.
    var lineMap: LineMap?
    var resourceTypes: ResourceTypeIndex?
    func location(of offset: Int) -> (line: Int, column: Int) {
      if lineMap == nil { lineMap = LineMap(source) }
      return lineMap!.location(of: offset)
    }
    let scan = container.scan(source, configuration: configuration)
    var undecodable = scan.undecodable
    var workspaceNoteAt: (Int, Int)?
    for policy in scan.policies {
      // An accepted injection is named by its place in the container file.
      let isAccepted: (PolicyElement) -> Bool =
        accepted.isEmpty
        ? { _ in false }
        : { element in
          let (line, column) = element.location
          guard let offset = policy.containerOffsets(of: [(line, column)]).first else { return false }
          let (fileLine, fileColumn) = location(of: offset)
          return accepted.contains([fileLine, fileColumn])
        }
      // A policy with cross-scope entries of its own (the policy graph's, by its text) is
      // decided with them.
      let engine =
        configuration.inlinePolicyFiles.isEmpty
        ? self
        : configuration.forInlinePolicy(policy.decoded, path: path).map {
          PolicyRewriter(configuration: $0, checksWithoutTree: checksWithoutTree)
        } ?? self
      let inner =
        checking
        ? engine.checkPolicy(policy.decoded, path: path, kind: kind)
        : engine.rewritePolicy(policy.decoded, path: path, kind: kind, isAccepted: isAccepted)
      decodedOutputs.append(inner.changed ? inner.output : policy.decoded)
      if !policy.reportsParseErrors, let error = inner.findings.first(where: { $0.diagnostic == .parseError }) {
        // Markup that is not a whole document: a piece that an expression completes.
        let form = "a string that is not a well-formed policy document (\(error.message))"
        if let found = policy.undecodable(configuration: configuration, form: form) { undecodable.append(found) }
        continue
      }
      result.isPolicy = result.isPolicy || inner.isPolicy
      let mappedOffsets = policy.containerOffsets(of: inner.findings.map { ($0.line, $0.column) })
      result.findings += zip(inner.findings, mappedOffsets).map { finding, offset in
        var mapped = finding
        (mapped.line, mapped.column) = location(of: offset)
        // Lines named in the message are the container file's too.
        if Self.namesLines(finding.rule) {
          mapped.message = Self.mapLines(in: finding.message) { line in
            policy.containerOffsets(of: [(line, 1)]).first.map { location(of: $0).line }
          }
        }
        return mapped
      }
      result.reviewCount += inner.reviewCount
      if !inner.injections.isEmpty {
        if lineMap == nil { lineMap = LineMap(source) }
        if resourceTypes == nil { resourceTypes = ResourceTypeIndex(source) }
        result.injections += records(of: inner, in: policy, resourceTypes: resourceTypes!, lines: lineMap!)
      }
      // A policy with a piece that cannot be decoded (markup inside an interpolation) is
      // reported, not rewritten: the engine cannot see what the deployed text will be.
      let holdsUndecodable = scan.undecodable.contains { policy.encodedRange.contains($0.offset) }
      if inner.changed && !holdsUndecodable {
        if resourceTypes == nil { resourceTypes = ResourceTypeIndex(source) }
        if workspaceNoteAt == nil, let types = resourceTypes, Self.isWorkspaceScope(at: policy, types: types),
          let first = result.injections.last(where: { $0.outcome == .rewritten })
        {
          workspaceNoteAt = (first.line, first.column)
        }
        edits += inner.edits.map(policy.containerEdit)
        result.removedKeyNamedValues.formUnion(inner.removedKeyNamedValues)
      } else if inner.changed {
        result.blockInjections(from: result.injections.count - inner.injections.count)
      }
    }
    for error in scan.errors {
      let (line, column) = location(of: error.offset)
      result.findings.append(
        Finding(diagnostic: .parseError, severity: .error, message: error.message, line: line, column: column))
      result.isPolicy = true
    }
    if let (line, column) = workspaceNoteAt { result.findings.append(Self.workspaceNote(line: line, column: column)) }
    for item in undecodable {
      let (line, column) = location(of: item.offset)
      var finding = Finding(
        rule: .undecodableEmbeddedPolicy, severity: .warning,
        message:
          "\(item.isQueryParameter ? "query parameter" : item.isNamedValue ? "function key named value" : "header") '\(item.header)' is named in \(item.form); it cannot be decoded to policy text, so it is not rewritten: migrate it by hand",
        line: line, column: column)
      finding.subject = PolicyAnalysis.lineDigest(source, from: item.offset)
      result.findings.append(finding)
      result.reviewCount += 1
      result.isPolicy = true
    }
    if let format = credentials {
      let backend = BackendCredentialScanner(configuration: configuration).findings(in: source, format: format)
      if !backend.isEmpty {
        result.isPolicy = true
        result.findings += backend
        result.reviewCount += backend.count
      }
    }
    result.findings.sort(by: Finding.locationOrder)
    if result.hasErrors || edits.isEmpty {
      result.removedKeyNamedValues = []
      if result.hasErrors { result.blockInjections() }
      return result
    }
    let output = TextEdit.apply(edits, to: source)
    let again = container.scan(output, configuration: configuration).policies.map(\.decoded)
    guard again == decodedOutputs else {
      result.removedKeyNamedValues = []
      result.blockInjections()
      result.findings.append(.onFile(.verificationFailed, .error, Self.containerVerificationMessage))
      return result
    }
    result.output = output
    result.changed = true
    result.edits = edits
    return result
  }

  /// What follows `line N` in a message where N is a line of another policy's text.
  private static let otherPolicysLine = Array(" of its policy".utf8)

  /// Whether the rule's messages name lines of the policy (`at line N`).
  static func namesLines(_ rule: Rule?) -> Bool {
    switch rule {
    case .authorizationWriter, .authorizationReaderAfterManagedIdentity, .authorizationTokenReplaced,
      .authorizationChildScope, .authorizationParentScope, .authorizationPossibleReader, .authorizationOtherBackend,
      .skippedKeyInjection, .templateDirective, .childScopeUnreadable, .managedIdentityOutputVariable,
      .parentScopeUnreadable, .unresolvedFragment:
      true
    default:
      false
    }
  }

  /// `message` with each `line N` replaced by `line M`, where `map(N)` is `M`; a line of
  /// another policy (`line N of its policy`, a child scope's) is left as it is.
  static func mapLines(in message: String, _ map: (Int) -> Int?) -> String {
    let bytes = Array(message.utf8)
    let marker = Array("line ".utf8)
    var output: [UInt8] = []
    var i = 0
    while i < bytes.count {
      if i + marker.count < bytes.count, bytes[i..<(i + marker.count)].elementsEqual(marker),
        i == 0
          || !(bytes[i - 1].asciiLowercased >= UInt8(ascii: "a") && bytes[i - 1].asciiLowercased <= UInt8(ascii: "z"))
      {
        var end = i + marker.count
        var number = 0
        while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9"), number < 1 << 40 {
          number = number * 10 + Int(bytes[end] - UInt8(ascii: "0"))
          end += 1
        }
        if end > i + marker.count, !bytes[end...].starts(with: Self.otherPolicysLine), let mapped = map(number) {
          output += marker + Array(String(mapped).utf8)
          i = end
          continue
        }
      }
      output.append(bytes[i])
      i += 1
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// Whether the embedded policy belongs to a workspace: a Terraform `…workspace…policy`
  /// resource, or a `Microsoft.ApiManagement/service/workspaces/…` resource.
  private static func isWorkspaceScope(at policy: EmbeddedPolicy, types: ResourceTypeIndex) -> Bool {
    let start = policy.containerOffsets(of: [(1, 1)]).first ?? 0
    if let type = types.terraformResourceType(enclosing: start), type.contains("workspace") { return true }
    return types.armResourceType(before: start)?.lowercased().contains("/workspaces") ?? false
  }

  /// The note on a migrated workspace-scope policy.
  static func workspaceNote(line: Int, column: Int) -> Finding {
    Finding(
      rule: .workspaceScope, severity: .note,
      message:
        "this is a workspace-scope policy: APIM's policy reference does not list the workspace scope for <authentication-managed-identity>; check that the workspace accepts it before deploying",
      line: line, column: column)
  }

  /// The injection records of one embedded policy, at the container's lines and columns; in
  /// Terraform the scope comes from the enclosing `azurerm_api_management_*_policy` resource, in
  /// Bicep and ARM from the nearest `Microsoft.ApiManagement/…/policies` type before the string.
  private func records(
    of inner: RewriteResult, in policy: EmbeddedPolicy, resourceTypes: ResourceTypeIndex, lines: LineMap
  ) -> [InjectionRecord] {
    guard !inner.injections.isEmpty else { return [] }
    let offsets = policy.containerOffsets(of: inner.injections.map { ($0.line, $0.column) })
    let start = policy.containerOffsets(of: [(1, 1)]).first ?? 0
    var scope = resourceTypes.terraformResourceType(enclosing: start).map(PolicyScope.of(terraformResourceType:))
    if scope == nil || scope == .unknown {
      scope = resourceTypes.armResourceType(before: start).map(PolicyScope.of(armResourceType:))
    }
    return zip(inner.injections, offsets).map { record, offset in
      var mapped = record
      (mapped.line, mapped.column) = lines.location(of: offset)
      if let scope, scope != .unknown, record.scope != .fragment { mapped.scope = scope }
      return mapped
    }
  }

  /// The format of a file of a type the rewriter does not read, named explicitly: a policy
  /// when its text starts with markup, otherwise an error that says the type is not handled.
  func processUnknownType(_ source: [UInt8], path: String) -> RewriteResult? {
    var i = source.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    while i < source.count, source[i].isXMLSpace { i += 1 }
    if i < source.count, source[i] == .lessThan { return nil }
    if source.starts(with: [0xFF, 0xFE]) || source.starts(with: [0xFE, 0xFF]) { return nil }
    var result = RewriteResult(unchanged: source, isPolicy: false)
    let name = path.split(separator: "/").last.map(String.init) ?? path
    result.findings.append(.onFile(.unsupportedFileType, .error, Self.unsupportedTypeMessage(name: name)))
    return result
  }

  // MARK: Messages

  /// Why a file of a type the rewriter does not read is not read: every format that is, named
  /// by its description.
  static func unsupportedTypeMessage(name: String) -> String {
    let formats = SourceFormatCatalog.all.compactMap(\.shownAs).joined(separator: ", ")
    return
      "unsupported file type: \(name) is not \(formats); policies in other files (Pulumi programs, scripts) are not read"
  }

  /// Why a container file whose rewritten policies do not decode back is left unchanged.
  static let containerVerificationMessage =
    "internal error: the rewritten policies did not decode back to the rewritten text; the file is left unchanged"
}
