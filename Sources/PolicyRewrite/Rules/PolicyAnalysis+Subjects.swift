import PolicyDOM

extension PolicyAnalysis {
  /// Sets the ``Finding/subject`` of each finding made at an element the walk recorded (or at
  /// an injection): a digest of that element's text, its runs of XML space made one space, so
  /// that an accepted finding stays accepted when the file is re-indented and is a new finding
  /// when the key, the named value or the header changes.
  func identifySubjects(of findings: inout [Finding]) {
    guard !findings.isEmpty else { return }
    var elements: [Int: PolicyElement] = [:]
    for entry in entries { elements[entry.element.range.lowerBound] = entry.element }
    for injection in injections { elements[injection.element.range.lowerBound] = injection.element }
    var byLocation: [Int: [Int: PolicyElement]] = [:]
    for element in elements.values {
      let (line, column) = element.location
      byLocation[line, default: [:]][column] = element
    }
    for index in findings.indices where findings[index].subject.isEmpty {
      guard let element = byLocation[findings[index].line]?[findings[index].column] else { continue }
      findings[index].subject = Self.digest(of: document.source[element.range])
    }
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
