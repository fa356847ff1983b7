/// The elements of a parsed document, numbered in document order of their start tags: each
/// one's span, name and place in the tree (parent, first child, next sibling), and their
/// attributes.
///
/// Both readings build it as they meet the tags: libxml2's callbacks (whose tree is freed as
/// soon as the parse ends) and ``WellFormedScanner``, for a document it vouches for. A
/// ``PolicyElement`` is a number in it. An element takes about 36 bytes here, and its name's
/// bytes; a libxml2 element node took about 120 bytes, and a `malloc` of its own.
struct ElementTable: Equatable {
  /// One element.
  struct Node: Equatable {
    var span: ElementSpan
    /// The parent's number, `-1` for the root.
    var parent: Int32
    /// The first child's number, `-1` for none.
    var firstChild: Int32 = -1
    /// The next sibling's number, `-1` for none.
    var nextSibling: Int32 = -1
    /// Where the name's bytes are in ``ElementTable/names``.
    var nameStart: Int32
    var nameEnd: Int32
  }

  /// The elements, by number.
  var nodes: [Node] = []
  /// The elements' names (local names, without a namespace prefix), one after the other.
  var names: [UInt8] = []
  /// The elements' attributes, by number.
  var attributes = AttributeTable()
  /// The open elements while the table is built, innermost last, each with its last child.
  private var open: [(element: Int32, lastChild: Int32)] = []

  /// Reserves room for about `count` elements.
  mutating func reserve(_ count: Int) {
    nodes.reserveCapacity(count)
    names.reserveCapacity(count * 8)
  }

  /// Adds an element whose start tag was just read, as the last child of the innermost open
  /// element, and opens it; its attributes are added to ``attributes`` by the caller.
  mutating func startElement(_ span: ElementSpan, name: UnsafeBufferPointer<UInt8>) {
    let number = Int32(nodes.count)
    let nameStart = Int32(names.count)
    names.append(contentsOf: name)
    var parent: Int32 = -1
    if let last = open.indices.last {
      let top = open[last]
      parent = top.element
      if top.lastChild < 0 {
        nodes[Int(top.element)].firstChild = number
      } else {
        nodes[Int(top.lastChild)].nextSibling = number
      }
      open[last].lastChild = number
    }
    nodes.append(Node(span: span, parent: parent, nameStart: nameStart, nameEnd: Int32(names.count)))
    open.append((number, -1))
  }

  /// Closes the innermost open element.
  /// - Returns: Its number; `nil` when none is open.
  mutating func endElement() -> Int? {
    open.popLast().map { Int($0.element) }
  }

  /// Ends the building: drops what only building needs.
  mutating func finish() {
    open = []
    attributes.finish()
  }

  static func == (lhs: ElementTable, rhs: ElementTable) -> Bool {
    lhs.nodes == rhs.nodes && lhs.names == rhs.names && lhs.attributes == rhs.attributes
  }

  /// The name of element `number` as a string.
  func name(of number: Int) -> String {
    let node = nodes[number]
    return String(decoding: names[Int(node.nameStart)..<Int(node.nameEnd)], as: UTF8.self)
  }

  /// Whether element `number` is named `name`, compared byte for byte.
  func hasName(_ number: Int, _ name: StaticString) -> Bool {
    let node = nodes[number]
    let start = Int(node.nameStart)
    let count = Int(node.nameEnd) - start
    guard count == name.utf8CodeUnitCount else { return false }
    return name.withUTF8Buffer { expected in
      names.withUnsafeBufferPointer { bytes in
        var i = 0
        while i < count {
          if bytes[start + i] != expected[i] { return false }
          i += 1
        }
        return true
      }
    }
  }

  /// The first byte of element `number`'s name.
  func firstNameByte(of number: Int) -> UInt8 {
    let node = nodes[number]
    return node.nameEnd > node.nameStart ? names[Int(node.nameStart)] : 0
  }
}
