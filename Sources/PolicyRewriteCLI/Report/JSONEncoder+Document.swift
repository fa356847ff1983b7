import FoundationEssentials

extension JSONEncoder {
  /// `value` as every JSON document policy-rewrite writes (reports, `rules --format json`,
  /// baselines): pretty-printed, keys sorted, `/` not escaped, with a final newline.
  static func document(_ value: some Encodable) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(value)) + [UInt8(ascii: "\n")]
  }
}
