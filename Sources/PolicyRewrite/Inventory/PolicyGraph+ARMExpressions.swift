extension PolicyGraph.FileFacts {
  /// The value of an ARM template string as a resource name (`rewrite-spec.md` §2c): a
  /// literal is itself; an expression (`[concat(…)]`, `[format('{0}/{1}', …)]`, what `bicep
  /// build` writes for every child resource) is evaluated as far as the template says it.
  ///
  /// `parameters('x')` is the value `parameters` gives it, else kept as `${x}` (a parameter's
  /// default is filled in when the facts are joined, unless another file of the run gives the
  /// parameter another value); `variables('x')` is the variable's value, itself evaluated;
  /// `concat`, `format`, `toLower`, `toUpper` and `string` are followed. Anything else (a
  /// function the graph does not follow, a property, a variable it cannot read) is a value the
  /// run does not know: `${name(…)}`, never taken for a literal, and never holding a `/` (it
  /// may stand for several segments: ``aligned(_:to:)``).
  struct ARMExpression {
    /// Parameter values known where the expression stands (a nested deployment's own).
    var parameters: [String: String] = [:]
    /// The template's variables as written (a literal, or an expression).
    var variables: [String: String] = [:]

    /// The value of the string `text`.
    func value(of text: String, depth: Int = 0) -> String {
      guard text.hasPrefix("["), text.hasSuffix("]") else { return text }
      guard !text.hasPrefix("[[") else { return String(text.dropFirst()) }
      var reader = Reader(bytes: Array(text.utf8.dropFirst().dropLast()))
      guard let value = reader.expression(self, depth: depth), reader.atEnd else { return "${expression}" }
      return value.text ?? "${\(value.unknown)}"
    }

    /// A value: known text (which may hold `${…}` holes), or a name for what is not known.
    struct Value {
      var text: String?
      var unknown = ""
    }

    struct Reader {
      var bytes: [UInt8]
      var index = 0

      var atEnd: Bool {
        mutating get {
          skipBlanks()
          return index >= bytes.count
        }
      }

      mutating func skipBlanks() {
        while index < bytes.count, bytes[index].isBlank || bytes[index] == .lineFeed || bytes[index] == .carriageReturn
        {
          index += 1
        }
      }

      mutating func take(_ byte: UInt8) -> Bool {
        skipBlanks()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
      }

      /// `'text'`, with `''` for a quote.
      mutating func string() -> String? {
        guard take(.singleQuote) else { return nil }
        var result: [UInt8] = []
        while index < bytes.count {
          if bytes[index] == .singleQuote {
            if index + 1 < bytes.count, bytes[index + 1] == .singleQuote {
              result.append(.singleQuote)
              index += 2
              continue
            }
            index += 1
            return String(decoding: result, as: UTF8.self)
          }
          result.append(bytes[index])
          index += 1
        }
        return nil
      }

      mutating func identifier() -> String? {
        skipBlanks()
        let start = index
        while index < bytes.count, HCLLexer.isIdentifierByte(bytes[index]) && bytes[index] != .hyphen { index += 1 }
        return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
      }

      /// One expression: a string, a number, or a call, with property and index accesses.
      mutating func expression(_ context: ARMExpression, depth: Int) -> Value? {
        guard depth < 16 else { return nil }
        skipBlanks()
        var value: Value
        if index < bytes.count, bytes[index] == .singleQuote {
          guard let text = string() else { return nil }
          value = Value(text: text)
        } else if let name = identifier() {
          if take(.openParen) {
            var arguments: [Value] = []
            if !take(.closeParen) {
              repeat {
                guard let argument = expression(context, depth: depth + 1) else { return nil }
                arguments.append(argument)
              } while take(UInt8(ascii: ","))
              guard take(.closeParen) else { return nil }
            }
            value = context.call(name, arguments, depth: depth)
          } else {
            // A number, `true`, `false`, `null`.
            value = Value(text: name)
          }
        } else {
          return nil
        }
        while true {
          if take(.dot) {
            guard let member = identifier() else { return nil }
            value = Value(text: nil, unknown: (value.text == nil ? value.unknown : "…") + "." + member)
          } else if take(.openBracket) {
            guard expression(context, depth: depth + 1) != nil, take(.closeBracket) else { return nil }
            value = Value(text: nil, unknown: (value.text == nil ? value.unknown : "…") + "[…]")
          } else {
            return value
          }
        }
      }
    }

    /// The value of the call `name(arguments)`.
    func call(_ name: String, _ arguments: [Value], depth: Int) -> Value {
      let unknown = Value(text: nil, unknown: "\(name)(…)")
      switch name.lowercased() {
      case "concat":
        var text = ""
        for argument in arguments { text += argument.text ?? "${\(argument.unknown)}" }
        return Value(text: text)
      case "format":
        guard let template = arguments.first?.text else { return unknown }
        return Value(text: Self.format(template, Array(arguments.dropFirst())))
      case "tolower", "toupper", "string", "trim":
        // Names compare without regard to case.
        return arguments.count == 1 ? arguments[0] : unknown
      case "parameters":
        guard arguments.count == 1, let parameter = arguments[0].text else { return unknown }
        return Value(text: parameters[parameter] ?? "${\(parameter)}")
      case "variables":
        guard arguments.count == 1, let variable = arguments[0].text else { return unknown }
        guard let written = variables[variable], depth < 8 else {
          return Value(text: nil, unknown: "variables('\(variable)')")
        }
        let value = self.value(of: written, depth: depth + 1)
        return Value(text: value)
      default:
        return unknown
      }
    }

    /// `template` with each `{N}` (or `{N:format}`) replaced by argument N.
    static func format(_ template: String, _ arguments: [Value]) -> String {
      var result = ""
      var rest = Substring(template)
      while let open = rest.firstIndex(of: "{") {
        result += rest[..<open]
        let after = rest[rest.index(after: open)...]
        if after.first == "{" {
          result += "{"
          rest = after.dropFirst()
          continue
        }
        guard let close = after.firstIndex(of: "}") else {
          result += rest[open...]
          return result
        }
        let spec = after[..<close].prefix { $0 != ":" && $0 != "," }
        if let number = Int(spec), number >= 0, number < arguments.count {
          result += arguments[number].text ?? "${\(arguments[number].unknown)}"
        } else {
          result += "${format(…)}"
        }
        rest = after[after.index(after: close)...]
      }
      return result + rest.replacing("}}", with: "}")
    }
  }

  /// `segments` of a name whose type wants `expected` of them: a name with fewer, one of
  /// whose segments holds a value the run does not know, has that value stand for the missing
  /// ones (`${variables('api')}/policy` for an API policy: the API name is that value, not
  /// `policy`), each a hole that may be any name.
  static func aligned(_ segments: [String], to expected: Int) -> [String] {
    guard segments.count < expected, let hole = segments.firstIndex(where: { $0.contains("${") }) else {
      return segments
    }
    let text = segments[hole]
    guard let start = text.firstRange(of: "${")?.lowerBound, let end = text.lastIndex(of: "}"), start < end else {
      return segments
    }
    let unknown = String(text[start...end])
    return Array(segments[..<hole]) + Array(repeating: unknown, count: expected - segments.count + 1)
      + Array(segments[(hole + 1)...])
  }

  /// How many name segments a resource of the API Management type `type` (lowered, without
  /// its API version) has: one for each part after `microsoft.apimanagement/`; `nil` for
  /// another type.
  static func segmentCount(of type: String) -> Int? {
    let prefix = "microsoft.apimanagement/"
    guard type.hasPrefix(prefix) else { return nil }
    return type.dropFirst(prefix.count).split(separator: "/").count
  }
}
