import FoundationEssentials
import PolicyDOM
import PolicyRewrite

extension RunSummary {
  /// `1 file`, `2 files`: a count with its noun in the right number.
  static func count(_ number: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(number) \(number == 1 ? singular : plural ?? singular + "s")"
  }

  /// The closing lines every format writes on standard error; the first is the one-line total.
  func lines(for command: Frontend.Command) -> [String] {
    var lines: [String]
    switch command {
    case .migrate:
      let outcome =
        switch output {
        case .none: "\(changed) would change"
        case .inPlace: "\(changed) rewritten"
        case .directory(let directory): "\(changed) written to \(directory)"
        }
      let accepted =
        acceptedInjections > 0 ? ", \(Self.count(acceptedInjections, "injection")) left as accepted" : ""
      lines = [
        "policy-rewrite migrate: \(Self.count(scanned, "file")) scanned, \(outcome), \(unchanged) unchanged, \(needingReview) needing review\(accepted), \(errors) with errors"
      ]
      if !audiences.isEmpty { lines.append("resources: " + audienceList) }
      if let line = noGlobalPolicyLine { lines.append(line) }
      let cleanUp = self.cleanUp.filter { $0.stillReferencedBy == nil }
      let kept = self.cleanUp.filter { $0.stillReferencedBy != nil }
      if !cleanUp.isEmpty {
        // One named value a line: a run over a whole repository lists hundreds.
        lines.append(
          "named values that held keys and are no longer referenced (delete them and their Key Vault secrets after the switch):"
        )
        lines += Escaping.cappedLines(cleanUp.map(\.text))
      }
      if !kept.isEmpty {
        lines.append("named values that held keys and are still referenced elsewhere (keep them for now):")
        lines += Escaping.cappedLines(kept.map(\.text))
      }
    case .check:
      let accepted = suppressed > 0 ? ", \(suppressed) suppressed" : ""
      lines = [
        "policy-rewrite check: \(Self.count(scanned, "file")) scanned, \(Self.count(findings, "finding")) in \(Self.count(withFindings, "file"))\(accepted), \(errors) with errors"
      ]
    case .plan:
      lines = [
        "policy-rewrite plan: \(Self.count(scanned, "file")) scanned, \(needingReview) needing review, \(errors) with errors"
      ]
      if let line = noGlobalPolicyLine { lines.append(line) }
    }
    return lines
  }

  /// For a run that rewrites a key while no global policy is among its files (it lives in
  /// another repository, or the run names part of a tree), the line that says the global
  /// scope was not checked: every pipeline runs it, and what it does with `Authorization` is
  /// not known (`rewrite-spec.md` §2c). `nil` otherwise.
  var noGlobalPolicyLine: String? {
    guard let graph = policyGraph, !audiences.isEmpty, !Frontend.hasGlobalPolicy(graph) else { return nil }
    return
      "no global policy among the scanned files: whether the global scope reads, removes or writes Authorization, or routes requests to another backend, was not checked"
  }

  /// `R: N (namedValue 2, path 1); …`: rewritten injections per resource and where it came from.
  var audienceList: String {
    Escaping.cappedList(
      audiences.keys.sorted().map { resource in
        let sources = audiences[resource] ?? [:]
        let total = sources.values.reduce(0, +)
        let detail = ResourceResolution.Source.allCases.compactMap { source in
          sources[source].map { "\(source.rawValue) \($0)" }
        }
        return "\(resource): \(total) (\(detail.joined(separator: ", ")))"
      }, separator: "; ")
  }
}
