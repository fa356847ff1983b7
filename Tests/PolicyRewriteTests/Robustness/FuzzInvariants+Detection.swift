// Detection invariants of the fuzz target, compiled with FuzzInvariants.swift into the test
// target and, by scripts/fuzz/run, into the fuzz binary's single module.

@testable import PolicyDOM
@testable import PolicyRewrite

extension FuzzInvariants {
  /// The detection invariants: a key header is reported, the tree and tree-free `check`
  /// agree, and a policy read from a container is reported and rewritten as the policy file.
  static func detectionViolations(_ input: [UInt8], rewriter: PolicyRewriter = rewriter) -> [String] {
    var problems: [String] = []
    for path in ["fuzz.xml", "fuzz.xml.tpl"] {
      problems += independentDetectorViolations(input, path: path, rewriter: rewriter)
      problems += treeFreeViolations(input, path: path, rewriter: rewriter)
    }
    if EmbeddedPolicy.isPolicyText(input) { problems += containerDetectionViolations(input, rewriter: rewriter) }
    return problems
  }

  // MARK: An independent detector

  /// The lines of the active key headers of `input`, found without the rules: every
  /// `<set-header>` element of a parsed `<policies>` or `<fragment>` (read as the rewriter reads
  /// `path`) whose `name` is a key header, whose `exists-action` is absent, `override`, `skip`
  /// or `append`, and that has a `<value>`.
  static func activeKeyHeaderLines(_ input: [UInt8], path: String, configuration: RewriteConfiguration) -> [Int] {
    guard let document = try? PolicyDocument.parse(input, options: SourceFormat.parseOptions(path: path)),
      document.root.hasName("policies") || document.root.hasName("fragment")
    else { return [] }
    var lines: [Int] = []
    var stack = [document.root]
    while let element = stack.popLast() {
      stack += element.children
      guard element.hasName("set-header"), let name = element.attribute("name"),
        configuration.keyHeaders.contains(name.lowercased())
      else { continue }
      let action = element.attribute("exists-action")
      guard action == nil || ["override", "skip", "append"].contains(action!) else { continue }
      guard element.children.contains(where: { $0.hasName("value") }) else { continue }
      lines.append(element.location.line)
    }
    return lines.sorted()
  }

  /// An active key header in the input yields a finding on its line (a key injection, or a
  /// review item that names it): `check` cannot pass a file that sends a key.
  static func independentDetectorViolations(_ input: [UInt8], path: String, rewriter: PolicyRewriter) -> [String] {
    let lines = activeKeyHeaderLines(input, path: path, configuration: rewriter.configuration)
    guard !lines.isEmpty else { return [] }
    let findings = rewriter.check(input, path: path).findings
    let reported = Set(findings.filter { $0.severity != .note }.map(\.line))
    let missed = lines.filter { !reported.contains($0) }
    let list = missed.map(String.init).joined(separator: ", ")
    return missed.isEmpty ? [] : ["\(path): an active key header on line \(list) has no finding"]
  }

  // MARK: Tree and tree-free check

  /// `check` without a tree (for a file in which no rule could report) finds what the full
  /// analysis finds.
  static func treeFreeViolations(_ input: [UInt8], path: String, rewriter: PolicyRewriter) -> [String] {
    let full = PolicyRewriter(configuration: rewriter.configuration, checksWithoutTree: false)
    let fast = rewriter.check(input, path: path).findings.map(Self.summary)
    let slow = full.check(input, path: path).findings.map(Self.summary)
    return fast == slow ? [] : ["\(path): check without a tree found \(fast), the full analysis \(slow)"]
  }

  static func summary(_ finding: Finding) -> String { "\(finding.id.rawValue)@\(finding.line):\(finding.column)" }

  // MARK: Containers

  /// The containers a policy is read from, as the rewriter reads them: its text in a Terraform
  /// heredoc, a Terraform quoted string, a Bicep `'…'` string and an ARM template's JSON string.
  static func containers(of policy: [UInt8]) -> [(path: String, bytes: [UInt8], start: Int)] {
    var result: [(String, [UInt8], Int)] = []
    let heredocPrefix = Array("resource \"azurerm_api_management_api_policy\" \"p\" {\n  xml_content = <<XML\n".utf8)
    if !policy.contains(where: { $0 == .carriageReturn }),
      !String(decoding: policy, as: UTF8.self)
        .split(separator: "\n", omittingEmptySubsequences: false).contains(where: { $0.trimmingXMLSpace == "XML" })
    {
      let body = policy.last == .lineFeed ? policy : policy + [.lineFeed]
      result.append(("fuzz.tf", heredocPrefix + body + Array("XML\n}\n".utf8), heredocPrefix.count))
    }
    let bicepPrefix = Array("var policy = '".utf8)
    // The encoding writes `${` as `\${`: the policy's own `${` is text, not an interpolation.
    let bicep = StringEscaping.bicep.encode(policy)
    result.append(("fuzz.bicep", bicepPrefix + bicep + Array("'\n".utf8), bicepPrefix.count))
    let armPrefix = Array("{ \"type\": \"Microsoft.ApiManagement/service/apis/policies\", \"value\": \"".utf8)
    result.append(
      (
        "fuzz.json", armPrefix + StringEscaping.json(unicodeMarkup: false).encode(policy) + Array("\" }\n".utf8),
        armPrefix.count
      ))
    return result
  }

  /// The rules that report on a policy's content, as opposed to the file (parse errors) or the
  /// container (backend credentials, undecodable pieces).
  static func isPolicyRule(_ id: FindingID) -> Bool {
    guard case .rule(let rule) = id else { return false }
    return ![.backendCredentials, .undecodableEmbeddedPolicy].contains(rule)
  }

  /// For each container of a policy: `check` of the container finds every finding the full
  /// analysis of the policy file finds (by rule), and a rewrite keeps the container valid
  /// (its policy found again at the same place, the ARM file still JSON) with the policy file's
  /// rewrite inside.
  static func containerDetectionViolations(_ input: [UInt8], rewriter: PolicyRewriter) -> [String] {
    let full = PolicyRewriter(configuration: rewriter.configuration, checksWithoutTree: false)
    var problems: [String] = []
    for container in containers(of: input) {
      // The policy as the container's format reads it (a `.tf` heredoc masks templates, and
      // its body ends with a line end).
      let policyPath = container.path == "fuzz.tf" ? "fuzz.xml.tpl" : "fuzz.xml"
      let original: ContainerScan =
        switch container.path {
        case "fuzz.tf": TerraformContainer().scan(container.bytes, configuration: rewriter.configuration)
        case "fuzz.bicep": BicepContainer().scan(container.bytes, configuration: rewriter.configuration)
        default: ARMContainer().scan(container.bytes, configuration: rewriter.configuration)
        }
      guard original.policies.count == 1 else {
        problems.append("\(container.path): the container's policy is not found")
        continue
      }
      let policy = original.policies[0].decoded
      if container.path != "fuzz.tf", policy != input {
        problems.append("\(container.path): the container's policy does not decode to the policy")
      }
      let policyFindings = full.check(policy, path: policyPath).findings
      guard !policyFindings.contains(where: { $0.diagnostic == .parseError }) else { continue }
      let expected = policyFindings.map(\.id).filter(isPolicyRule).map(\.rawValue).sorted()
      let found = rewriter.check(container.bytes, path: container.path).findings.map(\.id).filter(isPolicyRule)
        .map(\.rawValue).sorted()
      if found != expected {
        problems.append("\(container.path): check of the container found \(found), the policy file \(expected)")
      }
      let rewritten = rewriter.rewrite(container.bytes, path: container.path)
      guard rewritten.changed else { continue }
      let scan: ContainerScan =
        switch container.path {
        case "fuzz.tf": TerraformContainer().scan(rewritten.output, configuration: rewriter.configuration)
        case "fuzz.bicep": BicepContainer().scan(rewritten.output, configuration: rewriter.configuration)
        default: ARMContainer().scan(rewritten.output, configuration: rewriter.configuration)
        }
      if scan.policies.count != 1 || !scan.undecodable.isEmpty {
        problems.append("\(container.path): the rewritten container holds \(scan.policies.count) policies")
        continue
      }
      if container.path == "fuzz.json", JSONSyntax.firstError(in: rewritten.output) != nil {
        problems.append("fuzz.json: the rewritten ARM file is not JSON")
      }
      let expectedOutput = rewriter.rewrite(policy, path: policyPath)
      if scan.policies[0].decoded != expectedOutput.output {
        problems.append("\(container.path): the container's policy was not rewritten as the policy file was")
      }
    }
    return problems
  }
}
