import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension FileSystem {
  /// A path as shown to people: its UTF-8 text, with each byte that is not part of valid
  /// UTF-8 written as `\xNN`.
  public static func display(_ path: [UInt8]) -> String {
    if let text = String(validating: path, as: UTF8.self) { return text }
    var result = ""
    var i = 0
    while i < path.count {
      let length = validSequenceLength(path, at: i)
      if length > 0 {
        result += String(decoding: path[i..<(i + length)], as: UTF8.self)
        i += length
      } else {
        result += "\\x" + String(path[i], radix: 16, uppercase: true).zeroPadded(to: 2)
        i += 1
      }
    }
    return result
  }

  /// The length of the valid UTF-8 sequence at `index`, or 0.
  private static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
    let first = bytes[index]
    let length =
      switch first {
      case 0x00...0x7F: 1
      case 0xC2...0xDF: 2
      case 0xE0...0xEF: 3
      case 0xF0...0xF4: 4
      default: 0
      }
    guard length > 0, index + length <= bytes.count else { return 0 }
    return String(validating: bytes[index..<(index + length)], as: UTF8.self) == nil ? 0 : length
  }
}
