import Foundation
import Testing

/// End-to-end: a Terraform function around a policy's `file()`, `templatefile()` or heredoc
/// may change its elements (`replace(file("./p.xml"), "<!-- JWT -->", local.jwt)` inserts a
/// `validate-jwt` after `<base />`). The graph read such a policy as the plain file, so a
/// product that validates the token was not seen and its API's key was rewritten (401). Such a
/// policy is now one the run does not know, the function named; `trimspace()` and `chomp()`,
/// which only trim the document's ends, still read the file.
@Suite struct PolicyBuildingFunctionCommandTests {
  static let tree = ConditionalPolicyCommandTests.tree

  @Test(
    "a function that may change a parent's policy makes it unreadable: its API's key is held",
    arguments: [
      ("replace(file(\"./product/legacy.xml\"), \"<!-- JWT -->\", local.jwt)", "replace"),
      ("format(\"%s\", file(\"./product/legacy.xml\"))", "format"),
      ("join(\"\", [file(\"./product/legacy.xml\")])", "join"),
      ("templatestring(file(\"./product/legacy.xml\"), {})", "templatestring"),
      ("base64decode(filebase64(\"./product/legacy.xml\"))", "base64decode"),
      ("trimspace(replace(file(\"./product/legacy.xml\"), \"a\", \"b\"))", "replace"),
    ])
  func functionAroundTheParentsPolicyHoldsTheKey(policy: String, function: String) throws {
    try withTemporaryTree(Self.tree(policy, ConditionalPolicyCommandTests.plain, ConditionalPolicyCommandTests.plain)) {
      root in
      let result = CLI.migrate(root, rule: "parent-scope-unreadable")
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.found.count == 1, "\(result.stderr)")
      #expect(result.found.first?.contains("`\(function)()`") == true, "\(result.found)")
      expectFile(root, "api/orders.xml", ConditionalPolicyCommandTests.api)
    }
  }

  @Test(
    "trimspace() and chomp() keep the file's elements: a harmless parent still lets the key be rewritten",
    arguments: ["trimspace(file(\"./product/legacy.xml\"))", "chomp(file(\"./product/legacy.xml\"))"])
  func trimmingFunctionKeepsTheParentReadable(policy: String) throws {
    try withTemporaryTree(Self.tree(policy, ConditionalPolicyCommandTests.plain, ConditionalPolicyCommandTests.plain)) {
      root in
      let result = CLI.migrate(root, rule: "parent-scope-unreadable")
      #expect(result.status == 0 && result.found.isEmpty, "\(result.stderr)")
      let written = String(decoding: CLI.read(root, "api/orders.xml") ?? [], as: UTF8.self)
      #expect(written.contains("<authentication-managed-identity"), "\(result.stderr)")
    }
  }
}
