import PolicyDOM

/// The `resource "TYPE" "NAME" { … }` blocks of a Terraform file, with their simple attributes.
///
/// Enough HCL for declarations: block bodies are matched by braces outside strings, heredocs
/// and comments; attributes are read line by line as `name = value`.
struct TerraformBlocks: Sequence {
  /// One resource block.
  struct Block {
    /// The resource type, such as `azurerm_api_management_named_value`.
    var type: String
    /// The resource name (the second label).
    var name: String
    /// The offset of `resource`.
    var start: Int
    /// The body's lines, with the nesting depth each starts at (1 = the block's own attributes).
    var lines: [(depth: Int, text: String)]

    /// The value of a top-level `attribute = "literal"` (no interpolation), or `nil`.
    func string(_ attribute: String) -> String? {
      guard let value = expression(attribute, depth: 1), value.hasPrefix("\""), value.hasSuffix("\""),
        value.count >= 2, !value.contains("${")
      else { return nil }
      return String(value.dropFirst().dropLast())
    }

    /// The raw expression of the first `attribute = …` at any depth (or at `depth`).
    func expression(_ attribute: String, depth: Int? = nil) -> String? {
      for line in lines where depth == nil || line.depth == depth {
        let parts = line.text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].trimmingXMLSpace == attribute else { continue }
        let value = parts[1].trimmingXMLSpace
        if value.hasPrefix("\""), let close = value.dropFirst().firstIndex(of: "\"") {
          return String(value[...close])
        }
        if let comment = value.firstIndex(where: { $0 == "#" || $0 == "/" }) {
          return value[..<comment].trimmingXMLSpace
        }
        return value
      }
      return nil
    }
  }

  private let source: [UInt8]

  init(_ source: [UInt8]) {
    self.source = source
  }

  func makeIterator() -> AnyIterator<Block> {
    var offset = 0
    return AnyIterator {
      while let found = source.firstOffset(of: "resource \"", from: offset) {
        offset = found + 1
        guard found == 0 || source[found - 1] == .lineFeed || source[found - 1].isBlank,
          let block = parseBlock(at: found)
        else { continue }
        offset = block.end
        return block.block
      }
      return nil
    }
  }

  /// Reads `resource "T" "N" {` at `start` and the body to its matching `}`.
  private func parseBlock(at start: Int) -> (block: Block, end: Int)? {
    var labels: [String] = []
    var i = start + "resource".utf8.count
    while labels.count < 2 {
      while i < source.count, source[i].isBlank { i += 1 }
      guard i < source.count, source[i] == .doubleQuote,
        let close = source[(i + 1)...].firstIndex(of: .doubleQuote)
      else { return nil }
      labels.append(String(decoding: source[(i + 1)..<close], as: UTF8.self))
      i = close + 1
    }
    while i < source.count, source[i].isXMLSpace { i += 1 }
    guard i < source.count, source[i] == .openBrace else { return nil }
    var depth = 0
    var lineStart = i + 1
    var lineDepth = 1
    var lines: [(depth: Int, text: String)] = []
    func substring(_ range: Range<Int>) -> String { String(decoding: source[range], as: UTF8.self) }
    while i < source.count {
      let byte = source[i]
      switch byte {
      case .openBrace:
        depth += 1
      case .closeBrace:
        depth -= 1
        if depth == 0 {
          if lineStart < i { lines.append((lineDepth, substring(lineStart..<i))) }
          return (Block(type: labels[0], name: labels[1], start: start, lines: lines), i + 1)
        }
      case .doubleQuote:
        i += 1
        while i < source.count, source[i] != .doubleQuote, source[i] != .lineFeed {
          if source[i] == .backslash { i += 1 }
          i += 1
        }
      case UInt8(ascii: "#"):
        while i < source.count, source[i] != .lineFeed { i += 1 }
        continue
      case .lineFeed:
        lines.append((lineDepth, substring(lineStart..<i)))
        lineStart = i + 1
        lineDepth = depth
      default:
        break
      }
      i += 1
    }
    return nil
  }
}
