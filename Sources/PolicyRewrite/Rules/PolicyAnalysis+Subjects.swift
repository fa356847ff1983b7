import PolicyDOM

extension PolicyAnalysis {
  /// The ``Finding/subject`` of a finding at `element`: a digest of the element's text (the
  /// header with its value, the variable, the URL), its runs of XML space made one space, so
  /// that an accepted finding stays accepted when the file is re-indented and is a new finding
  /// when the key, the named value or the header changes.
  static func subject(of element: PolicyElement) -> String {
    digest(of: element.document.source[element.range])
  }

  /// The subject of a finding in a container file that has no element (backend credentials,
  /// a policy that cannot be decoded): the digest of its line from `offset` on, which holds
  /// the key's entry or the policy's piece.
  static func lineDigest(_ bytes: [UInt8], from offset: Int) -> String {
    var end = offset
    while end < bytes.count, bytes[end] != .lineFeed { end += 1 }
    return digest(of: bytes[min(offset, end)..<end])
  }

  /// A 64-bit FNV-1a hash of `text` with each run of XML space read as one space, as 16 hex
  /// digits.
  static func digest(of text: ArraySlice<UInt8>) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    var inSpace = false
    for byte in text {
      if byte.isXMLSpace {
        if inSpace { continue }
        inSpace = true
        hash ^= 0x20
      } else {
        inSpace = false
        hash ^= UInt64(byte)
      }
      hash = hash &* 0x100_0000_01b3
    }
    let digits = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
