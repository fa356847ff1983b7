import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// Inputs built to make a container scan's work grow with the square of the file: the work is
/// counted (never timed) and must stay within a constant times the file's size.
@Suite struct ScanWorkTests {
  /// Many heredocs without a closing line, each with its own marker: the lexer searched from
  /// each to the end of the file.
  @Test func unclosedHeredocsWereEachSearchedToTheEndOfTheFile() {
    for count in [1_000, 4_000] {
      let text = (0..<count).map { "a\($0) = <<M\($0)\nx\n" }.joined() + "b = 1\n"
      var lexer = HCLLexer(Array(text.utf8))
      var heredocs = 0
      var kinds: [HCLLexer.Kind] = []
      while true {
        let token = lexer.next()
        if token.kind == .heredoc { heredocs += 1 }
        kinds.append(token.kind)
        if token.kind == .end { break }
      }
      #expect(heredocs == 0)
      // Each line is read once for all the searches, not once per heredoc.
      let lines = 2 * count + 2
      #expect(lexer.heredocLineReads <= lines, "\(count) heredocs: \(lexer.heredocLineReads) line reads")
      #expect(kinds.suffix(4) == [.identifier, .equals, .number, .newline, .end].suffix(4))
    }
    // The heredocs that close still end at their own closing line.
    let closed = Array("a = <<A\nA x\n  A\nb = <<-B\n  B\r\nc = <<A\nA\n".utf8)
    let tokens = HCLLexer.tokens(closed).filter { $0.kind == .heredoc }
    #expect(
      tokens.map { String(decoding: closed[$0.range], as: UTF8.self) } == ["<<A\nA x\n  A", "<<-B\n  B", "<<A\nA"])
  }

  /// A `{` inside a string (as the file-level pass reads it) is searched on its own: each such
  /// search ran to the end of the file, past the object it was in.
  @Test(arguments: [BackendCredentialScanner.Format.json, .bicep])
  func bracesInStringsWereEachSearchedToTheEndOfTheFile(format: BackendCredentialScanner.Format) throws {
    let scanner = BackendCredentialScanner(configuration: try makeConfiguration())
    var steps: [Int] = []
    for count in [1_000, 4_000] {
      let line =
        format == .json ? "\"credentials\": {\"a\": \"x header: {\"},\n" : "credentials: { a: 'x header: {' }\n"
      let bytes = Array(String(repeating: line, count: count).utf8)
      let braces = BraceMatcher(bytes, singleQuotedStrings: format == .bicep)
      let credentials = scanner.objects(named: "credentials", in: bytes, within: 0..<bytes.count, braces: braces)
      #expect(credentials.count == count)
      for object in credentials {
        _ = scanner.objects(named: "header", in: bytes, within: object, braces: braces)
      }
      #expect(braces.work.steps <= 2 * bytes.count, "\(count) objects: \(braces.work.steps) steps")
      steps.append(braces.work.steps)
      #expect(scanner.findings(in: bytes, format: format).isEmpty)
    }
    // Four times the input, about four times the work.
    #expect(steps[1] <= 5 * steps[0], "\(steps)")
  }

  /// Many keys on one line with no `{` after them: each walked to the end of the line.
  @Test func keysWithoutAnObjectEachWalkedToTheEndOfTheLine() throws {
    let scanner = BackendCredentialScanner(configuration: try makeConfiguration())
    let bytes = Array((String(repeating: "credentials: ", count: 20_000) + "\n").utf8)
    let braces = BraceMatcher(bytes, singleQuotedStrings: true)
    #expect(scanner.objects(named: "credentials", in: bytes, within: 0..<bytes.count, braces: braces).isEmpty)
    #expect(braces.work.steps <= bytes.count, "\(braces.work.steps) steps for \(bytes.count) bytes")
  }

  /// The limit changes no answer: a search bounded by the caller's range gives the unbounded
  /// result, cut at the range's end.
  @Test func aBoundedSearchGivesTheUnboundedAnswerCutAtTheLimit() {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("{}{}\"'$%\\\n ab".utf8)
    for _ in 0..<300 {
      let bytes = (0..<Int.random(in: 0..<60, using: &generator)).map { _ in alphabet.randomElement(using: &generator)!
      }
      for single in [false, true] {
        let braces = BraceMatcher(bytes, singleQuotedStrings: single)
        for open in bytes.indices where bytes[open] == .openBrace {
          let unbounded = BackendCredentialScanner.matchingBrace(
            in: bytes, openingAt: open, singleQuotedStrings: single)
          for limit in open...bytes.count {
            #expect(braces.close(of: open, limit: limit) == min(unbounded, limit))
          }
        }
      }
    }
  }
}
