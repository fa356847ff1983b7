import Testing

@testable import PolicyRewriteCLI

/// `FileSystem.absolutePath(_:from:)` resolves `.` and `..` lexically; a path that is already
/// clean is returned as it is.
struct AbsolutePathTests {
  /// The lexical resolution, component by component.
  static func resolved(_ path: String, from workingDirectory: String) -> String {
    let joined = path.hasPrefix("/") ? path : workingDirectory + "/" + path
    var parts: [Substring] = []
    for part in joined.split(separator: "/") where part != "." {
      if part == ".." { _ = parts.popLast() } else { parts.append(part) }
    }
    return "/" + parts.joined(separator: "/")
  }

  @Test(arguments: [
    "a/b/policy.xml", "/a/b", "/", "a", ".", "..", "./a", "a/./b", "a/../b", "a//b", "a/b/", "a/b/.", "a/b/..",
    "/..", "/a/..", "...", "a/.../b", ".a/b.", "a/..b/c", "a/b../c", "//a", "apis/x;rev=2/policy.xml",
    "policy fragments/f/policy.xml", "é/ü", "a/.", "/./",
  ])
  func matchesTheLexicalResolution(_ path: String) {
    for workingDirectory in ["/work/repo", "/", "/work/./repo", "/work/repo/..", "/work//repo"] {
      #expect(
        FileSystem.absolutePath(path, from: workingDirectory) == Self.resolved(path, from: workingDirectory),
        "\(path) from \(workingDirectory)")
    }
  }
}
