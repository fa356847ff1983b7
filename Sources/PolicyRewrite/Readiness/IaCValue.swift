/// A value of a Bicep file or ARM template, read loosely: objects, arrays, strings (Bicep
/// interpolations kept as `${…}`) and any other expression as its text.
public indirect enum IaCValue: Sendable, Hashable {
  /// `{ key: value }`, keys in source order.
  case object([Member])
  /// `[a, b]`.
  case array([IaCValue])
  /// A string's text.
  case string(String)
  /// Anything else, as written (a reference, a call, a number).
  case other(String)

  /// One member of an object.
  public struct Member: Sendable, Hashable {
    /// The key, quotes removed.
    public var key: String
    /// The value.
    public var value: IaCValue
  }

  /// The value at a dotted path of keys (compared ignoring case, as ARM does).
  public subscript(_ path: String) -> IaCValue? {
    var current: IaCValue? = self
    for key in path.split(separator: ".") {
      guard case .object(let members) = current else { return nil }
      current = members.first { $0.key.lowercased() == key.lowercased() }?.value
    }
    return current
  }

  /// A string's text or another expression's text; `nil` for objects and arrays.
  public var text: String? {
    switch self {
    case .string(let text), .other(let text): text
    default: nil
    }
  }

  /// An array's elements as text, or a single value as one element.
  public var texts: [String] {
    switch self {
    case .array(let elements): elements.compactMap(\.text)
    default: text.map { [$0] } ?? []
    }
  }

  /// Whether the value is `true` (Bicep) or the ARM `true`.
  public var isTrue: Bool { text?.lowercased() == "true" }
}
