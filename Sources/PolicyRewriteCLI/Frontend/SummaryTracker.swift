import PolicyDOM
import PolicyRewrite

/// Adds up reports and keeps what the named-value clean-up list needs.
struct SummaryTracker {
  private var totals = RunSummary()

  init(output: Frontend.Output) {
    totals.output = output
  }

  private var removed = Set<String>()
  private var referencedBy: [String: String] = [:]
  private var declared: [String: [CleanUpItem.Location]] = [:]
  private var declaredByAddress: [String: CleanUpItem.Location] = [:]
  /// The Terraform resources that name each named value's address, by that address.
  private var dependents: [String: [String]] = [:]
  private var vaultSecrets: [String: CleanUpItem.Location] = [:]
  private var keyLookingNamedValues = Set<String>()
  /// The map entries (named values and path patterns) that chose a resource in this run.
  private(set) var usedMapEntries = Set<String>()
  /// The named values that hold the keys of this run's injections.
  private(set) var keyNamedValues = Set<String>()
  /// For each default resource (the map's `default` or `--resource`), the named values of the
  /// rewritten injections that got it.
  private var defaultKeys: [String: Set<String>] = [:]
  /// For each of those resources, the first three of its named values in sorted order, which
  /// the warning names (kept as names come, not sorted again for each).
  private var firstDefaultKeys: [String: [String]] = [:]

  /// Adds a `shared-default-resource` warning to `report` at the first rewritten injection
  /// whose named value gets a default resource (`--resource` or the map's `default`) that an
  /// earlier file already gave to another named value: every Function App has its own key, so
  /// one audience for several keys reaches several apps, and all but one reject the token.
  mutating func warnOfSharedDefault(in report: inout FileReport) {
    for record in report.injections where record.outcome == .rewritten {
      guard [.default, .commandLine].contains(record.resolution.source), let resource = record.resolution.resource,
        case .namedValue(let name) = record.key
      else { continue }
      let earlier = defaultKeys[resource.value, default: []]
      guard defaultKeys[resource.value, default: []].insert(name).inserted else { continue }
      let first = firstDefaultKeys[resource.value, default: []]
      firstDefaultKeys[resource.value] = Array((first + [name]).sorted().prefix(3))
      guard !earlier.isEmpty else { continue }
      let others = first.map { "'\($0)'" }.joined(separator: ", ")
      report.findings.append(
        Finding(
          rule: .sharedDefaultResource, severity: .warning,
          message:
            "the default resource '\(resource.value)' is the audience for the key of named value '\(name)' and for \(others)\(earlier.count > 3 ? " and more" : ""): each Function App has its own Entra ID application, so all but one will reject the token; map each key to its app's audience (byNamedValue)",
          line: record.line, column: record.column, section: record.section))
    }
  }
  /// The named values of this run's injections that no map entry resolves.
  private(set) var unresolvedNamedValues = Set<String>()

  mutating func add(_ report: FileReport) {
    totals.add(report)
    removed.formUnion(report.removedKeyNamedValues)
    for name in report.referencedNamedValues where referencedBy[name] == nil { referencedBy[name] = report.path }
    for record in report.injections {
      if let entry = record.resolution.entry { usedMapEntries.insert(entry) }
      if case .namedValue(let name) = record.key {
        keyNamedValues.insert(name)
        if record.resolution.entry == nil { unresolvedNamedValues.insert(name) }
      }
      if record.outcome == .rewritten, let resource = record.resolution.resource {
        totals.audiences[resource.value, default: [:]][record.resolution.source, default: 0] += 1
      }
      if record.outcome == .accepted { totals.acceptedInjections += 1 }
    }
    for declaration in report.declarations {
      let location = CleanUpItem.Location(path: report.path, line: declaration.line, address: declaration.address)
      switch declaration.kind {
      case .namedValue:
        declared[declaration.name, default: []].append(
          CleanUpItem.Location(
            path: report.path, line: declaration.line, address: declaration.address,
            keyVaultSecret: declaration.keyVaultSecret))
        if let address = declaration.address {
          declaredByAddress[address] = CleanUpItem.Location(
            path: report.path, line: declaration.line, address: address, keyVaultSecret: declaration.keyVaultSecret)
        }
        if Declaration.looksLikeFunctionKey(declaration.name) { keyLookingNamedValues.insert(declaration.name) }
      case .keyVaultSecret:
        if let address = declaration.address { vaultSecrets[address] = location }
      case .backend:
        if let url = declaration.url { totals.backends[declaration.name] = url }
      case .dependent:
        if let address = declaration.address {
          dependents[declaration.name, default: []].append("\(address) at \(report.path):\(declaration.line)")
        }
      }
    }
  }

  var summary: RunSummary {
    var summary = totals
    summary.namedValuesToCleanUp = removed.filter { referencedBy[$0] == nil }.sorted()
    summary.namedValuesStillReferenced = referencedBy.filter { removed.contains($0.key) }
    summary.cleanUp =
      summary.namedValuesToCleanUp.map { item(for: $0, stillReferencedBy: nil) }
      + summary.namedValuesStillReferenced.keys.sorted().map { item(for: $0, stillReferencedBy: referencedBy[$0]) }
    let referencedAddresses = Set(referencedBy.keys.compactMap(Declaration.terraformAddress(inReference:)))
    summary.unreferencedKeyNamedValues = keyLookingNamedValues.subtracting(referencedBy.keys).subtracting(removed)
      .sorted().map { item(for: $0, stillReferencedBy: nil) }
      .filter { item in !item.declarations.contains { $0.address.map(referencedAddresses.contains) ?? false } }
    return summary
  }

  private func item(for name: String, stillReferencedBy path: String?) -> CleanUpItem {
    let byAddress = Declaration.terraformAddress(inReference: name).flatMap { declaredByAddress[$0] }
    let declarations = (declared[name] ?? byAddress.map { [$0] } ?? []).map { location in
      var location = location
      if let secret = location.keyVaultSecret, let secretLocation = vaultSecrets[secret] {
        location.keyVaultSecretLocation = CleanUpItem.Location.SecretLocation(
          path: secretLocation.path, line: secretLocation.line)
      }
      if let address = location.address, let names = dependents[address] { location.dependents = names.sorted() }
      return location
    }
    return CleanUpItem(namedValue: name, stillReferencedBy: path, declarations: declarations)
  }
}
