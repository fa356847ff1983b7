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
    _ container: some PolicyContainer, _ source: [UInt8], path: String, checking: Bool
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
    for policy in scan.policies {
      let inner = checking ? checkPolicy(policy.decoded, path: path) : rewritePolicy(policy.decoded, path: path)
      decodedOutputs.append(inner.changed ? inner.output : policy.decoded)
      if !policy.reportsParseErrors, let error = inner.findings.first(where: { $0.rule == .parseError }) {
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
        edits += inner.edits.map(policy.containerEdit)
        result.removedKeyNamedValues.formUnion(inner.removedKeyNamedValues)
      } else if inner.changed {
        result.blockInjections(from: result.injections.count - inner.injections.count)
      }
    }
    for item in undecodable {
      let (line, column) = location(of: item.offset)
      result.findings.append(
        Finding(
          rule: .undecodableEmbeddedPolicy, severity: .warning,
          message:
            "header '\(item.header)' is named in \(item.form); it cannot be decoded to policy text, so it is not rewritten: migrate it by hand",
          line: line, column: column))
      result.reviewCount += 1
      result.isPolicy = true
    }
    if let format = container.credentialsFormat {
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
      result.findings.append(
        Finding(
          rule: .verificationFailed, severity: .error,
          message:
            "internal error: the rewritten policies did not decode back to the rewritten text; the file is left unchanged",
          line: 1, column: 1))
      return result
    }
    result.output = output
    result.changed = true
    result.edits = edits
    return result
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
    result.findings.append(
      Finding(
        rule: .unsupportedFileType, severity: .error,
        message:
          "unsupported file type: \(name) is not a policy (.xml), Terraform (.tf), Bicep (.bicep), ARM template or APIOps file (.json, .yaml); policies in other files (Pulumi programs, scripts) are not read",
        line: 1, column: 1))
    return result
  }
}
