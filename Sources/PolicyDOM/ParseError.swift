/// Why a policy document could not be parsed, with the place in the file.
public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The kind of failure.
  public enum Kind: String, Sendable, Hashable {
    /// The file is not well-formed XML, even after masking policy expressions.
    case malformed
    /// The file has a `<!DOCTYPE`, which APIM policies never have and which could declare entities.
    case doctype
    /// The file is not UTF-8 (UTF-16 or UTF-32).
    case encoding
    /// The file is empty or holds only white space.
    case empty
    /// A policy expression (`@(` or `@{`) does not end.
    case unterminatedExpression
    /// The parser reported element ranges that do not point at tags (an internal error).
    case internalRange
  }

  /// The kind of failure.
  public var kind: Kind
  /// The 1-based line of the first problem.
  public var line: Int
  /// The 1-based column of the first problem.
  public var column: Int
  /// The message, without the location.
  public var message: String

  /// Creates an error.
  public init(kind: Kind, line: Int, column: Int, message: String) {
    self.kind = kind
    self.line = line
    self.column = column
    self.message = message
  }

  /// `LINE:COLUMN: message`.
  public var description: String { "\(line):\(column): \(message)" }
}
