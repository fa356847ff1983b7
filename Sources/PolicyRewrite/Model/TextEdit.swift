import PolicyDOM

/// A replacement of a byte range of the original text.
package struct TextEdit: Hashable {
  /// The replaced bytes of the original; empty for an insertion.
  package var range: Range<Int>
  /// The new bytes.
  package var replacement: [UInt8]

  /// Applies non-overlapping edits to `source`, copying every other byte as it is.
  ///
  /// An insertion at the offset where a removal starts goes before the removal.
  package static func apply(_ edits: [TextEdit], to source: [UInt8]) -> [UInt8] {
    let sorted = edits.sorted { ($0.range.lowerBound, $0.range.count) < ($1.range.lowerBound, $1.range.count) }
    var output: [UInt8] = []
    output.reserveCapacity(source.count + sorted.reduce(0) { $0 + $1.replacement.count })
    var cursor = 0
    for edit in sorted {
      precondition(edit.range.lowerBound >= cursor, "edits overlap")
      output.append(contentsOf: source[cursor..<edit.range.lowerBound])
      output.append(contentsOf: edit.replacement)
      cursor = edit.range.upperBound
    }
    output.append(contentsOf: source[cursor...])
    return output
  }
}
