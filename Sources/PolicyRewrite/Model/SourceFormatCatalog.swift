import PolicyDOM

#if canImport(Glibc)
  import Glibc
#endif

/// Every source format's description: the one place that says which files policy-rewrite
/// reads and how. A new format adds its description here and its ``PolicyContainer`` in
/// `Containers/`; `SourceFormatCatalogTests` fails until every ``SourceFormat`` has exactly one
/// description and every default glob is claimed by the format that lists it.
package enum SourceFormatCatalog {
  /// All descriptions, in the order the unsupported-type message names them.
  package static let all: [SourceFormatDescription] = [
    policy, terraform, bicep, templateJSON, backendJSON, apiopsConfiguration, other,
  ]

  /// The globs that select files when a tree is walked, of every format.
  package static let defaultGlobs: [String] = all.flatMap(\.defaultGlobs)

  /// The description of `format`.
  package static func description(of format: SourceFormat) -> SourceFormatDescription {
    guard let description = byFormat[format] else { preconditionFailure("format \(format) has no description") }
    return description
  }

  private static let byFormat: [SourceFormat: SourceFormatDescription] = Dictionary(
    all.map { ($0.format, $0) }, uniquingKeysWith: { first, _ in first })

  /// A name pattern with its format, its texts as bytes.
  private struct Claim {
    var text: [UInt8]
    var prefix: [UInt8]
    var pattern: SourceFormatDescription.NamePattern
    var format: SourceFormat

    /// Whether it goes before `other`: longer first, a whole name before a suffix.
    func precedes(_ other: Claim) -> Bool {
      if text.count != other.text.count { return text.count > other.text.count }
      return pattern.match != .suffix && other.pattern.match == .suffix
    }
  }

  /// The name patterns of all formats, in the order they are tried: the first that matches
  /// claims the file.
  private static let claims: [Claim] = {
    var claims: [Claim] = []
    for description in all {
      for pattern in description.names {
        claims.append(
          Claim(
            text: Array(pattern.text.utf8), prefix: Array(pattern.prefix.utf8), pattern: pattern,
            format: description.format))
      }
    }
    return claims.sorted { $0.precedes($1) }
  }()

  /// The kind of the file at `path` (see ``SourceKind``).
  static func kind(of path: String) -> SourceKind {
    let bytes = Array(path.utf8)
    let name = bytes.lastIndex(of: .slash).map { bytes[($0 + 1)...] } ?? bytes[...]
    for claim in claims {
      let matches: Bool
      switch claim.pattern.match {
      case .suffix: matches = hasSuffix(name, claim.text) && hasPrefix(name, claim.prefix)
      case .name: matches = name.count == claim.text.count && hasSuffix(name, claim.text)
      case .path: matches = bytes == claim.text
      }
      if matches {
        return SourceKind(format: claim.format, masksTemplates: claim.pattern.masksTemplates, role: claim.pattern.role)
      }
    }
    return SourceKind(format: .other, masksTemplates: false, role: nil)
  }

  /// Whether `name` ends with the lower-case `suffix`, in any ASCII case (no copy is made).
  private static func hasSuffix(_ name: ArraySlice<UInt8>, _ suffix: [UInt8]) -> Bool {
    guard name.count >= suffix.count else { return false }
    let start = name.endIndex - suffix.count
    for k in 0..<suffix.count where name[start + k].asciiLowercased != suffix[k] { return false }
    return true
  }

  /// Whether `name` starts with the lower-case `prefix`, in any ASCII case.
  private static func hasPrefix(_ name: ArraySlice<UInt8>, _ prefix: [UInt8]) -> Bool {
    guard name.count >= prefix.count else { return false }
    for k in 0..<prefix.count where name[name.startIndex + k].asciiLowercased != prefix[k] { return false }
    return true
  }

  // MARK: The formats

  /// APIM policies and fragments: XML, rawxml, and Terraform policy templates.
  static let policy = SourceFormatDescription(
    format: .policy, shownAs: "a policy (.xml)",
    names: [
      .suffix(".xml"), .suffix(".tpl", masksTemplates: true), .suffix(".tftpl", masksTemplates: true),
      .suffix(".cshtml"), .suffix(".rawxml"), .name("policy.xml", role: .apiopsPolicy),
      .name("apipolicy.xml", role: .apiopsPolicy),
      .init(text: "<stdin>", match: .path, prefix: "", masksTemplates: false, role: nil),
    ],
    defaultGlobs: ["*.xml", "*.xml.tpl", "*.xml.tftpl", "*.tftpl", "*.tpl"],
    reading: .policy,
    mayConcern: { source in
      // Empty, binary and UTF-16 files are parsed too, so that they are reported, not skipped.
      source.containsLiteral("<policies") || source.containsLiteral("<fragment") || PolicyRewriter.maySnippet(source)
        || source.allSatisfy(\.isXMLSpace)
        || source.withUnsafeBytes { $0.baseAddress.map { memchr($0, 0, source.count) != nil } ?? false }
    },
    declarations: nil, functionApps: nil)

  /// Terraform files and variable files: policies in heredocs and quoted strings.
  static let terraform = SourceFormatDescription(
    format: .terraform, shownAs: "Terraform (.tf)",
    names: [.suffix(".tf", masksTemplates: true), .suffix(".tfvars", masksTemplates: true)],
    defaultGlobs: ["*.tf", "*.tfvars"], reading: .container(TerraformContainer(), credentials: .terraform),
    mayConcern: TerraformContainer.mayHold, declarations: .terraform, functionApps: .terraform)

  /// Bicep files and parameter files: policies in strings.
  static let bicep = SourceFormatDescription(
    format: .bicep, shownAs: "Bicep (.bicep)",
    names: [.suffix(".bicep", masksTemplates: true), .suffix(".bicepparam", masksTemplates: true)],
    defaultGlobs: ["*.bicep", "*.bicepparam"], reading: .container(BicepContainer(), credentials: .bicep),
    mayConcern: BicepContainer.mayHold, declarations: .bicep, functionApps: .bicep)

  /// JSON: ARM templates and parameters files, APIOps JSON, Terraform JSON (`.tf.json`).
  static let templateJSON = SourceFormatDescription(
    format: .templateJSON, shownAs: "ARM template or APIOps file (.json, .yaml)",
    names: [
      .suffix(".json"), .suffix(".tf.json", masksTemplates: true),
      .name("namedvalueinformation.json", role: .namedValueInformation), .name("apis.json", role: .productAPIs),
    ],
    defaultGlobs: ["*.json"],
    reading: .container(ARMContainer(), credentials: .json),
    mayConcern: { source in ARMContainer.recognises(source) },
    declarations: .apiopsInformation(.namedValueInformation), functionApps: .arm)

  /// APIOps `backendInformation.json`: one backend, its credentials reported.
  static let backendJSON = SourceFormatDescription(
    format: .backendJSON, shownAs: nil,
    names: [.suffix("backendinformation.json"), .name("backendinformation.json", role: .backendInformation)],
    defaultGlobs: [],
    reading: .credentials(.json),
    mayConcern: { source in source.containsLiteral("credentials") },
    declarations: .apiopsInformation(.backendInformation), functionApps: nil)

  /// APIOps `configuration.<env>.yaml`: named values and backends, credentials reported.
  static let apiopsConfiguration = SourceFormatDescription(
    format: .apiopsConfiguration, shownAs: nil,
    names: [.suffix(".yaml", prefix: "configuration."), .suffix(".yml", prefix: "configuration.")],
    defaultGlobs: ["configuration.*.yaml", "configuration.*.yml"],
    reading: .credentials(.yaml),
    mayConcern: { source in source.containsLiteral("credentials") },
    declarations: .apiopsConfiguration, functionApps: nil)

  /// Any other file, read when named on the command line or by an include glob.
  static let other = SourceFormatDescription(
    format: .other, shownAs: nil, names: [], defaultGlobs: [], reading: .byContent,
    // Named or included on purpose: read, so that an unsupported type is said so.
    mayConcern: { _ in true },
    declarations: nil, functionApps: nil)
}
