/// Where an element is in the original bytes.
///
/// Offsets are stored as 32-bit integers (files of 2 GiB and more are refused), which halves
/// the memory a large policy's spans take.
struct ElementSpan: Sendable, Hashable {
  /// Offset of the start tag's `<`.
  @Offset32 var start: Int
  /// Offset just past the start tag's `>`; equal to `end` for an empty element (`<x/>`).
  @Offset32 var contentStart: Int
  /// Offset of the end tag's `<`; equal to `end` for an empty element.
  @Offset32 var contentEnd: Int
  /// Offset just past the end tag's `>` (or the `/>` of an empty element).
  @Offset32 var end: Int
}
