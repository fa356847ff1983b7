/// The parsed structure of an HCL file: bodies of attributes and blocks, and the expressions
/// that matter for finding policies (strings and templates, heredocs, traversals, function
/// calls, lists and objects). Every other expression is kept as its bytes.
package enum HCLSyntax {
  /// A body: the attributes and blocks of a file or of a block, in source order.
  package struct Body: Sendable {
    package var attributes: [Attribute] = []
    package var blocks: [Block] = []

    /// The first attribute called `name`.
    package func attribute(_ name: String) -> Attribute? { attributes.first { $0.name == name } }

    /// The value of the first attribute called `name` here, in the objects, lists and calls
    /// of the attributes, or in the nested blocks (`body = jsonencode({ value = … })`).
    package func firstValue(named name: String) -> Expression? {
      if let found = attribute(name) { return found.value }
      return attributes.lazy.compactMap { $0.value.firstValue(named: name) }.first
        ?? blocks.lazy.compactMap { $0.body.firstValue(named: name) }.first
    }
  }

  /// `name = expression`.
  package struct Attribute: Sendable {
    package var name: String
    package var value: Expression
    /// The offset of the name.
    package var offset: Int
  }

  /// `type "label" label { body }`.
  package struct Block: Sendable {
    package var type: String
    package var labels: [String]
    package var body: Body
    /// From the type to the closing brace.
    package var range: Range<Int>
  }

  /// A piece of a template: literal text (escapes decoded), or the source of an interpolation
  /// (`${…}`) or directive (`%{…}`) without its delimiters.
  package enum TemplatePart: Equatable, Sendable {
    case text(String)
    case interpolation(String)
    case directive(String)
  }

  /// An expression with its bytes in the source.
  package struct Expression: Sendable {
    package indirect enum Kind: Sendable {
      /// A quoted string: its parts, and where its text (inside the quotes) is.
      case string([TemplatePart])
      /// A heredoc: its parts (indentation removed for `<<-`) and where its first line starts.
      case heredoc([TemplatePart], contentStart: Int)
      /// A number, `true`, `false` or `null`.
      case literal(String)
      /// `a.b["c"][0]`: the root name and its steps (`*` for a splat or computed index).
      case traversal([String])
      /// `name(arguments)`.
      case call(String, [Expression])
      /// `[a, b]`.
      case tuple([Expression])
      /// `{ key = value }`, keys as written (quotes removed).
      case object([(key: String, value: Expression)])
      /// `condition ? then : otherwise`.
      case conditional(Expression, Expression, Expression)
      /// Anything else (operators, `for` expressions).
      case other
    }

    package var kind: Kind
    package var range: Range<Int>

    /// The value of a string or heredoc without interpolations, or of a literal.
    package var literalString: String? {
      switch kind {
      case .string(let parts), .heredoc(let parts, _):
        var text = ""
        for part in parts {
          guard case .text(let literal) = part else { return nil }
          text += literal
        }
        return text
      case .literal(let value): return value
      default: return nil
      }
    }

    /// Whether this is an operation or a conditional (`var.env != "p" ? "./a.xml" : "./b.xml"`).
    package var isOperation: Bool {
      switch kind {
      case .other, .conditional: true
      default: false
      }
    }

    /// The dotted form of a traversal (`azurerm_api_management_api.orders.name`).
    package var traversal: String? {
      guard case .traversal(let parts) = kind else { return nil }
      return parts.joined(separator: ".")
    }

    /// The value of the first member called `name` in this object, or in the objects, lists
    /// and call arguments it holds.
    package func firstValue(named name: String) -> Expression? {
      switch kind {
      case .object(let members):
        if let found = members.first(where: { $0.key == name }) { return found.value }
        return members.lazy.compactMap { $0.value.firstValue(named: name) }.first
      case .tuple(let elements), .call(_, let elements):
        return elements.lazy.compactMap { $0.firstValue(named: name) }.first
      default:
        return nil
      }
    }

    /// The value for `key` of an object.
    package func member(_ key: String) -> Expression? {
      guard case .object(let members) = kind else { return nil }
      return members.first { $0.key == key }?.value
    }
  }

  /// A syntax error: what was expected, and where.
  package struct Error: Swift.Error, Equatable, Sendable {
    package var message: String
    package var offset: Int
  }

  /// A parsed file: everything read before the first error, and that error.
  package struct File: Sendable {
    package var body: Body
    package var error: Error?
  }
}
