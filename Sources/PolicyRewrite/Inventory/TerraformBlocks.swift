import PolicyDOM

/// The `resource "TYPE" "NAME" { … }` blocks of a Terraform file, with their attributes, read
/// by ``HCLParser``.
struct TerraformBlocks: Sequence {
  /// One resource block.
  struct Block {
    /// The resource type, such as `azurerm_api_management_named_value`.
    var type: String
    /// The resource name (the second label).
    var name: String
    /// The offset of `resource`.
    var start: Int
    /// The block's source text.
    var text: String
    fileprivate var body: HCLSyntax.Body
    fileprivate var source: [UInt8]

    /// The value of a top-level `attribute = "literal"` (no interpolation), or `nil`.
    func string(_ attribute: String) -> String? {
      guard let value = body.attribute(attribute)?.value, case .string = value.kind else { return nil }
      return value.literalString
    }

    /// The source text of the first `attribute = …` in the block, its nested blocks or its
    /// objects.
    func expression(_ attribute: String) -> String? {
      body.firstValue(named: attribute).map { String(decoding: source[$0.range], as: UTF8.self) }
    }
  }

  private let source: [UInt8]

  init(_ source: [UInt8]) {
    self.source = source
  }

  func makeIterator() -> AnyIterator<Block> {
    let source = self.source
    var blocks = HCLParser.parse(source).body.blocks.makeIterator()
    return AnyIterator {
      while let block = blocks.next() {
        guard block.type == "resource", block.labels.count == 2 else { continue }
        return Block(
          type: block.labels[0], name: block.labels[1], start: block.range.lowerBound,
          text: String(decoding: source[block.range], as: UTF8.self), body: block.body, source: source)
      }
      return nil
    }
  }
}
