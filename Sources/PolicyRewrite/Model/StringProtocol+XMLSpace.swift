import PolicyDOM

extension StringProtocol {
  /// The text without leading and trailing XML white space.
  var trimmingXMLSpace: String {
    let bytes = Array(utf8)
    guard let first = bytes.firstIndex(where: { !$0.isXMLSpace }), let last = bytes.lastIndex(where: { !$0.isXMLSpace })
    else { return "" }
    return String(decoding: bytes[first...last], as: UTF8.self)
  }
}
