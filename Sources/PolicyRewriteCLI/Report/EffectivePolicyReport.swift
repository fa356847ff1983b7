import PolicyRewrite

/// The output of `effective`: the composed policy document (text), or a JSON document with the
/// notes, the composed chain, and each element with its section, origin and depth.
public struct EffectivePolicyReport: Encodable, Sendable {
  struct Origin: Encodable {
    var path: String
    var line: Int
  }

  struct Element: Encodable {
    var section: String
    var name: String
    var origin: Origin
    var depth: Int
  }

  struct Link: Encodable {
    var path: String
    var scope: String
  }

  var tool = JSONReporter.Tool()
  var command = "effective"
  var notes: [String]
  var chain: [Link]
  var elements: [Element]

  /// The document for `policy`.
  public init(_ policy: EffectivePolicy) {
    notes = policy.notes
    xml = policy.xml
    chain = policy.chain.map { Link(path: $0.path, scope: $0.scope.rawValue) }
    elements = policy.elements.map {
      Element(section: $0.section, name: $0.name, origin: Origin(path: $0.path, line: $0.line), depth: $0.depth)
    }
  }

  private var xml: String

  enum CodingKeys: String, CodingKey { case tool, command, notes, chain, elements }

  /// Writes the JSON document to standard output.
  public func writeJSON() {
    ByteStream.standardOutput().writeJSON(self)
  }

  /// Writes the composed policy document to standard output.
  public func writeText() {
    ByteStream.standardOutput().writeLines([String(xml.dropLast())])
  }
}
