import PolicyDOM
import PolicyRewrite

/// Writes a SARIF 2.1.0 log that GitHub code scanning accepts: the tool with every rule,
/// and one result per finding with a repository-relative location and a fingerprint.
///
/// With `--diff`, diffs go to standard error, since standard output holds the log.
final class SARIFReporter: Reporter {
  /// The page that documents the tool and each of its rules: the policy it migrates to.
  static let documentationURI =
    "https://learn.microsoft.com/azure/api-management/authentication-managed-identity-policy"

  struct Text: Encodable { var text: String }

  struct RuleConfiguration: Encodable { var level: String }

  struct RuleDescriptor: Encodable {
    var id: String
    var name: String
    var shortDescription: Text
    var fullDescription: Text
    var defaultConfiguration: RuleConfiguration
    var helpUri = SARIFReporter.documentationURI
  }

  struct Driver: Encodable {
    var name = "policy-rewrite"
    var version = PolicyRewriteVersion.current
    var semanticVersion = PolicyRewriteVersion.current
    var informationUri = SARIFReporter.documentationURI
    var rules: [RuleDescriptor]
  }

  struct Tool: Encodable { var driver: Driver }

  struct ArtifactLocation: Encodable {
    var uri: String
    var uriBaseId = "%SRCROOT%"
  }

  struct Region: Encodable {
    var startLine: Int
    var startColumn: Int
  }

  struct PhysicalLocation: Encodable {
    var artifactLocation: ArtifactLocation
    var region: Region
  }

  struct Location: Encodable { var physicalLocation: PhysicalLocation }

  struct Result: Encodable {
    var ruleId: String
    var ruleIndex: Int
    var level: String
    var message: Text
    var locations: [Location]
    var partialFingerprints: [String: String]
    var suppressions: [Suppression]?
    /// Every place the message is about, when it names only the first few (SARIF §3.27.22).
    var relatedLocations: [RelatedLocation]?
  }

  /// A place a result is about, as its message names it (SARIF §3.28: a location that is only
  /// a message).
  struct RelatedLocation: Encodable {
    var id: Int
    var message: Text
  }

  /// A result a person accepted (SARIF §3.35): in the source, or in an external baseline.
  struct Suppression: Encodable {
    var kind: String
    var justification: String
  }

  struct Run: Encodable {
    var tool: Tool
    var results: [Result]
  }

  struct Log: Encodable {
    var schema = "https://json.schemastore.org/sarif-2.1.0.json"
    var version = "2.1.0"
    var runs: [Run]

    enum CodingKeys: String, CodingKey {
      case schema = "$schema"
      case version, runs
    }
  }

  private let target: ReportTarget
  private var results: [Result] = []

  init(_ target: ReportTarget) {
    self.target = target
  }

  static func level(_ severity: Severity) -> String {
    switch severity {
    case .error: "error"
    case .warning: "warning"
    case .note: "note"
    }
  }

  func report(_ file: FileReport) {
    if target.diff, !file.diff.isEmpty {
      target.errors.write(file.diff)
      target.errors.flush()
    }
    let accepted = file.suppressed.map { ($0.finding, Optional($0)) }
    for (finding, suppression) in file.findings.map({ ($0, SuppressedFinding?.none) }) + accepted {
      let uri = Self.uri(for: file.path)
      let fingerprint = Fingerprint.of([finding.id.rawValue, uri, finding.section, finding.message])
      results.append(
        Result(
          ruleId: finding.id.rawValue, ruleIndex: FindingID.allCases.firstIndex(of: finding.id) ?? 0,
          level: Self.level(finding.severity), message: Text(text: finding.message),
          locations: [
            Location(
              physicalLocation: PhysicalLocation(
                artifactLocation: ArtifactLocation(uri: uri),
                region: Region(startLine: finding.line, startColumn: finding.column)))
          ],
          partialFingerprints: ["policyRewrite/v1": fingerprint],
          suppressions: suppression.map {
            [Suppression(kind: $0.kind == .inSource ? "inSource" : "external", justification: $0.reason)]
          },
          relatedLocations: finding.related.isEmpty
            ? nil : finding.related.enumerated().map { RelatedLocation(id: $0, message: Text(text: $1)) }))
    }
  }

  func finish(_ summary: RunSummary) {
    let rules = FindingID.allCases.map { rule in
      RuleDescriptor(
        id: rule.rawValue,
        name: rule.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
        shortDescription: Text(text: rule.summary), fullDescription: Text(text: rule.summary),
        defaultConfiguration: RuleConfiguration(level: Self.level(rule.defaultSeverity)))
    }
    let log = Log(runs: [Run(tool: Tool(driver: Driver(rules: rules)), results: results)])
    target.finish(writing: log, summary)
  }

  /// A relative URI for a path (see `Escaping.uriPath`).
  static func uri(for path: String) -> String { Escaping.uriPath(path) }
}
