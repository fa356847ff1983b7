import PolicyDOM

/// The Terraform template directives of a policy text (`%{ if … }`, `%{ else }`,
/// `%{ endif }`, `%{ for … }`, `%{ endfor }`) and the regions they make: text inside a
/// directive is emitted only when its condition holds (or once per item), so an edit must not
/// move an element from one region to another (`rewrite-spec.md` §2a).
struct TemplateDirectives {
  /// One directive: where it starts and what it does to the region.
  struct Directive: Equatable {
    enum Kind: Equatable {
      case open, middle, close
    }

    let offset: Int
    let kind: Kind
    /// The directive's text, as written.
    let text: [UInt8]
  }

  /// The directives, in text order.
  let directives: [Directive]

  /// Reads the directives of `source`; `%%{` is an escape, not a directive.
  init(_ source: [UInt8]) {
    var found: [Directive] = []
    var i = 0
    while let start = source.firstOffset(of: "%{", from: i) {
      i = start + 2
      if start > 0, source[start - 1] == UInt8(ascii: "%") { continue }
      guard let end = source[i...].firstIndex(of: UInt8(ascii: "}")) else { break }
      var k = i
      while k < end, source[k] == UInt8(ascii: "~") || source[k].isXMLSpace { k += 1 }
      var word: [UInt8] = []
      while k < end, source[k].asciiLowercased >= UInt8(ascii: "a"), source[k].asciiLowercased <= UInt8(ascii: "z") {
        word.append(source[k].asciiLowercased)
        k += 1
      }
      let kind: Directive.Kind? =
        switch String(decoding: word, as: UTF8.self) {
        case "if", "for": .open
        case "else": .middle
        case "endif", "endfor": .close
        default: nil
        }
      if let kind { found.append(Directive(offset: start, kind: kind, text: Array(source[start...end]))) }
      i = end + 1
    }
    directives = found
  }

  /// Whether the text has no directive.
  var isEmpty: Bool { directives.isEmpty }

  /// The region that holds `offset`: 0 outside every directive, else a number that two
  /// offsets share exactly when the same directive branch holds both.
  func region(at offset: Int) -> Int {
    var stack: [Int] = []
    for (index, directive) in directives.enumerated() where directive.offset < offset {
      switch directive.kind {
      case .open: stack.append(index + 1)
      case .middle:
        if !stack.isEmpty { stack.removeLast() }
        stack.append(index + 1)
      case .close:
        if !stack.isEmpty { stack.removeLast() }
      }
    }
    return stack.last ?? 0
  }

  /// The directives' texts in order: what must be the same before and after a rewrite.
  var structure: [[UInt8]] { directives.map(\.text) }
}
