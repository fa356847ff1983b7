// The invariants every input of the fuzz target must have. This file is compiled twice: into
// the test target (FuzzRegressionTests replays the crashes the fuzzer found) and, by
// scripts/fuzz/run, into the fuzz binary's single module, where its import of PolicyRewrite is
// the module itself and is ignored.

@testable import PolicyDOM
@testable import PolicyRewrite

/// The properties every input must have, whatever its bytes.
enum FuzzInvariants {
  static let resource = "11111111-2222-3333-4444-555555555555"
  static let rewriter = PolicyRewriter(
    configuration: RewriteConfiguration(resources: ResourceMap(defaultResource: try! Resource(validating: resource))))
  /// The MI element the rewriter writes for `resource`, in both empty-element styles.
  static let managedIdentityTexts: [[UInt8]] = [
    Array("<authentication-managed-identity resource=\"\(resource)\" />".utf8),
    Array("<authentication-managed-identity resource=\"\(resource)\"/>".utf8),
  ]

  /// Every invariant that `input` violates, as sentences; empty when all hold.
  static func violations(_ input: [UInt8]) -> [String] {
    var problems: [String] = []
    problems += maskerViolations(input)
    problems += hiddenElementViolations(input)
    problems += scannerViolations(input)
    problems += detectionViolations(input)
    if input.containsLiteral("<<") { problems += containerViolations(input, path: "fuzz.tf") }
    if input.contains(.singleQuote) { problems += containerViolations(input, path: "fuzz.bicep") }
    if input.contains(.doubleQuote), input.containsLiteral("Microsoft.ApiManagement/") {
      problems += containerViolations(input, path: "fuzz.json")
    }

    let path = "fuzz.xml"
    let document: PolicyDocument?
    var parseError: ParseError?
    do {
      document = try PolicyDocument.parse(input)
    } catch {
      document = nil
      parseError = error
    }
    if let parseError, parseError.kind == .internalRange {
      problems.append("the parser recorded an element range that is not a tag: \(parseError)")
    }
    if let document { problems += spanViolations(document) }

    let result = rewriter.rewrite(input, path: path)
    let checked = rewriter.check(input, path: path)
    if checked.output != input || checked.changed { problems.append("check changed the bytes") }
    if document == nil {
      if result.output != input || result.changed { problems.append("rewrite changed an input that does not parse") }
      if !result.findings.contains(where: { $0.diagnostic == .parseError }) {
        problems.append("rewrite reported no parse-error for an input that does not parse (\(parseError!))")
      }
      if !checked.findings.contains(where: { $0.diagnostic == .parseError }) {
        problems.append("check reported no parse-error for an input that does not parse (\(parseError!))")
      }
    }
    if result.hasErrors, result.output != input || result.changed {
      problems.append("rewrite reported an error but changed the bytes")
    }
    // The rewriter verifies its own output (re-parse, idempotence, no remaining injection)
    // and reports a failure as an internal error: any such report is a bug found.
    if let failure = result.findings.first(where: { $0.diagnostic == .verificationFailed }) {
      problems.append("the rewriter's own verification failed: \(failure.message)")
    }
    if result.changed != (result.output != input) {
      problems.append("rewrite's changed flag (\(result.changed)) disagrees with its output")
    }
    if !result.hasErrors, EmbeddedPolicy.isPolicyText(input) { problems += embeddedViolations(input, result.output) }
    guard let document, !result.hasErrors, result.changed else { return problems }

    // The output parses, a second rewrite changes nothing, and no rewritable injection remains.
    let output = result.output
    let rewritten: PolicyDocument
    do {
      rewritten = try PolicyDocument.parse(output)
    } catch {
      problems.append("the rewritten output does not parse: \(error)")
      return problems
    }
    problems += spanViolations(rewritten)
    let second = rewriter.rewrite(output, path: path)
    if second.changed || second.output != output { problems.append("a second rewrite changed the output") }
    if second.hasErrors {
      problems.append(
        "a second rewrite reported errors: \(second.findings.filter { $0.severity == .error }.map(\.message))")
    }
    if rewriter.check(output, path: path).findings.contains(where: { $0.rule == .keyInjection }) {
      problems.append("check still reports a key-injection in the output")
    }

    // Bytes outside the edits are unchanged.
    let configuration = rewriter.configuration
    let analysis = PolicyAnalysis(document, configuration: configuration)
    let injections = analysis.injections.filter(\.isRewritable)
    let containers = injections.compactMap(\.placement.container)
    guard !injections.isEmpty, !containers.isEmpty else {
      problems.append("the output changed although the input has no rewritable injection")
      return problems
    }
    // 1. Every edit is inside the content of a container (an <inbound>, the parent of a
    //    nested injection, a <send-request>): the input before the first one and after the
    //    last one must be a common prefix and a common suffix of input and output.
    //    A key variable removed with its injections may stand outside them: its parent counts.
    let edited = containers + analysis.removableVariables.compactMap(\.parent)
    let first = edited.map(\.contentRange.lowerBound).min()!
    let last = edited.map(\.contentRange.upperBound).max()!
    var prefix = 0
    while prefix < min(input.count, output.count), input[prefix] == output[prefix] { prefix += 1 }
    var suffix = 0
    while suffix < min(input.count, output.count), input[input.count - 1 - suffix] == output[output.count - 1 - suffix]
    {
      suffix += 1
    }
    if prefix < first {
      problems.append("the output differs at offset \(prefix), before the first container (\(first))")
    }
    if input.count - suffix > last {
      problems.append("the output differs at input offset \(input.count - suffix), after the last container (\(last))")
    }
    // 2. The input without its injections and the output without its MI elements are the
    //    same bytes, once lines holding only spaces, tabs and CRs are dropped from both (a
    //    removal takes the line, a replacement keeps it; an insertion adds a line).
    let removed = (injections.map(\.element) + analysis.removableVariables).map(\.range).sorted {
      $0.lowerBound < $1.lowerBound
    }
    var stripped: [UInt8] = []
    var cursor = 0
    for range in removed where range.lowerBound >= cursor {
      stripped += input[cursor..<range.lowerBound]
      cursor = range.upperBound
    }
    stripped += input[cursor...]
    let (inputSkeleton, inputMI) = skeleton(stripped)
    let (outputSkeleton, outputMI) = skeleton(output)
    if inputSkeleton != outputSkeleton {
      problems.append("the output differs from the input in more than the injections and the MI elements")
    }
    let groups = containers.enumerated().filter { index, container in
      !containers[..<index].contains { $0.isSame(as: container) }
    }.count
    if outputMI < inputMI || outputMI > inputMI + groups {
      problems.append("the output has \(outputMI - inputMI) new MI elements for \(groups) containers")
    }
    return problems
  }

  /// The policy embedded in a Bicep `'…'` string and in an ARM template's JSON string is
  /// rewritten exactly as the policy file is: the container's string decodes to `expected`.
  static func embeddedViolations(_ input: [UInt8], _ expected: [UInt8]) -> [String] {
    var problems: [String] = []
    let containers: [(path: String, prefix: String, suffix: String, escaping: StringEscaping)] = [
      ("fuzz.bicep", "var policy = '", "'\n", .bicep),
      (
        "fuzz.json", "{ \"type\": \"Microsoft.ApiManagement/service/policies\", \"value\": \"", "\" }\n",
        .json(unicodeMarkup: false)
      ),
    ]
    for container in containers {
      let prefix = Array(container.prefix.utf8)
      // A Bicep string's encoding writes `${` as `\${`: the policy's own `${` is text, not an
      // interpolation.
      let encoded = container.escaping.encode(input)
      let file = prefix + encoded + Array(container.suffix.utf8)
      let result = rewriter.rewrite(file, path: container.path)
      guard !result.hasErrors else { continue }
      let scan: ContainerScan =
        container.path.hasSuffix(".json")
        ? ARMContainer().scan(result.output, configuration: rewriter.configuration)
        : BicepContainer().scan(result.output, configuration: rewriter.configuration)
      guard let policy = scan.policies.first(where: { $0.encodedRange.lowerBound == prefix.count }) else {
        problems.append("\(container.path): the embedded policy is not found again")
        continue
      }
      if policy.decoded != expected {
        problems.append("\(container.path): the embedded policy was not rewritten as the policy file was")
      }
    }
    return problems
  }

  /// The same input read as a Terraform, Bicep or ARM file: its embedded policies are
  /// rewritten, once, and an error leaves the bytes as they were.
  static func containerViolations(_ input: [UInt8], path: String) -> [String] {
    var problems: [String] = []
    let result = rewriter.rewrite(input, path: path)
    _ = rewriter.check(input, path: path)
    if result.hasErrors, result.output != input || result.changed {
      problems.append("\(path): rewrite reported an error but changed the bytes")
    }
    if result.changed {
      let second = rewriter.rewrite(result.output, path: path)
      if second.changed || second.output != result.output {
        problems.append("\(path): a second rewrite changed the output")
      }
    }
    return problems
  }

  /// The bytes without the MI elements and the lines that hold only spaces, tabs and CRs,
  /// and the number of MI elements removed.
  static func skeleton(_ bytes: [UInt8]) -> ([UInt8], Int) {
    var text: [UInt8] = []
    var count = 0
    var i = 0
    scan: while i < bytes.count {
      for mi in managedIdentityTexts where bytes.count - i >= mi.count && bytes[i..<(i + mi.count)].elementsEqual(mi) {
        i += mi.count
        count += 1
        continue scan
      }
      text.append(bytes[i])
      i += 1
    }
    var result: [UInt8] = []
    var lineStart = 0
    while lineStart < text.count {
      let lineEnd = text[lineStart...].firstIndex(of: 0x0A).map { $0 + 1 } ?? text.count
      let line = text[lineStart..<lineEnd]
      if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) { result += line }
      lineStart = lineEnd
    }
    return (result, count)
  }

  /// The masker keeps the length and only writes `_`.
  static func maskerViolations(_ input: [UInt8]) -> [String] {
    guard let masked = try? ExpressionMasker.mask(input) else { return [] }
    if masked.count != input.count { return ["the masker changed the length"] }
    for (offset, (a, b)) in zip(input, masked).enumerated() where a != b && b != UInt8(ascii: "_") {
      return ["the masker wrote \(b) at offset \(offset)"]
    }
    return []
  }

  /// A document ``WellFormedScanner`` vouches for, as written or masked, is one libxml2 reads
  /// without an error, with the same root, and the scanner's reading of it has the same
  /// elements as libxml2's: spans, names, structure and attribute values.
  static func scannerViolations(_ input: [UInt8]) -> [String] {
    var readings = [input]
    if let masked = try? ExpressionMasker.mask(input) { readings.append(masked) }
    for bytes in readings {
      guard let root = bytes.withUnsafeBufferPointer(WellFormedScanner.rootName(of:)) else { continue }
      do {
        let document = try PolicyDocument.parsedAsWritten(bytes)
        if document.root.name != root { return ["the scanner named the root \(root), libxml2 \(document.root.name)"] }
        if bytes.withUnsafeBufferPointer(WellFormedScanner.elements(of:)) != document.elements {
          return ["the scanner's elements differ from libxml2's"]
        }
      } catch {
        return ["the scanner vouched for a document libxml2 refuses: \(error.message)"]
      }
    }
    return []
  }

  /// Every element libxml2 sees in the file as written, when that is well-formed, is seen
  /// after masking too (as a plain policy and as a template): masking never hides an element
  /// from `check`.
  static func hiddenElementViolations(_ input: [UInt8]) -> [String] {
    guard let unmasked = try? PolicyDocument.parsedAsWritten(input) else { return [] }
    let expected = elementStarts(unmasked)
    var problems: [String] = []
    for templates in [false, true] {
      let options = PolicyDocument.ParseOptions(masksTemplates: templates)
      guard let masked = try? PolicyDocument.parse(input, options: options) else { continue }
      let seen = elementStarts(masked)
      if let missing = expected.first(where: { !seen.contains($0) }) {
        problems.append(
          "masking (templates: \(templates)) hid the element <\(missing.name)> at offset \(missing.offset)")
      }
    }
    return problems
  }

  /// Each element's name and start offset.
  static func elementStarts(_ document: PolicyDocument) -> Set<ElementStart> {
    var result = Set<ElementStart>()
    var stack = [document.root]
    while let element = stack.popLast() {
      result.insert(ElementStart(name: element.name, offset: element.range.lowerBound))
      stack += element.children
    }
    return result
  }

  struct ElementStart: Hashable {
    var name: String
    var offset: Int
  }

  /// Every element's range starts with `<name` and ends with `>`; a non-empty element's
  /// content ends where its end tag `</name` starts.
  static func spanViolations(_ document: PolicyDocument) -> [String] {
    let source = document.source
    var problems: [String] = []
    var stack = [document.root]
    while let element = stack.popLast(), problems.isEmpty {
      let range = element.range
      let content = element.contentRange
      guard range.lowerBound >= 0, range.upperBound <= source.count, range.lowerBound < range.upperBound,
        range.lowerBound < content.lowerBound, content.lowerBound <= content.upperBound,
        content.upperBound <= range.upperBound
      else {
        problems.append("element <\(element.name)> has inconsistent ranges \(range), \(content)")
        break
      }
      let name = Array(element.name.utf8)
      var nameEnd = range.lowerBound + 1
      while nameEnd < range.upperBound, !source[nameEnd].isXMLSpace, source[nameEnd] != UInt8(ascii: "/"),
        source[nameEnd] != UInt8(ascii: ">")
      {
        nameEnd += 1
      }
      let written = source[(range.lowerBound + 1)..<nameEnd]
      if source[range.lowerBound] != UInt8(ascii: "<") || source[range.upperBound - 1] != UInt8(ascii: ">")
        || !written.reversed().starts(with: name.reversed())
      {
        problems.append("the range \(range) of <\(element.name)> does not hold its tag")
      }
      if !element.isEmptyElementTag {
        let endTag = source[content.upperBound..<range.upperBound]
        if !endTag.starts(with: [UInt8(ascii: "<"), UInt8(ascii: "/")] + written) {
          problems.append("the content of <\(element.name)> does not end at its end tag")
        }
      }
      stack += element.children
    }
    return problems
  }
}

extension PolicyDocument {
  /// libxml2's reading of `source` exactly as written, without masking anything: what the
  /// invariants compare the scanner and the masker against.
  static func parsedAsWritten(_ source: [UInt8]) throws(ParseError) -> PolicyDocument {
    try checkEncoding(source)
    return PolicyDocument(source: source, elements: try LibXML2Parser.parse(source, original: source))
  }
}
