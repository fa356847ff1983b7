import Foundation
import Testing

/// The layers of docs/architecture.md, held by reading the sources: no file imports a target
/// of a layer above its own, the pure layers make no process-level calls, and the library
/// product does not reach the command-line side.
@Suite struct ArchitectureTests {
  /// The package root.
  static let packageRoot = TestPaths.packageRoot

  // MARK: The rules

  /// The targets from the bottom layer up, with the module name other files import them by.
  static let layers: [(target: String, module: String)] = [
    ("CDirectoryListing", "CDirectoryListing"), ("CLibXML2", "CLibXML2"), ("PolicyDOM", "PolicyDOM"),
    ("PolicyRewrite", "PolicyRewrite"), ("PolicyRewriteCLI", "PolicyRewriteCLI"), ("policy-rewrite", "policy_rewrite"),
  ]

  /// The C shims and the one Swift file each may be imported from: each C boundary stays in
  /// one place (libxml2's is `PolicyDOM` as a whole, see `docs/architecture.md`).
  static let shimImporters: [String: String] = [
    "CDirectoryListing": "Sources/PolicyRewriteCLI/Frontend/FileSystem+Listing.swift"
  ]

  /// The targets that must stay free of process-level effects.
  static let pureTargets: Set<String> = ["PolicyDOM", "PolicyRewrite"]

  /// Process-level calls and objects that the pure targets must not use: signals, ending the
  /// process, the standard streams, the environment, opening files.
  static let processLevel: [(name: String, pattern: String)] = [
    ("signal", #"\bsignal\s*\("#), ("sigaction", #"\bsigaction\s*\("#),
    ("pthread_sigmask", #"\bpthread_sigmask\s*\("#), ("sigprocmask", #"\bsigprocmask\s*\("#),
    ("kill", #"\bkill\s*\("#), ("raise", #"\braise\s*\("#), ("exit", #"\b_?exit\s*\("#),
    ("abort", #"\babort\s*\("#), ("getenv", #"\bgetenv\s*\("#), ("setenv", #"\b(un)?setenv\s*\("#),
    ("environment", #"\bProcessInfo\b"#), ("open", #"\b(open|openat|fopen|creat)\s*\("#),
    ("write to a standard stream", #"\bwrite\s*\(\s*(1|2|STDOUT_FILENO|STDERR_FILENO)\s*,"#),
    ("print", #"\b(print|debugPrint|dump|fputs|fprintf|puts|perror)\s*\("#),
    ("standard stream", #"\b(stdout|stderr|stdin)\b|FileHandle\.standard"#), ("file manager", #"\bFileManager\b"#),
  ]

  /// One broken rule, for the failure message.
  struct Violation: CustomStringConvertible, Equatable {
    var file: String
    var line: Int
    var message: String
    var description: String { "\(file):\(line): \(message)" }
  }

  /// The violations in `files` (target, path for messages, source text).
  static func violations(in files: [(target: String, path: String, text: String)]) -> [Violation] {
    let rank = Dictionary(uniqueKeysWithValues: layers.enumerated().map { ($0.element.target, $0.offset) })
    let moduleRank = Dictionary(uniqueKeysWithValues: layers.enumerated().map { ($0.element.module, $0.offset) })
    let importLine =
      #/^\s*(?:@\w+\s+)*(?:(?:public|package|internal|fileprivate|private)\s+)?import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?(\w+)/#
    // ICU's regular expressions (`\b` between `\w` and `\W`), one alternation of all the calls
    // tried first: a line of a pure target is matched once, and a rule at a time only on a hit.
    let calls = processLevel.map { (name: $0.name, regex: try! NSRegularExpression(pattern: $0.pattern)) }
    let anyCall = try! NSRegularExpression(pattern: processLevel.map { "(?:\($0.pattern))" }.joined(separator: "|"))
    var result: [Violation] = []
    for file in files {
      guard let own = rank[file.target] else {
        result.append(Violation(file: file.path, line: 1, message: "target \(file.target) is in no layer"))
        continue
      }
      let lines = codeLines(file.text)
      for (index, line) in lines.enumerated() {
        if let match = line.firstMatch(of: importLine), let imported = moduleRank[String(match.output.1)],
          imported > own
        {
          result.append(
            Violation(
              file: file.path, line: index + 1,
              message: "\(file.target) imports \(match.output.1), a layer above it"))
        }
        guard pureTargets.contains(file.target) else { continue }
        let whole = NSRange(line.startIndex..., in: line)
        guard anyCall.firstMatch(in: line, range: whole) != nil else { continue }
        for rule in calls where rule.regex.firstMatch(in: line, range: whole) != nil {
          result.append(
            Violation(
              file: file.path, line: index + 1, message: "\(file.target) makes a process-level call: \(rule.name)"))
        }
      }
    }
    return result
  }

  /// The lines of Swift source with comments and the contents of string literals blanked, so
  /// that only code is matched (line numbers kept).
  static func codeLines(_ text: String) -> [String] {
    var lines: [String] = []
    var current = ""
    var blockDepth = 0
    var inString = false
    var multiline = false
    let characters = Array(text.unicodeScalars)
    var i = 0
    func at(_ offset: Int) -> Unicode.Scalar? { i + offset < characters.count ? characters[i + offset] : nil }
    while i < characters.count {
      let c = characters[i]
      if c == "\n" {
        lines.append(current)
        current = ""
        if inString && !multiline { inString = false }
        i += 1
        continue
      }
      if blockDepth > 0 {
        if c == "*" && at(1) == "/" {
          blockDepth -= 1
          i += 2
        } else if c == "/" && at(1) == "*" {
          blockDepth += 1
          i += 2
        } else {
          i += 1
        }
        continue
      }
      if inString {
        if c == "\\" {
          i += 2
        } else if multiline && c == "\"" && at(1) == "\"" && at(2) == "\"" {
          inString = false
          current += "\"\"\""
          i += 3
        } else if !multiline && c == "\"" {
          inString = false
          current += "\""
          i += 1
        } else {
          i += 1
        }
        continue
      }
      if c == "/" && at(1) == "/" {
        while i < characters.count && characters[i] != "\n" { i += 1 }
        continue
      }
      if c == "/" && at(1) == "*" {
        blockDepth = 1
        i += 2
        continue
      }
      if c == "\"" {
        multiline = at(1) == "\"" && at(2) == "\""
        inString = true
        current += multiline ? "\"\"\"" : "\""
        i += multiline ? 3 : 1
        continue
      }
      current.unicodeScalars.append(c)
      i += 1
    }
    lines.append(current)
    return lines
  }

  /// The targets that the library product `library` reaches through `Package.swift`'s
  /// `dependencies:` lists (read as text), and the target dependencies that point up a layer.
  static func packageGraph(_ manifest: String, library: String) -> (reached: Set<String>, upward: [String]) {
    var dependencies: [String: [String]] = [:]
    let target = #/\.(?:target|executableTarget|testTarget|systemLibrary)\(\s*name:\s*"([^"]+)"/#
    for match in manifest.matches(of: target) {
      let name = String(match.output.1)
      let rest = manifest[match.range.upperBound...]
      let body = rest[..<closingParenthesis(in: rest)]
      guard let list = body.firstRange(of: "dependencies:") else {
        dependencies[name] = []
        continue
      }
      let array = bracketed(body[list.upperBound...])
      let withoutProducts = array.replacing(#/\.product\([^)]*\)/#, with: "")
      dependencies[name] = withoutProducts.matches(of: #/"([^"]+)"/#).map { String($0.output.1) }
    }
    var roots: [String] = []
    let product = #/\.library\(\s*name:\s*"([^"]+)"[^)]*targets:\s*\[([^\]]*)\]/#
    for match in manifest.matches(of: product) where match.output.1 == library {
      roots += match.output.2.matches(of: #/"([^"]+)"/#).map { String($0.output.1) }
    }
    var reached: Set<String> = []
    var queue = roots
    while let next = queue.popLast() {
      guard reached.insert(next).inserted else { continue }
      queue += dependencies[next] ?? []
    }
    let rank = Dictionary(uniqueKeysWithValues: layers.enumerated().map { ($0.element.target, $0.offset) })
    var upward: [String] = []
    for (name, list) in dependencies.sorted(by: { $0.key < $1.key }) {
      guard let own = rank[name] else { continue }
      for dependency in list where (rank[dependency] ?? -1) >= own {
        upward.append("\(name) depends on \(dependency)")
      }
    }
    return (reached, upward)
  }

  /// The end of the call whose arguments start `text` (after its opening parenthesis).
  private static func closingParenthesis(in text: Substring) -> Substring.Index {
    var depth = 1
    var index = text.startIndex
    while index < text.endIndex {
      if text[index] == "(" { depth += 1 }
      if text[index] == ")" {
        depth -= 1
        if depth == 0 { return index }
      }
      index = text.index(after: index)
    }
    return text.endIndex
  }

  /// The text of the first `[ … ]` in `text`, brackets balanced.
  private static func bracketed(_ text: Substring) -> Substring {
    guard let start = text.firstIndex(of: "[") else { return "" }
    var depth = 0
    var index = start
    while index < text.endIndex {
      if text[index] == "[" { depth += 1 }
      if text[index] == "]" {
        depth -= 1
        if depth == 0 { return text[start...index] }
      }
      index = text.index(after: index)
    }
    return text[start...]
  }

  /// Every Swift file under `Sources/`, with its target (the folder below `Sources`).
  static func sourceFiles() throws -> [(target: String, path: String, text: String)] {
    let sources = packageRoot.appendingPathComponent("Sources")
    var files: [(String, String, String)] = []
    for entry in Reliability.entries(sources) where entry.kind == .file && entry.path.hasSuffix(".swift") {
      let target = String(entry.path.split(separator: "/")[0])
      let text = try String(contentsOf: sources.appendingPathComponent(entry.path), encoding: .utf8)
      files.append((target, "Sources/" + entry.path, text))
    }
    return files
  }

  // MARK: The sources as they are

  @Test("no file under Sources imports a layer above its own or makes a process-level call from a pure layer")
  func theSourcesKeepTheLayers() throws {
    let files = try Self.sourceFiles()
    #expect(files.count > 20, "found only \(files.count) Swift files under Sources")
    let targets = Set(files.map(\.target))
    #expect(targets.isSuperset(of: ["PolicyDOM", "PolicyRewrite", "PolicyRewriteCLI", "policy-rewrite"]), "\(targets)")
    let violations = Self.violations(in: files)
    #expect(violations.isEmpty, "\(violations.map(\.description).joined(separator: "\n"))")
  }

  @Test("the directory-listing shim is imported by FileSystem+Listing.swift and no other file")
  func theSystemCallShimStaysInOneFile() throws {
    let importLine = #/^\s*(?:@\w+\s+)*(?:(?:public|package|internal|fileprivate|private)\s+)?import\s+(\w+)/#
    var importers: [String: [String]] = [:]
    for file in try Self.sourceFiles() {
      for line in Self.codeLines(file.text) {
        guard let match = line.firstMatch(of: importLine), Self.shimImporters[String(match.output.1)] != nil else {
          continue
        }
        importers[String(match.output.1), default: []].append(file.path)
      }
    }
    for (shim, file) in Self.shimImporters {
      #expect(importers[shim] == [file], "\(shim) is imported by \(importers[shim] ?? [])")
    }
  }

  @Test("no file under Sources is over 500 lines, and the split files stay at 300 at most")
  func filesStayOfOneConcern() throws {
    let files = try Self.sourceFiles()
    let lengths = Dictionary(
      uniqueKeysWithValues: files.map {
        ($0.path, $0.text.split(separator: "\n", omittingEmptySubsequences: false).count - 1)
      })
    let long = lengths.filter { $0.value > 500 }.keys.sorted()
    #expect(long.isEmpty, "over 500 lines: \(long)")
    for path in [
      "Sources/PolicyDOM/PolicyDocument.swift", "Sources/PolicyRewriteCLI/Frontend/Frontend.swift",
      "Sources/PolicyRewriteCLI/Frontend/FileSystem.swift",
    ] {
      let count = try #require(lengths[path], "\(path) is gone: update this test")
      #expect(count <= 300, "\(path) has \(count) lines")
    }
  }

  @Test("the library product PolicyRewrite does not depend on the command-line targets")
  func theLibraryStaysPure() throws {
    let manifest = try String(contentsOf: Self.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
    let graph = Self.packageGraph(manifest, library: "PolicyRewrite")
    #expect(
      graph.reached == ["PolicyRewrite", "PolicyDOM", "CLibXML2"], "the library reaches \(graph.reached.sorted())")
    #expect(graph.upward.isEmpty, "\(graph.upward)")
  }

  // MARK: The check itself can fail

  @Test("an import of a higher layer is reported with its file and line")
  func upwardImportIsReported() {
    let text = "import Foundation\n// import PolicyRewriteCLI in a comment is fine\n@testable import PolicyRewrite\n"
    let violations = Self.violations(in: [("PolicyDOM", "Sources/PolicyDOM/Bad.swift", text)])
    #expect(
      violations == [
        Violation(
          file: "Sources/PolicyDOM/Bad.swift", line: 3, message: "PolicyDOM imports PolicyRewrite, a layer above it")
      ])
    let executable = Self.violations(in: [("PolicyRewriteCLI", "x.swift", "import policy_rewrite\n")])
    #expect(executable.count == 1)
    let downward = Self.violations(in: [("policy-rewrite", "y.swift", "import PolicyRewriteCLI\nimport PolicyDOM\n")])
    #expect(downward.isEmpty)
  }

  @Test(
    "a process-level call in a pure layer is reported; in a comment, a string or the CLI it is not",
    arguments: [
      "signal(SIGINT, SIG_IGN)", "_exit(2)", "exit(1)", "write(2, pointer, count)", "write(STDOUT_FILENO, p, n)",
      "let home = getenv(\"HOME\")", "let fd = open(path, O_RDONLY)", "print(\"x\")", "fputs(message, stderr)",
      "let env = ProcessInfo.processInfo.environment", "FileHandle.standardError.write(data)",
      "try FileManager.default.removeItem(atPath: p)", "kill(pid, SIGTERM)",
    ])
  func processLevelCallIsReported(call: String) {
    let text = "import Glibc\n\nfunc f() {\n  \(call)\n}\n"
    let reported = Self.violations(in: [("PolicyRewrite", "Sources/PolicyRewrite/Bad.swift", text)])
    #expect(reported.count >= 1 && reported.allSatisfy { $0.line == 4 }, "\(reported)")
    let inComment = "/// Never calls `\(call)`.\nlet x = 1 // \(call)\n/* \(call)\n */\n"
    #expect(Self.violations(in: [("PolicyDOM", "a.swift", inComment)]).isEmpty)
    let inString = "let message = \"cannot \(call.replacingOccurrences(of: "\"", with: ""))\"\n"
    #expect(Self.violations(in: [("PolicyDOM", "b.swift", inString)]).isEmpty)
    #expect(Self.violations(in: [("PolicyRewriteCLI", "c.swift", text)]).isEmpty)
  }

  @Test("names that only look like process-level calls are not reported")
  func lookalikesAreNotReported() {
    let text = """
      let element = node.elementExit(at: 3)
      let bytes = writer.write(12, to: out)
      try reopen(file)
      let signalled = isSignal(x)
      """
    #expect(Self.violations(in: [("PolicyRewrite", "d.swift", text)]).isEmpty)
  }

  @Test("a file outside the known targets is reported")
  func unknownTargetIsReported() {
    #expect(Self.violations(in: [("Extras", "Sources/Extras/x.swift", "")]).count == 1)
  }

  @Test("a library product that reaches the command-line target is reported")
  func impureLibraryIsReported() throws {
    let manifest = try String(contentsOf: Self.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
    let bad = manifest.replacingOccurrences(
      of: #".target(name: "PolicyRewrite", dependencies: ["PolicyDOM"])"#,
      with: #".target(name: "PolicyRewrite", dependencies: ["PolicyDOM", "PolicyRewriteCLI"])"#)
    try #require(bad != manifest, "Package.swift no longer declares PolicyRewrite as this test expects")
    let graph = Self.packageGraph(bad, library: "PolicyRewrite")
    #expect(graph.reached.contains("PolicyRewriteCLI"))
    #expect(graph.upward == ["PolicyRewrite depends on PolicyRewriteCLI"])
    let viaProduct = #"""
      .library(name: "PolicyRewrite", targets: ["PolicyRewrite", "PolicyRewriteCLI"]),
      .target(name: "PolicyRewrite", dependencies: [.product(name: "X", package: "y")]),
      .target(name: "PolicyRewriteCLI", dependencies: ["PolicyRewrite"]),
      """#
    #expect(Self.packageGraph(viaProduct, library: "PolicyRewrite").reached == ["PolicyRewrite", "PolicyRewriteCLI"])
  }
}
