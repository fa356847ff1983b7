@preconcurrency import CLibXML2

#if canImport(Glibc)
  import Glibc
#endif

/// The attributes of a parsed document's elements, kept apart from libxml2's tree: an
/// attribute as a libxml2 node, with the text node holding its value, took about 200 bytes,
/// and a large policy holds hundreds of thousands of them.
///
/// Names are kept once each; values are decoded as libxml2 decodes them for `xmlGetProp`
/// (character references and the predefined entities) and stored one after the other in one
/// byte array. Elements are numbered by their recorded span, in document order of their start
/// tags, as their attributes are added.
struct AttributeTable: Equatable {
  private struct Entry: Equatable {
    var name: Int32
    var valueStart: Int32
    var valueEnd: Int32
  }

  /// The attribute names' bytes, one after the other, and where each ends, by number.
  private var nameBytes: [UInt8] = []
  private var nameEnds: [Int32] = []
  /// The number of each attribute name as a string, once names are keyed by string: when
  /// there are more than ``namesSearched`` (fewer ASCII names are searched one by one: a
  /// policy has a dozen), or a name is not ASCII.
  private var numbers: [String: Int32] = [:]
  private var keyedByString = false
  /// The number of each attribute name libxml2 handed over, by the address of its interned
  /// name (valid while the parser context lives; emptied when parsing ends).
  private var numbersByAddress: [UnsafePointer<xmlChar>: Int32] = [:]
  private var entries: [Entry] = []
  private var values: [UInt8] = []
  /// For each element, the index of its first entry; its entries end where the next element's
  /// begin.
  private var firstEntries: [Int32] = []

  /// Adds the attributes of the next element, from a libxml2 `startElementNs` callback's
  /// `attributes` (five pointers each: local name, prefix, URI, value, end of value).
  mutating func addElement(_ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, count: Int) {
    firstEntries.append(Int32(entries.count))
    guard let attributes, count > 0 else { return }
    for index in 0..<count {
      guard let localName = attributes[5 * index], let value = attributes[5 * index + 3],
        let valueEnd = attributes[5 * index + 4]
      else { continue }
      let start = values.count
      let bytes = UnsafeBufferPointer(start: value, count: valueEnd - value)
      if bytes.contains(.ampersand) {
        Self.appendDecoded(bytes, to: &values)
      } else {
        values.append(contentsOf: bytes)
      }
      entries.append(Entry(name: number(of: localName), valueStart: Int32(start), valueEnd: Int32(values.count)))
    }
  }

  /// Adds the attributes of the next element as ``WellFormedScanner`` read them: each name's
  /// range in `bytes` and its value's (between the quotes), decoded as libxml2 decodes them
  /// (character references and the predefined entities, and each tab, line feed, carriage
  /// return or CR LF pair written as such read as one space).
  mutating func addElement(names: [Range<Int>], values: [Range<Int>], in bytes: UnsafeBufferPointer<UInt8>) {
    firstEntries.append(Int32(entries.count))
    for (name, value) in zip(names, values) {
      let start = self.values.count
      Self.appendNormalized(UnsafeBufferPointer(rebasing: bytes[value]), to: &self.values)
      entries.append(
        Entry(
          name: number(of: UnsafeBufferPointer(rebasing: bytes[name])), valueStart: Int32(start),
          valueEnd: Int32(self.values.count)))
    }
  }

  /// The number of the name `bytes`, added when it is new.
  private mutating func number(of bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
    if !keyedByString, nameEnds.count >= Self.namesSearched || !Self.isASCII(bytes) {
      keyedByString = true
      for known in 0..<nameEnds.count { numbers[name(known)] = Int32(known) }
    }
    var text: String?
    if keyedByString {
      let name = String(decoding: bytes, as: UTF8.self)
      if let known = numbers[name] { return known }
      text = name
    } else if let known = search(bytes) {
      return known
    }
    let number = Int32(nameEnds.count)
    nameBytes.append(contentsOf: bytes)
    nameEnds.append(Int32(nameBytes.count))
    if let text { numbers[text] = number }
    return number
  }

  /// The number of the name `bytes`; `nil` when no attribute has it. Names are told apart as
  /// strings (canonically equivalent spellings are one name); ASCII names, as their bytes.
  private func lookUp(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
    if keyedByString { return numbers[String(decoding: bytes, as: UTF8.self)] }
    guard Self.isASCII(bytes) else {
      let text = String(decoding: bytes, as: UTF8.self)
      return (0..<nameEnds.count).first { name($0) == text }.map(Int32.init)
    }
    return search(bytes)
  }

  /// The number of the name `bytes` among the names, compared byte for byte.
  private func search(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
    nameBytes.withUnsafeBufferPointer { known in
      var start = 0
      for (number, end) in nameEnds.enumerated() {
        let end = Int(end)
        if end - start == bytes.count, let base = known.baseAddress, let other = bytes.baseAddress,
          memcmp(base + start, other, bytes.count) == 0
        {
          return Int32(number)
        }
        start = end
      }
      return nil
    }
  }

  private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    for byte in bytes where byte >= 0x80 { return false }
    return true
  }

  /// The name numbered `number`.
  private func name(_ number: Int) -> String {
    String(decoding: nameBytes[(number == 0 ? 0 : Int(nameEnds[number - 1]))..<Int(nameEnds[number])], as: UTF8.self)
  }

  /// How many names are searched one by one before a dictionary is kept.
  private static let namesSearched = 32

  /// Appends an attribute value as written, decoded as libxml2 decodes it (see
  /// ``addElement(names:values:in:)``); the scanner has checked its references.
  private static func appendNormalized(_ raw: UnsafeBufferPointer<UInt8>, to values: inout [UInt8]) {
    var index = 0
    var plain = 0
    while index < raw.count {
      let byte = raw[index]
      guard byte == .ampersand || byte == .tab || byte == .lineFeed || byte == .carriageReturn else {
        index += 1
        continue
      }
      values.append(contentsOf: UnsafeBufferPointer(rebasing: raw[plain..<index]))
      if byte == .ampersand {
        var semicolon = index + 1
        while semicolon < raw.count, raw[semicolon] != UInt8(ascii: ";") { semicolon += 1 }
        if semicolon < raw.count, let scalar = decode(UnsafeBufferPointer(rebasing: raw[(index + 1)..<semicolon])) {
          UTF8.encode(scalar) { values.append($0) }
          index = semicolon + 1
        } else {
          values.append(byte)
          index += 1
        }
      } else {
        values.append(.space)
        index += byte == .carriageReturn && index + 1 < raw.count && raw[index + 1] == .lineFeed ? 2 : 1
      }
      plain = index
    }
    values.append(contentsOf: UnsafeBufferPointer(rebasing: raw[plain..<index]))
  }

  /// Drops what only parsing needs.
  mutating func finish() {
    numbersByAddress = [:]
    firstEntries.append(Int32(entries.count))
  }

  /// The value of the attribute `name` of element `element` (the index of its span); the first
  /// one so named when several in different namespaces are, as `xmlGetProp` does.
  func value(of name: String, element: Int) -> String? {
    var name = name
    guard let number = name.withUTF8({ lookUp($0) }) else { return nil }
    for entry in entries[Int(firstEntries[element])..<Int(firstEntries[element + 1])] where entry.name == number {
      return String(decoding: values[Int(entry.valueStart)..<Int(entry.valueEnd)], as: UTF8.self)
    }
    return nil
  }

  /// How many attributes the table holds.
  var count: Int { entries.count }

  private mutating func number(of name: UnsafePointer<xmlChar>) -> Int32 {
    if let number = numbersByAddress[name] { return number }
    let number = number(of: UnsafeBufferPointer(start: name, count: Int(xmlStrlen(name))))
    numbersByAddress[name] = number
    return number
  }

  /// Appends `bytes` with its character references (`&#38;`, `&#x26;`) and predefined entities
  /// (`&amp;` and the others) decoded; anything else is kept as written. (libxml2 hands over an
  /// attribute's `&` as `&#38;`: its other references are decoded already.)
  private static func appendDecoded(_ bytes: UnsafeBufferPointer<UInt8>, to values: inout [UInt8]) {
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      guard byte == .ampersand, let semicolon = bytes[index...].firstIndex(of: UInt8(ascii: ";")) else {
        values.append(byte)
        index += 1
        continue
      }
      let reference = Array(bytes[(index + 1)..<semicolon])
      if let scalar = decode(reference) {
        UTF8.encode(scalar) { values.append($0) }
      } else {
        values.append(contentsOf: bytes[index...semicolon])
      }
      index = semicolon + 1
    }
  }

  /// The character of the reference `name` (between `&` and `;`), read without allocating:
  /// the scanner reads many `&quot;` and `&amp;` in expressions.
  private static func decode(_ name: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
    func named(_ literal: StaticString) -> Bool {
      name.count == literal.utf8CodeUnitCount && name.hasLiteral(literal, at: 0)
    }
    if named("quot") { return "\"" }
    if named("amp") { return "&" }
    if named("lt") { return "<" }
    if named("gt") { return ">" }
    if named("apos") { return "'" }
    guard name.count >= 2, name[0] == UInt8(ascii: "#") else { return nil }
    let hex = name[1] == UInt8(ascii: "x")
    var code: UInt32 = 0
    var digits = 0
    for byte in name[(hex ? 2 : 1)...] {
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: return nil
      }
      digits += 1
      guard digits <= 8 else { return nil }
      code = code * (hex ? 16 : 10) + digit
    }
    return digits == 0 ? nil : Unicode.Scalar(code)
  }

  private static func decode(_ reference: [UInt8]) -> Unicode.Scalar? {
    switch reference {
    case Array("amp".utf8): return "&"
    case Array("lt".utf8): return "<"
    case Array("gt".utf8): return ">"
    case Array("quot".utf8): return "\""
    case Array("apos".utf8): return "'"
    default: break
    }
    guard reference.first == UInt8(ascii: "#") else { return nil }
    let hex = reference.count > 1 && reference[1] == UInt8(ascii: "x")
    let digits = reference.dropFirst(hex ? 2 : 1)
    guard !digits.isEmpty, let code = UInt32(String(decoding: digits, as: UTF8.self), radix: hex ? 16 : 10) else {
      return nil
    }
    return Unicode.Scalar(code)
  }
}
