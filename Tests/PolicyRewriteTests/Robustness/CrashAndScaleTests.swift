import Foundation
import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// Inputs that crashed the tool or made it quadratic (issue 22, items 13 and 14). A crash is
/// seen end to end (the process must end with a status, not a signal); linearity is held by
/// counting work, never by timing (the times are in `scripts/bench-scale`).
@Suite(.slow, .tags(.slow)) struct CrashAndScaleTests {
  /// 175,000 nested `${"` (525 KB): one call per level overflowed the stack.
  static let nesting = String(repeating: "${\"", count: 175_000)

  static func expectEnded(_ outcome: (status: Int32, stdout: Data, stderr: String), _ allowed: Set<Int32>) {
    #expect(allowed.contains(outcome.status), "status \(outcome.status): \(outcome.stderr.suffix(500))")
  }

  @Test func deeplyNestedTemplateHolesInTerraformOverflowedTheStack() throws {
    let tf =
      "resource \"azurerm_api_management_api_policy\" \"p\" {\n  xml_content = \"<policies>\(Self.nesting)\"\n}\n"
    try withTemporaryTree(["main.tf": tf]) { root in
      Self.expectEnded(run(["check", "main.tf"], cwd: root), [0, 1, 2])
      let before = CLI.snapshot(root)
      Self.expectEnded(run(["migrate", "--write", "--resource", CLI.resource, "main.tf"], cwd: root), [0, 1, 2])
      #expect(CLI.allNames(root) == ["main.tf"], "no temporary file is left")
      #expect(CLI.snapshot(root) == before)
    }
  }

  @Test func deeplyNestedStringsInBackendCredentialsOverflowedTheStack() throws {
    let bicep =
      "resource b 'Microsoft.ApiManagement/service/backends@2023-05-01-preview' = {\n  properties: {\n    credentials: {\n      header: {\n        'x-trace': [ \"\(Self.nesting)\" ]\n      }\n    }\n  }\n}\n"
    let json = "{ \"properties\": { \"credentials\": { \"header\": { \"x-trace\": [\"\(Self.nesting)\"] } } } }\n"
    try withTemporaryTree(["main.bicep": bicep, "backends/b/backendInformation.json": json]) { root in
      Self.expectEnded(run(["check", "main.bicep"], cwd: root), [0, 1, 2])
      Self.expectEnded(run(["check", "backends/b/backendInformation.json"], cwd: root), [0, 1, 2])
    }
  }

  /// The recursive scanner the iterative one replaced, as the reference on shallow input.
  struct RecursiveScanner {
    let bytes: [UInt8]
    func skipString(from index: Int) -> Int {
      var i = index
      while i < bytes.count {
        let b = bytes[i]
        if b == .backslash {
          i += 2
          continue
        }
        if b == .doubleQuote || b == .lineFeed { return i + 1 }
        if b == .dollar || b == .percent, i + 1 < bytes.count, bytes[i + 1] == .openBrace {
          if i > 0, bytes[i - 1] == b {
            i += 2
            continue
          }
          i = skipTemplate(from: i + 2)
          continue
        }
        i += 1
      }
      return bytes.count
    }
    func skipTemplate(from index: Int) -> Int {
      var depth = 1
      var i = index
      while i < bytes.count {
        let b = bytes[i]
        if b == .doubleQuote {
          i = skipString(from: i + 1)
          continue
        }
        if b == .openBrace { depth += 1 }
        if b == .closeBrace {
          depth -= 1
          if depth == 0 { return i + 1 }
        }
        if b == .lineFeed { return i }
        i += 1
      }
      return i
    }
  }

  @Test func theIterativeScannerSkipsStringsAndHolesAsTheRecursiveOneDid() {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("{}\"$%\\\n a".utf8)
    for _ in 0..<3_000 {
      let bytes = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)!
      }
      let iterative = HCLScanner(bytes: bytes)
      let recursive = RecursiveScanner(bytes: bytes)
      for start in 0...bytes.count {
        #expect(iterative.skipString(from: start) == recursive.skipString(from: start))
        #expect(iterative.skipTemplate(from: start) == recursive.skipTemplate(from: start))
      }
    }
  }

  /// 40,000 unclosed `credentials: {`: each search ran to the end of the file.
  @Test func unclosedCredentialObjectsEachSearchedToTheEndOfTheFile() throws {
    for (format, opener) in [
      (BackendCredentialScanner.Format.bicep, "credentials: {\n"), (.json, "\"credentials\": {\n"),
    ] {
      let text = String(repeating: opener, count: 40_000) + "header: { 'x-functions-key': ['k'] }\n"
      let bytes = Array(text.utf8)
      let braces = BraceMatcher(bytes, singleQuotedStrings: format == .bicep)
      // Every `{` answered from the one pass: no search of its own.
      #expect(braces.indexed == 40_001)
      let scanner = BackendCredentialScanner(configuration: try makeConfiguration())
      let findings = scanner.findings(in: bytes, format: format)
      // One finding, not one per enclosing credentials object.
      #expect(findings.count == 1, "\(findings)")
    }
  }

  @Test func theBraceTableGivesWhatASearchFromEachBraceGives() {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("{}{}\"'$%\\\n ab".utf8)
    for _ in 0..<300 {
      let bytes = (0..<Int.random(in: 0..<80, using: &generator)).map { _ in alphabet.randomElement(using: &generator)!
      }
      for single in [false, true] {
        let braces = BraceMatcher(bytes, singleQuotedStrings: single)
        for open in bytes.indices where bytes[open] == .openBrace {
          let searched = BackendCredentialScanner.matchingBrace(in: bytes, openingAt: open, singleQuotedStrings: single)
          #expect(braces.close(of: open) == searched, "\(String(decoding: bytes, as: UTF8.self)) at \(open)")
        }
      }
    }
  }

  /// An ARM file of one-line policies: the scope of each was found by scanning back to the
  /// start of the file for a Terraform `resource "` that is not there.
  @Test func resourceTypesOfManyPoliciesWereEachFoundByScanningBackToTheStart() {
    let source = Array(
      """
      resource "azurerm_api_management_api_policy" "a" {
        type = "Microsoft.ApiManagement/service/apis/policies@2021"
      }
        resource "azurerm_api_management_policy" "b" { }
      xresource "azurerm_api_management_product_policy" "c" { }
      "Microsoft.ApiManagement/service/products/policies"
      """.utf8)
    let index = ResourceTypeIndex(source)
    for offset in 0...source.count {
      #expect(
        index.terraformResourceType(enclosing: offset)
          == PolicyScope.terraformResourceType(enclosing: offset, in: source), "\(offset)")
      #expect(index.armResourceType(before: offset) == PolicyScope.armResourceType(before: offset, in: source))
    }
  }

  /// One policy with thousands of key injections: a line diff (Myers) of the whole file took
  /// a minute for 20,000; the hunks now come from the edits.
  @Test func theDryRunDiffOfManyInjectionsWasALineDiffOfTheWholeFile() throws {
    var text = "<policies>\n  <inbound>\n    <base />\n"
    for i in 0..<2_000 {
      text += "    <choose><when condition=\"@(true)\">\n"
      text +=
        "      <set-header name=\"x-functions-key\" exists-action=\"override\"><value>{{k\(i)}}</value></set-header>\n"
      text += "    </when></choose>\n"
    }
    text += "  </inbound>\n</policies>\n"
    let source = Array(text.utf8)
    let result = try rewrite(source)
    #expect(result.changed && result.edits.count >= 2_000)
    let a = UnifiedDiff.Lines(source)
    let b = UnifiedDiff.Lines(result.output)
    let script = try #require(UnifiedDiff.editScript(a, b, edits: result.edits))
    // Linear: one operation per line of either file, at most.
    #expect(script.count <= a.count + b.count)
    let fromEdits = UnifiedDiff.make(old: source, new: result.output, edits: result.edits, path: Array("p.xml".utf8))
    let fromLines = UnifiedDiff.make(old: source, new: result.output, edits: nil, path: Array("p.xml".utf8))
    #expect(fromEdits == fromLines)
  }

  /// The diff from the edits is the diff of the lines on every edit the tests can make:
  /// insertions at line starts and ends, removals of whole and partial lines, CRLF, a last
  /// line without a terminator.
  @Test func theDiffFromTheEditsIsTheLineDiff() {
    var generator = SystemRandomNumberGenerator()
    let pieces = ["a", "b", "\n", "\r\n", "xy"]
    for _ in 0..<2_000 {
      let old = Array(
        (0..<Int.random(in: 1..<30, using: &generator)).map { _ in pieces.randomElement()! }.joined().utf8)
      var edits: [TextEdit] = []
      var cursor = 0
      while cursor <= old.count, edits.count < 4 {
        let start = Int.random(in: cursor...old.count, using: &generator)
        let end = Int.random(in: start...min(old.count, start + 6), using: &generator)
        let replacement = Array(
          (0..<Int.random(in: 0..<3, using: &generator)).map { _ in pieces.randomElement()! }.joined().utf8)
        if start == end && replacement.isEmpty { break }
        edits.append(TextEdit(range: start..<end, replacement: replacement))
        cursor = end + 1
      }
      let new = TextEdit.apply(edits, to: old)
      guard new != old else { continue }
      let fromEdits = UnifiedDiff.make(old: old, new: new, edits: edits, path: Array("p".utf8))
      let applied = apply(diff: fromEdits, to: old)
      #expect(applied == new, "\(shown(old)) with \(edits) gave\n\(shown(fromEdits))")
    }
  }

  /// Applies a unified diff made by `UnifiedDiff` to `old` (hunks in order, context checked).
  func apply(diff: [UInt8], to old: [UInt8]) -> [UInt8]? {
    let oldLines = UnifiedDiff.Lines(old)
    let diffLines = UnifiedDiff.Lines(diff)
    var result: [UInt8] = []
    var next = 0
    var i = 2
    while i < diffLines.count {
      let header = String(decoding: diffLines[i], as: UTF8.self)
      guard header.hasPrefix("@@ -") else { return nil }
      let numbers = header.dropFirst(4).split(separator: " ")[0].split(separator: ",")
      let start = Int(numbers[0])!
      let count = Int(numbers[1])!
      let first = count == 0 ? start : start - 1
      while next < first {
        result += oldLines[next]
        next += 1
      }
      i += 1
      while i < diffLines.count, diffLines[i].first != UInt8(ascii: "@") {
        var line = Array(diffLines[i])
        let prefix = line.removeFirst()
        if i + 1 < diffLines.count, diffLines[i + 1].starts(with: Array("\\ No newline".utf8)) {
          line.removeLast()
          i += 1
        }
        switch prefix {
        case .space:
          guard next < oldLines.count, Array(oldLines[next]) == line else { return nil }
          result += line
          next += 1
        case .hyphen:
          guard next < oldLines.count, Array(oldLines[next]) == line else { return nil }
          next += 1
        default: result += line
        }
        i += 1
      }
    }
    while next < oldLines.count {
      result += oldLines[next]
      next += 1
    }
    return result
  }

  /// The Function App of each injection was searched for in its whole section, once per
  /// injection: 20,000 injections in one `<inbound>` took minutes in `migrate` and `plan`.
  @Test func eachInjectionsBackendWasSearchedForInTheWholeSection() throws {
    func visited(_ count: Int) throws -> Int {
      let source = PlanningScaleTests.policy(chooses: count)
      let analysis = PolicyAnalysis(try PolicyDocument.parse(source), configuration: try makeConfiguration())
      var backends = InjectionRecorder.BackendSearch()
      for injection in analysis.injections { _ = InjectionRecorder.target(of: injection, backends: &backends) }
      #expect(analysis.injections.count == count)
      return backends.examinedChildren
    }
    let small = try visited(300)
    let large = try visited(3_000)
    #expect(large <= 12 * small, "\(small) elements read for 300 injections, \(large) for 3,000")
  }

  /// 20,000 named values listed on one line of the text summary.
  @Test func longListsInTextOutputWereWrittenWhole() {
    let names = (0..<25).map { "k\($0)" }
    let capped = Escaping.cappedList(names)
    #expect(capped.hasSuffix("k19 and 5 more; see --format json"))
    #expect(Escaping.cappedList(Array(names.prefix(20))) == names.prefix(20).joined(separator: ", "))
  }
}
