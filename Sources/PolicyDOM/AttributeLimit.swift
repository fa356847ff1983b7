/// The most attributes one element may have.
///
/// libxml2 compares each attribute of a start tag with every earlier one (to refuse
/// duplicates), so an element with a hundred thousand attributes takes minutes inside the
/// parser. Policy elements have a handful; a tag with more than ``maximum`` is refused before
/// libxml2 reads the file, in one linear pass over its bytes.
enum AttributeLimit {
  /// The most attributes one element may have.
  static let maximum = 1_000

  /// The offset of the `<` of the first start tag with more than ``maximum`` attributes
  /// (counted as quoted values), or `nil`. Comments, CDATA sections, processing
  /// instructions and declarations are skipped.
  static func firstExcess(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    let n = bytes.count
    var i = 0
    func skip(to literal: StaticString, from start: Int) -> Int {
      var k = start
      while k < n {
        if bytes.hasLiteral(literal, at: k) { return k + literal.utf8CodeUnitCount }
        k += 1
      }
      return n
    }
    while i < n {
      guard bytes[i] == .lessThan else {
        i += 1
        continue
      }
      if bytes.hasLiteral("<!--", at: i) {
        i = skip(to: "-->", from: i + 4)
      } else if bytes.hasLiteral("<![CDATA[", at: i) {
        i = skip(to: "]]>", from: i + 9)
      } else if bytes.hasLiteral("<?", at: i) {
        i = skip(to: "?>", from: i + 2)
      } else if i + 1 < n, bytes[i + 1] == .bang || bytes[i + 1] == .slash {
        i = skip(to: ">", from: i + 2)
      } else {
        let start = i
        var values = 0
        i += 1
        tag: while i < n {
          switch bytes[i] {
          case .greaterThan:
            i += 1
            break tag
          case .lessThan:
            break tag
          case .doubleQuote, .singleQuote:
            let quote = bytes[i]
            values += 1
            if values > maximum { return start }
            i += 1
            while i < n, bytes[i] != quote { i += 1 }
            i += 1
          default:
            i += 1
          }
        }
      }
    }
    return nil
  }
}
