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

/// Paths and names sort byte by byte.
struct BytewiseOrderTests {
  @Test func precedesIsLexicographicalByteOrder() {
    let samples: [[UInt8]] = [
      [], [0x61], [0x61, 0x00], [0x61, 0x2F], [0x61, 0x2E], [0x62], [0xC3, 0xA9], [0xFF], [0x61, 0x2F, 0x62],
      Array("apis/x;rev=2/policy.xml".utf8), Array("apis/x/policy.xml".utf8),
    ]
    for a in samples {
      for b in samples {
        #expect(FileSystem.precedes(a, b) == a.lexicographicallyPrecedes(b), "\(a) \(b)")
      }
    }
  }
}
