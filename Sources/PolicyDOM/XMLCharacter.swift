/// The UTF-8 sequences of XML characters, for ``WellFormedScanner``.
enum XMLCharacter {
  /// The length of the UTF-8 sequence of an XML character at `i` of `bytes`, whose first byte
  /// is 0x80 or more; `nil` when the bytes there are not one (malformed or overlong UTF-8, a
  /// surrogate, U+FFFE or U+FFFF).
  static func sequenceLength(in bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
    let count = bytes.count
    let lead = bytes[i]
    func continuation(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
      i + k < count && range.contains(bytes[i + k])
    }
    switch lead {
    case 0xC2...0xDF:
      return continuation(1) ? 2 : nil
    case 0xE0:
      return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : nil
    case 0xE1...0xEC, 0xEE:
      return continuation(1) && continuation(2) ? 3 : nil
    case 0xED:
      return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : nil
    case 0xEF:
      // U+FFFE and U+FFFF are not XML characters.
      return continuation(1) && continuation(2) && !(bytes[i + 1] == 0xBF && bytes[i + 2] >= 0xBE) ? 3 : nil
    case 0xF0:
      return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : nil
    case 0xF1...0xF3:
      return continuation(1) && continuation(2) && continuation(3) ? 4 : nil
    case 0xF4:
      return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : nil
    default:
      return nil
    }
  }
}
