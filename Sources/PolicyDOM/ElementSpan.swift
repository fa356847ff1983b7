/// Where an element is in the original bytes.
///
/// Offsets are stored as 32-bit integers (files of 2 GiB and more are refused), which halves
/// the memory a large policy's spans take.
struct ElementSpan: Sendable, Hashable {
  private var storage: (Int32, Int32, Int32, Int32)

  init(start: Int, contentStart: Int, contentEnd: Int, end: Int) {
    storage = (Int32(start), Int32(contentStart), Int32(contentEnd), Int32(end))
  }

  /// Offset of the start tag's `<`.
  var start: Int {
    get { Int(storage.0) }
    set { storage.0 = Int32(newValue) }
  }
  /// Offset just past the start tag's `>`; equal to `end` for an empty element (`<x/>`).
  var contentStart: Int {
    get { Int(storage.1) }
    set { storage.1 = Int32(newValue) }
  }
  /// Offset of the end tag's `<`; equal to `end` for an empty element.
  var contentEnd: Int {
    get { Int(storage.2) }
    set { storage.2 = Int32(newValue) }
  }
  /// Offset just past the end tag's `>` (or the `/>` of an empty element).
  var end: Int {
    get { Int(storage.3) }
    set { storage.3 = Int32(newValue) }
  }

  static func == (lhs: ElementSpan, rhs: ElementSpan) -> Bool { lhs.storage == rhs.storage }

  func hash(into hasher: inout Hasher) {
    hasher.combine(storage.0)
    hasher.combine(storage.1)
    hasher.combine(storage.2)
    hasher.combine(storage.3)
  }
}
