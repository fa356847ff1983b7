import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// Shared helpers for the library tests: bytes in, bytes out, no line-ending normalization.
enum TestSupport {
  /// A second resource, for tests that tell resources apart.
  static let otherGUID = "99999999-8888-7777-6666-555555555555"
  /// A path that no `byPath` glob of the tests matches by accident.
  static let path = "apis/test/policy.xml"
}

/// The UTF-8 bytes of `text`, exactly as written (no line-ending conversion).
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The bytes as a string, for messages.
func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// Expects two byte arrays to be equal, showing both in visible form when they are not.
func expectBytes(
  _ actual: [UInt8], _ expected: [UInt8], _ context: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let equal = actual == expected
  #expect(
    equal,
    "\(context)\n--- expected ---\n\(shown(expected))\n--- actual ---\n\(shown(actual))",
    sourceLocation: sourceLocation)
}

/// Builds a configuration from plain strings, validating every resource.
func makeConfiguration(
  default defaultResource: String? = CLI.resource, byNamedValue: [String: String] = [:],
  byPath: [String: String] = [:], extraKeyHeaders: [String] = [], clientID: String? = nil,
  outputTokenVariableName: String? = nil, ignoreError: Bool? = nil
) throws -> RewriteConfiguration {
  let map = ResourceMap(
    defaultResource: try defaultResource.map { text throws in try Resource(validating: text) },
    byNamedValue: try byNamedValue.mapValues { text throws in try Resource(validating: text) },
    byPath: try byPath.map { entry throws in (glob: Glob(entry.key), resource: try Resource(validating: entry.value)) })
  return RewriteConfiguration(
    extraKeyHeaders: extraKeyHeaders, resources: map, clientID: clientID,
    outputTokenVariableName: outputTokenVariableName, ignoreError: ignoreError)
}

/// Rewrites `input` with `configuration` (by default: every key to ``CLI/resource``).
func rewrite(
  _ input: String, path: String = TestSupport.path, with configuration: RewriteConfiguration? = nil
) throws -> RewriteResult {
  try rewrite(bytes(input), path: path, with: configuration)
}

/// Rewrites `input` bytes with `configuration` (by default: every key to ``CLI/resource``).
func rewrite(
  _ input: [UInt8], path: String = TestSupport.path, with configuration: RewriteConfiguration? = nil
) throws -> RewriteResult {
  let configuration = try configuration ?? makeConfiguration()
  return PolicyRewriter(configuration: configuration).rewrite(input, path: path)
}

/// Rewrites `input` and expects `expected` byte for byte, no error findings, a changed flag
/// that matches, and a second rewrite that changes nothing.
@discardableResult
func expectRewrite(
  _ input: String, _ expected: String, path: String = TestSupport.path,
  with configuration: RewriteConfiguration? = nil, sourceLocation: SourceLocation = #_sourceLocation
) throws -> RewriteResult {
  try expectRewrite(bytes(input), bytes(expected), path: path, with: configuration, sourceLocation: sourceLocation)
}

/// Byte form of ``expectRewrite(_:_:path:with:sourceLocation:)``.
@discardableResult
func expectRewrite(
  _ input: [UInt8], _ expected: [UInt8], path: String = TestSupport.path,
  with configuration: RewriteConfiguration? = nil, sourceLocation: SourceLocation = #_sourceLocation
) throws -> RewriteResult {
  let result = try rewrite(input, path: path, with: configuration)
  expectBytes(result.output, expected, "rewrite of \(path)", sourceLocation: sourceLocation)
  #expect(!result.hasErrors, "unexpected errors: \(result.findings)", sourceLocation: sourceLocation)
  #expect(result.changed == (input != expected), sourceLocation: sourceLocation)
  let second = try rewrite(result.output, path: path, with: configuration)
  expectBytes(second.output, result.output, "second rewrite of \(path)", sourceLocation: sourceLocation)
  #expect(!second.changed, sourceLocation: sourceLocation)
  return result
}

/// The ids of the findings, in order (an operational diagnostic's as `.operational(…)`).
func ids(_ findings: [Finding]) -> [FindingID] { findings.map(\.id) }

/// The analysis rules of the findings, in order; `nil` for an operational diagnostic.
func rules(_ findings: [Finding]) -> [Rule?] { findings.map(\.rule) }

/// What `check` reports for a policy at `path` (by default with every key to ``CLI/resource``).
func check(
  _ input: [UInt8], path: String = TestSupport.path, with configuration: RewriteConfiguration? = nil
) throws -> [Finding] {
  let configuration = try configuration ?? makeConfiguration()
  let result = PolicyRewriter(configuration: configuration).check(input, path: path)
  #expect(result.output == input, "check changed the bytes")
  return result.findings
}
