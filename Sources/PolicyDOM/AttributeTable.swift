@preconcurrency import CLibXML2

/// The attributes of a parsed document's elements, kept apart from libxml2's tree: an
/// attribute as a libxml2 node, with the text node holding its value, took about 200 bytes,
/// and a large policy holds hundreds of thousands of them.
///
/// Names are kept once each; values are decoded as libxml2 decodes them for `xmlGetProp`
/// (character references and the predefined entities) and stored one after the other in one
/// byte array. Elements are numbered by their recorded span, in document order of their start
/// tags, as their attributes are added.
struct AttributeTable {
  private struct Entry {
    var name: Int32
    var valueStart: Int32
    var valueEnd: Int32
  }

  /// The attribute names, by number.
  private var names: [String] = []
  /// The number of each attribute name.
  private var numbers: [String: Int32] = [:]
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

  /// Drops what only parsing needs.
  mutating func finish() {
    numbersByAddress = [:]
    firstEntries.append(Int32(entries.count))
  }

  /// The value of the attribute `name` of element `element` (the index of its span); the first
  /// one so named when several in different namespaces are, as `xmlGetProp` does.
  func value(of name: String, element: Int) -> String? {
    guard let number = numbers[name] else { return nil }
    for entry in entries[Int(firstEntries[element])..<Int(firstEntries[element + 1])] where entry.name == number {
      return String(decoding: values[Int(entry.valueStart)..<Int(entry.valueEnd)], as: UTF8.self)
    }
    return nil
  }

  /// How many attributes the table holds.
  var count: Int { entries.count }

  private mutating func number(of name: UnsafePointer<xmlChar>) -> Int32 {
    if let number = numbersByAddress[name] { return number }
    let text = String(cString: name)
    let number: Int32
    if let known = numbers[text] {
      number = known
    } else {
      number = Int32(names.count)
      names.append(text)
      numbers[text] = number
    }
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
