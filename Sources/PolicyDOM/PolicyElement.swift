/// An element of a ``PolicyDocument``, with its exact byte range in the original file.
///
/// An element is its document (held strongly) and its number in the document's
/// ``ElementTable``.
public struct PolicyElement {
  /// The document the element belongs to.
  public let document: PolicyDocument
  /// The element's number in its document, in document order of the start tags.
  let number: Int

  init(document: PolicyDocument, number: Int) {
    self.document = document
    self.number = number
  }

  /// The element's name as written (policy elements have no namespace prefix).
  public var name: String { document.elements.name(of: number) }

  /// Whether the element's name is `name`, compared byte for byte without building a `String`.
  public func hasName(_ name: StaticString) -> Bool { document.elements.hasName(number, name) }

  /// The value of the attribute `name`, with entities decoded; `nil` when it is absent.
  ///
  /// The value comes from the masked text: inside a raw policy expression, characters that
  /// XML cannot hold read as `_`. Use ``rawAttribute(_:)`` for the bytes as written.
  public func attribute(_ name: String) -> String? { document.attribute(name, of: number) }

  /// The first byte of the element's name, for a cheap first test before ``hasName(_:)``.
  public var firstNameByte: UInt8 { document.elements.firstNameByte(of: number) }

  /// The first child that is an element.
  public var firstChildElement: PolicyElement? { element(document.elements.nodes[number].firstChild) }

  /// The next sibling that is an element.
  public var nextSiblingElement: PolicyElement? { element(document.elements.nodes[number].nextSibling) }

  private func element(_ number: Int32) -> PolicyElement? {
    number < 0 ? nil : PolicyElement(document: document, number: Int(number))
  }

  /// The element's children that are elements, in document order.
  public var children: [PolicyElement] {
    var result: [PolicyElement] = []
    let nodes = document.elements.nodes
    var child = nodes[number].firstChild
    while child >= 0 {
      result.append(PolicyElement(document: document, number: Int(child)))
      child = nodes[Int(child)].nextSibling
    }
    return result
  }

  /// The parent element, or `nil` for the root.
  public var parent: PolicyElement? { element(document.elements.nodes[number].parent) }

  /// The bytes of the element, from its `<` to just past its end tag's `>`.
  public var range: Range<Int> {
    let span = document.span(of: number)
    return span.start..<span.end
  }

  /// The bytes between the start tag and the end tag; empty for `<x/>`.
  public var contentRange: Range<Int> {
    let span = document.span(of: number)
    return span.contentStart..<span.contentEnd
  }

  /// Whether the element is written as an empty-element tag (`<x/>` or `<x />`).
  public var isEmptyElementTag: Bool {
    let span = document.span(of: number)
    return span.contentStart == span.end
  }

  /// The element's content as written in the original bytes (no entity decoding).
  public var rawContent: String {
    String(decoding: document.source[contentRange], as: UTF8.self)
  }

  /// The 1-based line and column of the element's `<`.
  public var location: (line: Int, column: Int) { document.lineMap.location(of: range.lowerBound) }

  /// Whether two values wrap the same element.
  public func isSame(as other: PolicyElement) -> Bool { number == other.number && document === other.document }

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
