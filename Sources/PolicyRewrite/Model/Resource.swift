import PolicyDOM

/// The audience of the Managed Identity token: the client id of the Function App's Entra ID
/// application, written as the `resource` attribute of `<authentication-managed-identity>`.
///
/// Accepted forms: a GUID, an `api://` or `https://` URI, a named value `{{name}}`, or a
/// Terraform placeholder `${...}` (without quotes, `<`, `>` or `&`, which could break out of the
/// attribute). Anything else is refused before any file is read.
public struct Resource: Sendable, Hashable, CustomStringConvertible {
  /// The value as it is written into the attribute (before XML escaping).
  public let value: String

  /// Why a resource was refused.
  public struct InvalidResource: Error, Sendable, Hashable, CustomStringConvertible {
    /// The refused text.
    public var text: String
    /// The message, for people.
    public var description: String {
      "invalid resource '\(text)': expected a GUID, an api:// or https:// URI, a named value {{name}} or a Terraform placeholder ${...}"
    }
  }

  /// Validates `text` as a resource.
  /// - Throws: ``InvalidResource`` when it has none of the accepted forms.
  public init(validating text: String) throws(InvalidResource) {
    guard Self.isValid(text) else { throw InvalidResource(text: text) }
    self.value = text
  }

  /// The resource as written.
  public var description: String { value }

  private static func isValid(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    if isGUID(bytes) { return true }
    if text.hasPrefix("api://") || text.hasPrefix("https://") {
      let rest = text.drop(while: { $0 != ":" }).dropFirst(3)
      return !rest.isEmpty
        && !bytes.contains(where: {
          $0 <= 0x20 || $0 == .doubleQuote || $0 == .lessThan || $0 == .greaterThan || $0 == 0x7F
        })
    }
    if text.hasPrefix("{{"), text.hasSuffix("}}"), bytes.count > 4 {
      return bytes[2..<(bytes.count - 2)].allSatisfy(isNamedValueCharacter)
    }
    if text.hasPrefix("${"), text.hasSuffix("}"), bytes.count > 3 {
      // Written into an attribute value: nothing that could end it or start markup.
      let breaksAttribute = bytes.contains {
        $0 < 0x20 || $0 == 0x7F || $0 == .doubleQuote || $0 == .singleQuote || $0 == .lessThan
          || $0 == .greaterThan || $0 == .ampersand
      }
      if breaksAttribute { return false }
      var depth = 0
      for (index, byte) in bytes.enumerated() {
        if byte == .openBrace { depth += 1 }
        if byte == .closeBrace {
          depth -= 1
          if depth == 0 && index != bytes.count - 1 { return false }
        }
        if byte == .lineFeed { return false }
      }
      return depth == 0
    }
    return false
  }

  /// Whether `bytes` are a GUID: 8-4-4-4-12 hexadecimal digits.
  public static func isGUID(_ bytes: [UInt8]) -> Bool {
    guard bytes.count == 36 else { return false }
    for (index, byte) in bytes.enumerated() {
      if [8, 13, 18, 23].contains(index) {
        guard byte == .hyphen else { return false }
      } else {
        guard byte.isHexDigit else { return false }
      }
    }
    return true
  }

  /// Whether a byte may appear in a named value's display name (letters, digits, `.`, `-`, `_`).
  package static func isNamedValueCharacter(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
      || byte == .hyphen || byte == .underscore || byte == UInt8(ascii: ".")
  }
}
