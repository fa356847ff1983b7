/// A stable fingerprint of a finding, for SARIF `partialFingerprints` and baseline entries.
enum Fingerprint {
  /// A 64-bit FNV-1a hash of the parts (each ended by a NUL byte), as 16 hex digits.
  static func of(_ parts: [String]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for part in parts {
      for byte in part.utf8 + [0] {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
      }
    }
    return String(hash, radix: 16).zeroPadded(to: 16)
  }
}
