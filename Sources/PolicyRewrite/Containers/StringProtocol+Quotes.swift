import PolicyDOM

extension StringProtocol {
  /// The text without one pair of matching surrounding quotes (`"` or `'`), if it has them.
  var trimmingQuotes: String {
    var text = String(self)
    if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
      text = String(text.dropFirst().dropLast())
    }
    return text
  }
}
