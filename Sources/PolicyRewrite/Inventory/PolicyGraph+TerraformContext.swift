import PolicyDOM

extension PolicyGraph.FileFacts {
  /// What one Terraform file says that its declarations' arguments are read with: its bytes
  /// and lines, its folder and its locals.
  struct TerraformContext {
    typealias Expression = HCLSyntax.Expression

    let bytes: [UInt8]
    let lines: LineMap
    let folder: String
    let locals: [String: Expression]

    /// A name: a literal or template (interpolations kept as written), or a reference to a
    /// declaration (`azurerm_api_management_api.orders.name`, `module.orders.name`); any other
    /// expression as written inside `${…}` (not resolved).
    func reference(_ expression: Expression?, depth: Int = 0) -> PolicyGraph.FileFacts.Reference? {
      guard let expression else { return nil }
      switch expression.kind {
      case .string(let parts), .heredoc(let parts, _):
        // `"${azurerm_api_management_api.a.name}"`: the reference it holds alone.
        if parts.count == 1, case .interpolation(let inner) = parts[0] {
          if let steps = PolicyGraph.traversalSteps(inner.trimmingXMLSpace) {
            return reference(traversal: steps, depth: depth)
          }
        }
        return .name(HCLParser.literal(of: parts))
      case .literal(let value):
        return .name(value)
      case .traversal(let parts):
        return reference(traversal: parts, depth: depth)
      // Names compare without regard to case: `lower(x)` and `upper(x)` name what `x` names.
      case .call(let name, let arguments) where (name == "lower" || name == "upper") && arguments.count == 1:
        return reference(arguments[0], depth: depth + 1)
      case .call("format", let arguments) where depth < 4:
        // `format("%s-orders-api", local.project)`: a template whose unresolved parts are
        // patterns (`${var.prefix}-a-orders-api`), so that its literal parts still tell APIs
        // apart.
        if let text = formatted(arguments, depth: depth) { return .name(text) }
        return .name("${\(String(decoding: bytes[expression.range], as: UTF8.self))}")
      default:
        // A function call, a conditional, an index (`lower(var.api_name)`, `each.value[0]`):
        // a value the run does not work out, kept as written and not resolved, never taken
        // for a literal name that matches no scope.
        return .name("${\(String(decoding: bytes[expression.range], as: UTF8.self))}")
      }
    }

    /// `format(FORMAT, ARGS…)` as a template: `%s`, `%d` and `%v` replaced by each argument's
    /// text (a literal, a local's value, or `${…}` as written), `%%` by `%`; `nil` for any other
    /// verb or a format that is not a plain string.
    func formatted(_ arguments: [Expression], depth: Int) -> String? {
      guard case .string(let parts)? = arguments.first?.kind, parts.count <= 1 else { return nil }
      let format = Array(HCLParser.literal(of: parts).utf8)
      guard !format.contains(UInt8(ascii: "$")) else { return nil }
      var values = arguments.dropFirst().makeIterator()
      var text = ""
      var index = 0
      while index < format.count {
        let byte = format[index]
        guard byte == UInt8(ascii: "%") else {
          let next = format[index...].firstIndex(of: UInt8(ascii: "%")) ?? format.count
          text += String(decoding: format[index..<next], as: UTF8.self)
          index = next
          continue
        }
        guard index + 1 < format.count else { return nil }
        switch format[index + 1] {
        case UInt8(ascii: "%"): text += "%"
        case UInt8(ascii: "s"), UInt8(ascii: "d"), UInt8(ascii: "v"):
          guard let value = values.next() else { return nil }
          text += templateText(value, depth: depth + 1)
        default: return nil
        }
        index += 2
      }
      return values.next() == nil ? text : nil
    }

    /// An expression as template text: a literal or string as written (interpolations kept), a
    /// local's value, anything else `${…}` as written.
    private func templateText(_ expression: Expression, depth: Int) -> String {
      switch expression.kind {
      case .string(let parts): return HCLParser.literal(of: parts)
      case .literal(let value): return value
      case .traversal(let parts) where parts.first == "local" && parts.count == 2 && depth < 4:
        if let value = locals[parts[1]] { return templateText(value, depth: depth + 1) }
      default: break
      }
      return "${\(String(decoding: bytes[expression.range], as: UTF8.self))}"
    }

    /// A traversal as a name: a local's value; `var.x` (its `default`); an attribute of a
    /// resource or data source (`azurerm_api_management_api_operation.get.api_name`, read from
    /// that declaration's own argument when the facts are joined); a module call
    /// (`module.orders.name`); anything else as written (`${each.value}`), which the join
    /// counts as not resolved.
    func reference(traversal parts: [String], depth: Int) -> PolicyGraph.FileFacts.Reference {
      if parts.first == "each", parts.count >= 2 { return .each(Array(parts.dropFirst())) }
      if parts.first == "local", parts.count == 3 {
        // A member of a local object, here or (when the facts are joined) in another file.
        if depth < 4, let member = locals[parts[1]]?.member(parts[2]),
          let found = reference(member, depth: depth + 1)
        {
          return found
        }
        return .attribute("local.\(parts[1])", parts[2])
      }
      if parts.first == "local", parts.count == 2 {
        if depth < 4, let value = locals[parts[1]], let found = reference(value, depth: depth + 1) { return found }
        return .attribute("local", parts[1])
      }
      if parts.first == "var", parts.count == 2 { return .attribute("var.\(parts[1])", "default") }
      if parts.first == "module", parts.count >= 2 { return .address("module.\(parts[1])") }
      let length = parts.first == "data" ? 3 : 2
      let type = parts.first == "data" && parts.count > 1 ? parts[1] : parts[0]
      if parts.count >= length, type.hasPrefix("azurerm_") || type.hasPrefix("azapi_") {
        let address = parts.prefix(length).joined(separator: ".")
        // `.id` (a `parent_id`) names the declaration itself; an attribute names its value.
        guard parts.count > length, let attribute = parts.last, attribute != "id" else { return .address(address) }
        return .attribute(address, attribute)
      }
      return .name("${\(parts.joined(separator: "."))}")
    }

    /// A `for_each` collection: a list or set (`toset([…])`) of names, a map (of names, or of
    /// objects whose members are names), or a local or variable that holds one; `nil` for
    /// anything else (a `for` expression, a function of it, a key that is an expression).
    func collection(_ expression: Expression?, depth: Int = 0) -> PolicyGraph.FileFacts.Collection? {
      guard let expression, depth < 8 else { return nil }
      typealias Item = PolicyGraph.FileFacts.EachItem
      switch expression.kind {
      case .call(let name, let arguments) where ["toset", "tolist", "tomap"].contains(name) && arguments.count == 1:
        return collection(arguments[0], depth: depth + 1)
      case .tuple(let elements):
        var items: [Item] = []
        for element in elements {
          switch element.kind {
          case .object, .tuple: return nil
          default: break
          }
          guard let name = reference(element) else { return nil }
          items.append(Item(key: name, value: name))
        }
        return .items(items)
      case .object(let members):
        var items: [Item] = []
        for (key, value) in members {
          // A key written as an expression (`(local.x)`, `"${var.p}-a"`): the collection is not
          // known (a quoted key with a dot is taken for one too).
          guard !key.isEmpty, !key.contains("("), !key.contains("$"), !key.contains(".") else { return nil }
          var item = Item(key: .name(key), value: reference(value))
          if case .object(let fields) = value.kind {
            item.value = nil
            for (field, fieldValue) in fields {
              if let found = reference(fieldValue) { item.members[field] = found }
            }
          }
          items.append(item)
        }
        return .items(items)
      case .traversal(let parts) where parts.count == 2 && parts[0] == "local":
        if let value = locals[parts[1]] { return collection(value, depth: depth + 1) }
        return .named("local.\(parts[1])")
      case .traversal(let parts) where parts.count == 2 && parts[0] == "var":
        return .named("var.\(parts[1])")
      default:
        return nil
      }
    }

    /// The policy an argument applies: `file(…)` / `templatefile(…)` (a path relative to the
    /// module's folder), a heredoc or string, or a local that holds one of them.
    func content(_ expression: Expression?, depth: Int = 0) -> PolicyGraph.FileFacts.Content? {
      guard let expression else { return nil }
      switch expression.kind {
      case .call(let name, let arguments) where name == "file" || name == "templatefile":
        guard let first = arguments.first else { return unknown(expression) }
        // `templatefile(PATH, { extra = file("./jwt.xml") })`: a variable that inserts policy
        // text (a `validate-jwt` after `<base />`) makes the policy other than the template.
        if name == "templatefile", arguments.count >= 2, case .object(let members) = arguments[1].kind,
          let inserted = members.first(where: { insertsPolicyText($0.value) })
        {
          return .unknown(
            "its template's variable `\(inserted.key)` is given policy text (`\(written(inserted.value))`), which the run does not read into the policy"
          )
        }
        if first.isOperation {
          // A conditional (`var.env != "p" ? "./a.xml" : "./b.xml"`): each string it holds.
          let strings = HCLLexer.tokens(Array(bytes[first.range])).filter { $0.kind == .string }.map {
            token -> String in
            let inner = Array(bytes[first.range])
            let parts = HCLParser.templateParts(
              inner, (token.range.lowerBound + 1)..<(token.range.upperBound - 1), decodes: true)
            return PolicyGraph.join(folder, pathPattern(HCLSyntax.Expression(kind: .string(parts), range: token.range)))
          }.filter { $0.contains(".") }
          return strings.isEmpty ? unknown(expression) : .files(strings)
        }
        return .file(PolicyGraph.join(folder, pathPattern(first)))
      // Functions that only trim whitespace at the ends of the document: its elements are the
      // file's.
      case .call(let name, let arguments) where Self.keepsElements.contains(name) && arguments.count == 1:
        return content(arguments.first, depth: depth + 1)
      case .call(let name, _) where !Self.keepsElements.contains(name):
        // `replace(file(…), "<!-- JWT -->", local.jwt)`, `format(…)`, `join(…)`: a function
        // that may change the document's elements, which the run does not work out.
        return unknown(expression, function: name)
      case .conditional(_, let then, let otherwise):
        // `var.x ? templatefile(…) : file(…)`: each branch is a possible policy of the scope;
        // one the run cannot read leaves the whole policy unknown. `null` declares none.
        var choices: [PolicyGraph.FileFacts.Content] = []
        for branch in [then, otherwise] {
          if case .literal("null") = branch.kind { continue }
          switch content(branch, depth: depth) {
          case .alternatives(let nested)?: choices += nested
          case .unknown?, nil: return unknown(expression)
          case let choice?: choices.append(choice)
          }
        }
        return choices.isEmpty ? nil : .alternatives(choices)
      case .string(let parts) where Self.isOnlyInterpolated(parts),
        .heredoc(let parts, _) where Self.isOnlyInterpolated(parts):
        // `"${var.policy}"`: a value the run does not know, not a policy without elements.
        return unknown(expression)
      case .string(let parts):
        return .inline(HCLParser.literal(of: parts), offset: expression.range.lowerBound + 1)
      case .heredoc(let parts, let contentStart):
        return .inline(HCLParser.literal(of: parts), offset: contentStart)
      case .traversal(let parts):
        if parts.first == "local", parts.count == 2, depth < 4, let value = locals[parts[1]] {
          return content(value, depth: depth + 1)
        }
        return unknown(expression)
      default:
        return unknown(expression)
      }
    }

    /// Whether a string's or heredoc's text is made by interpolations: no element of its own
    /// (no `<` outside them) while it has one, so its policy is whatever they give.
    static func isOnlyInterpolated(_ parts: [HCLSyntax.TemplatePart]) -> Bool {
      var interpolated = false
      for part in parts {
        switch part {
        case .text(let text): if text.utf8.contains(UInt8(ascii: "<")) { return false }
        case .interpolation, .directive: interpolated = true
        }
      }
      return interpolated
    }

    /// The functions of a policy document that cannot change its elements: `trimspace` and
    /// `chomp` remove whitespace at its ends only. Any other function around a `file()`,
    /// `templatefile()` or heredoc (`replace`, `format`, `join`, `templatestring`,
    /// `base64decode`, `coalesce`, `try`, …) makes the policy one the run does not know.
    static let keepsElements: Set<String> = ["trimspace", "chomp"]

    /// A policy the run cannot read: `expression` as written (shortened), and the function
    /// that makes it when it is a call.
    func unknown(_ expression: Expression, function: String? = nil) -> PolicyGraph.FileFacts.Content {
      let written = written(expression)
      if let function {
        return .unknown("its policy is `\(written)`, what `\(function)()` makes of it, a value the run does not know")
      }
      return .unknown(
        "its policy is `\(written)`, a value the run does not know", isVariable: written.hasPrefix("var."))
    }

    /// An expression as written, on one line, cut at 80 characters.
    private func written(_ expression: Expression) -> String {
      var written = String(decoding: bytes[expression.range], as: UTF8.self)
      written = written.split(whereSeparator: \.isNewline).map { $0.trimmingXMLSpace }.joined(separator: " ")
      return written.count > 80 ? written.prefix(77) + "..." : written
    }

    /// Whether a template variable's value may be policy text: a file's or template's content,
    /// or a string, heredoc or local holding a `<`.
    private func insertsPolicyText(_ expression: Expression, depth: Int = 0) -> Bool {
      switch expression.kind {
      case .call(let name, _) where name == "file" || name == "templatefile": return true
      case .string(let parts), .heredoc(let parts, _):
        return parts.contains { part in
          if case .text(let text) = part { return text.utf8.contains(UInt8(ascii: "<")) }
          return false
        }
      case .traversal(let parts):
        guard parts.first == "local", parts.count == 2, depth < 4, let value = locals[parts[1]] else { return false }
        return insertsPolicyText(value, depth: depth + 1)
      case .conditional(_, let then, let otherwise):
        return insertsPolicyText(then, depth: depth) || insertsPolicyText(otherwise, depth: depth)
      case .call(_, let arguments):
        return arguments.contains { insertsPolicyText($0, depth: depth) }
      default: return false
      }
    }

    /// A `file()` argument as a path: `path.module`, `path.root` and `path.cwd` stand for the
    /// file's folder, `each.…` for a mark the graph replaces per element (``Content/eachMark(_:)``),
    /// anything else not known for `*`.
    private func pathPattern(_ expression: Expression) -> String {
      switch expression.kind {
      case .string(let parts):
        return parts.map { part -> String in
          switch part {
          case .text(let text): text
          case .interpolation(let inner):
            if ["path.module", "path.root", "path.cwd"].contains(inner.trimmingXMLSpace) {
              "."
            } else if let steps = PolicyGraph.traversalSteps(inner.trimmingXMLSpace), steps[0] == "each" {
              // Each `for_each` element's own path, once the graph knows the elements.
              PolicyGraph.FileFacts.Content.eachMark(steps.dropFirst())
            } else {
              "*"
            }
          case .directive: "*"
          }
        }.joined()
      case .traversal(let parts) where parts.first == "local" && parts.count == 2:
        return locals[parts[1]].map(pathPattern) ?? "*"
      default:
        return "*"
      }
    }
  }
}
