@preconcurrency import CLibXML2

/// An element of a ``PolicyDocument``, with its exact byte range in the original file.
///
/// An element holds its document strongly, so the libxml2 node it wraps stays valid for as
/// long as the element exists.
public struct PolicyElement {
  /// The document the element belongs to.
  public let document: PolicyDocument
  let node: xmlNodePtr

  init(document: PolicyDocument, node: xmlNodePtr) {
    self.document = document
    self.node = node
  }

  /// The element's name as written (policy elements have no namespace prefix).
  public var name: String { String(cString: node.pointee.name) }

  /// Whether the element's name is `name`, compared byte for byte without building a `String`.
  public func hasName(_ name: StaticString) -> Bool {
    name.withUTF8Buffer { expected in
      guard let actual = node.pointee.name else { return false }
      var i = 0
      while i < expected.count {
        if actual[i] != expected[i] { return false }
        i += 1
      }
      return actual[i] == 0
    }
  }

  /// The value of the attribute `name`, with entities decoded; `nil` when it is absent.
  ///
  /// The value comes from the masked text: inside a raw policy expression, characters that
  /// XML cannot hold read as `_`. Use ``rawAttribute(_:)`` for the bytes as written.
  public func attribute(_ name: String) -> String? { document.attribute(name, of: node) }

  /// The first byte of the element's name, for a cheap first test before ``hasName(_:)``.
  public var firstNameByte: UInt8 { node.pointee.name?.pointee ?? 0 }

  /// The first child that is an element.
  public var firstChildElement: PolicyElement? { Self.element(from: node.pointee.children, in: document) }

  /// The next sibling that is an element.
  public var nextSiblingElement: PolicyElement? { Self.element(from: node.pointee.next, in: document) }

  private static func element(from start: xmlNodePtr?, in document: PolicyDocument) -> PolicyElement? {
    var current = start
    while let node = current {
      if node.pointee.type == XML_ELEMENT_NODE { return PolicyElement(document: document, node: node) }
      current = node.pointee.next
    }
    return nil
  }

  /// The element's children that are elements, in document order.
  public var children: [PolicyElement] {
    var result: [PolicyElement] = []
    var child = node.pointee.children
    while let current = child {
      if current.pointee.type == XML_ELEMENT_NODE { result.append(PolicyElement(document: document, node: current)) }
      child = current.pointee.next
    }
    return result
  }

  /// The parent element, or `nil` for the root.
  public var parent: PolicyElement? {
    guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
    return PolicyElement(document: document, node: parent)
  }

  /// The bytes of the element, from its `<` to just past its end tag's `>`.
  public var range: Range<Int> {
    let span = document.span(of: node)
    return span.start..<span.end
  }

  /// The bytes between the start tag and the end tag; empty for `<x/>`.
  public var contentRange: Range<Int> {
    let span = document.span(of: node)
    return span.contentStart..<span.contentEnd
  }

  /// Whether the element is written as an empty-element tag (`<x/>` or `<x />`).
  public var isEmptyElementTag: Bool {
    let span = document.span(of: node)
    return span.contentStart == span.end
  }

  /// The element's content as written in the original bytes (no entity decoding).
  public var rawContent: String {
    String(decoding: document.source[contentRange], as: UTF8.self)
  }

  /// The 1-based line and column of the element's `<`.
  public var location: (line: Int, column: Int) { document.lineMap.location(of: range.lowerBound) }

  /// Whether two values wrap the same element.
  public func isSame(as other: PolicyElement) -> Bool { node == other.node }

  /// The names of the ancestors from the root's child down to the parent, and the element:
  /// `inbound/choose/when/set-header`.
  public var path: [String] {
    var names: [String] = []
    var current: PolicyElement? = self
    while let element = current, element.parent != nil {
      names.append(element.name)
      current = element.parent
    }
    return names.reversed()
  }
}
