/// A file written in UTF-16 with a byte order mark (Windows PowerShell's `>` and `Out-File`
/// write such files): `check` reads its UTF-8 transcoding, so a key in it is found whatever
/// the file's format. Lines and columns (in characters) are the same in both.
struct UTF16Source {
  /// Whether the mark is `FE FF` (big-endian) rather than `FF FE`.
  let isBigEndian: Bool
  /// The text in UTF-8, without the mark.
  let utf8: [UInt8]

  /// The transcoding of `source`, when it starts with a UTF-16 byte order mark (and is not the
  /// UTF-32 mark `FF FE 00 00`); `nil` otherwise, or when it is not valid UTF-16 (the parser
  /// then reports the encoding).
  init?(_ source: [UInt8]) {
    guard source.count >= 2 else { return nil }
    switch (source[0], source[1]) {
    case (0xFF, 0xFE): isBigEndian = false
    case (0xFE, 0xFF): isBigEndian = true
    default: return nil
    }
    if !isBigEndian, source.count >= 4, source[2] == 0, source[3] == 0 { return nil }
    guard source.count % 2 == 0 else { return nil }
    var units: [UInt16] = []
    units.reserveCapacity(source.count / 2 - 1)
    var i = 2
    while i + 1 < source.count {
      let (first, second) = (UInt16(source[i]), UInt16(source[i + 1]))
      units.append(isBigEndian ? first << 8 | second : second << 8 | first)
      i += 2
    }
    var text: [UInt8] = []
    text.reserveCapacity(units.count)
    var iterator = units.makeIterator()
    var decoder = UTF16()
    loop: while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): UTF8.encode(scalar) { text.append($0) }
      case .emptyInput: break loop
      case .error: return nil
      }
    }
    utf8 = text
  }
}
