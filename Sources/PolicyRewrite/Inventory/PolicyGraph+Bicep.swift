import PolicyDOM

extension PolicyGraph.FileFacts {
  /// A `resource` or `module` declaration of a Bicep file while it is read.
  private struct Open {
    var type: String
    var name: String = ""
    var symbol: String
    var depth = 0
    var line: Int
    /// The resource it is nested in, by its index in the file's resources (nested symbols
    /// are scoped: two parents may each hold an `api`).
    var enclosing: Int?
    /// The symbols that its `parent:` names (`apim::orders`: the nested `orders` of `apim`).
    var parent: [String] = []
    var content: Content?
    /// The parameter whose default its policy is.
    var parameter: String?
    /// Its index in the file's resources, in the order they open.
    var index = 0
    /// For a `module`: the file it deploys, the depth of its `params` object and the values it
    /// gives.
    var module: String?
    var paramsDepth: Int?
    var arguments: [String: String?] = [:]
  }

  /// The `resource` declarations of a Bicep file, nested ones included, with `parent:`
  /// chains and name segments; the values its `module` calls give other files' parameters, and
  /// those of a `.bicepparam` file; the policy text no resource applies.
  mutating func readBicep(_ bytes: [UInt8]) {
    var source = BicepSource(bytes)
    let lines = LineMap(bytes)
    let folder = PolicyGraph.folder(of: path)
    let isParameterFile = path.hasSuffix(".bicepparam")
    var using: String?
    var given: [String: String?] = [:]
    // Every declaration once its block is closed; names and types are joined along nesting and
    // `parent:` at the end, when every resource of the file is known (a nested resource
    // closes before its parent, and `parent:` may name a resource declared further down).
    var closed: [Open] = []
    var values: [String: String] = [:]
    var open: [Open] = []
    var opened = 0
    var pending: Open?
    var depth = 0
    var i = 0
    var lineStart = true
    while i < bytes.count {
      if let end = source.stringEnds[i] {
        i = end
        lineStart = false
        continue
      }
      let byte = bytes[i]
      if byte == .slash, i + 1 < bytes.count, bytes[i + 1] == .slash {
        while i < bytes.count, bytes[i] != .lineFeed { i += 1 }
        continue
      }
      if byte == .slash, i + 1 < bytes.count, bytes[i + 1] == .asterisk {
        i = bytes.firstOffset(of: "*/", from: i + 2).map { $0 + 2 } ?? bytes.count
        continue
      }
      if byte == .lineFeed {
        lineStart = true
        i += 1
        continue
      }
      if byte.isBlank || byte == .carriageReturn {
        i += 1
        continue
      }
      if byte == .openBrace {
        depth += 1
        if var resource = pending {
          resource.depth = depth
          open.append(resource)
          pending = nil
        }
        i += 1
        lineStart = false
        continue
      }
      if byte == .closeBrace {
        if let last = open.last, last.depth == depth {
          open.removeLast()
          closed.append(last)
        }
        depth -= 1
        i += 1
        lineStart = false
        continue
      }
      guard lineStart, HCLLexer.isIdentifierStart(byte) else {
        lineStart = false
        i += 1
        continue
      }
      lineStart = false
      let (keyword, end) = source.word(at: i)
      i = end
      if depth == 0, keyword == "using", let literal = source.stringAt[source.skipBlanks(end)] {
        using = PolicyGraph.join(folder, source.text(literal))
        continue
      }
      if depth == 0, keyword == "param" || keyword == "var" {
        // `param apiName string = 'orders'`, `var apiName = 'orders'`: a literal that names
        // and policies may use (a parameter's default may be overridden when deployed: see
        // policy-graph.md).
        let (symbol, symbolEnd) = source.word(at: source.skipBlanks(end))
        var j = symbolEnd
        while j < bytes.count, bytes[j] != .lineFeed, bytes[j] != .equals { j += 1 }
        guard j < bytes.count, bytes[j] == .equals else { continue }
        let valueStart = source.skipBlanks(j + 1)
        let literal = source.stringAt[valueStart]
        let isWhole = literal != nil && source.stringEnds[valueStart] == source.expressionEnd(from: valueStart)
        let value = literal.flatMap { isWhole ? Self.bicepName(source.text($0)) : nil }
        if isParameterFile {
          given[symbol] = value.flatMap { PolicyGraph.isResolved($0) ? $0 : nil }
        } else if keyword == "var" {
          if let value { values[symbol] = value }
          if isWhole, let literal { source.variables[symbol] = literal }
        } else if isWhole, let literal, let value {
          source.parameters[symbol] = literal
          template.defaults[symbol] = value
        }
        continue
      }
      if keyword == "resource" || (keyword == "module" && depth == 0) {
        let (symbol, symbolEnd) = source.word(at: source.skipBlanks(end))
        guard let literal = source.stringAt[source.skipBlanks(symbolEnd)] else { continue }
        let line = lines.location(of: i).line
        if keyword == "module" {
          // A module of a local file (not a registry's `br:` or a template spec's `ts:`).
          let file = source.text(literal)
          guard !file.contains(":") else { continue }
          pending = Open(type: "", symbol: symbol, line: line, index: -1, module: PolicyGraph.join(folder, file))
          continue
        }
        var type = String(source.text(literal).prefix { $0 != "@" })
        // A nested resource's parent is the one it stands in (its type may be short,
        // `'policies'`, or written in full).
        let enclosing = open.last?.index
        if enclosing == nil, !type.hasPrefix("Microsoft.") { type = "Microsoft.ApiManagement/service/" + type }
        pending = Open(type: type, symbol: symbol, line: line, enclosing: enclosing, index: opened)
        opened += 1
        continue
      }
      guard var current = open.last else { continue }
      let after = source.skipBlanks(end)
      guard after < bytes.count, bytes[after] == UInt8(ascii: ":") else { continue }
      let valueStart = source.skipBlanks(after + 1)
      let valueEnd = source.expressionEnd(from: valueStart)
      if current.module != nil {
        if depth == current.depth, keyword == "params" {
          current.paramsDepth = depth + 1
        } else if depth == current.paramsDepth {
          // A module's argument: a literal (or a `var` of this file that holds one).
          var value: String?
          if let literal = source.stringAt[valueStart], source.stringEnds[valueStart] == valueEnd {
            value = Self.substituting(values, in: Self.bicepName(source.text(literal)))
          } else {
            value = values[source.written(valueStart, valueEnd)]
          }
          current.arguments[keyword] = value.flatMap { PolicyGraph.isResolved($0) ? $0 : nil }
        }
        open[open.count - 1] = current
        continue
      }
      if depth == current.depth {
        switch keyword {
        case "name":
          if let literal = source.stringAt[valueStart], source.stringEnds[valueStart] == valueEnd {
            current.name = Self.bicepName(source.text(literal))
          } else {
            // A parameter, a resource's name or an expression: kept as written, as an
            // interpolation in a string would be (`${apimName}`), so that it is not an empty
            // segment; resolved when it can be.
            let expression = source.written(valueStart, valueEnd)
            current.name = expression.isEmpty ? "" : Self.bicepName("${\(expression)}")
          }
        case "parent":
          current.parent = source.written(valueStart, valueEnd).split(separator: "::").map {
            String($0).trimmingXMLSpace
          }
        default:
          break
        }
        open[open.count - 1] = current
      } else if depth == current.depth + 1, keyword == "value" || keyword == "policyContent" {
        (current.content, current.parameter) = source.policy(from: valueStart, to: valueEnd, folder: folder)
        open[open.count - 1] = current
      }
    }
    if isParameterFile, let using {
      template.given.append(ParameterValues(target: using, isCall: false, values: given))
    }
    for module in closed where module.module != nil {
      template.given.append(ParameterValues(target: module.module, isCall: true, values: module.arguments))
    }
    let resources = closed.filter { $0.module == nil }
    var byIndex: [Int: Open] = [:]
    var bySymbol: [String: Open] = [:]
    for resource in resources {
      byIndex[resource.index] = resource
      if resource.enclosing == nil { bySymbol[resource.symbol] = resource }
    }
    /// The resource a `parent:` names: a top-level symbol, then nested ones (`apim::orders`).
    func parent(of resource: Open) -> Open? {
      if let enclosing = resource.enclosing { return byIndex[enclosing] }
      guard let first = resource.parent.first, var found = bySymbol[first] else { return nil }
      for symbol in resource.parent.dropFirst() {
        guard let nested = resources.first(where: { $0.enclosing == found.index && $0.symbol == symbol }) else {
          return nil
        }
        found = nested
      }
      return found
    }
    /// The full type and name of `resource`: its parent's (by nesting or `parent:`) joined to
    /// its own; a type written in full (`Microsoft.ApiManagement/…`) is kept as it is. A
    /// `parent:` the file does not declare leaves the parent's segments not known.
    func joined(_ resource: Open, depth: Int = 0) -> (type: String, name: String) {
      guard depth < 16, let parent = parent(of: resource) else {
        return (
          resource.type,
          resource.parent.isEmpty
            ? resource.name : "${\(resource.parent.joined(separator: "::")).name}/" + resource.name
        )
      }
      let above = joined(parent, depth: depth + 1)
      let type = resource.type.hasPrefix("Microsoft.") ? resource.type : above.type + "/" + resource.type
      return (type, above.name + "/" + resource.name)
    }
    // `${sym.name}` is the name the resource `sym` is declared with; `${v}` a variable's.
    var names = values
    for (symbol, resource) in bySymbol { names[symbol + ".name"] = resource.name }
    func resolved(_ name: String) -> String {
      var name = name
      for _ in 0..<8 where name.contains("${") {
        let next = Self.substituting(names, in: name)
        if next == name { break }
        name = next
      }
      return name
    }
    /// The includes of policy text at their lines in the file.
    func recordTextIncludes(_ content: Content?) {
      switch content {
      case .inline(let text, let offset)?:
        let verbatim = bytes[offset...].starts(with: text.utf8)
        recordIncludes(of: .inline(text, offset: offset), line: lines.location(of: offset).line, verbatim: verbatim)
      case .alternatives(let choices)?:
        for choice in choices { recordTextIncludes(choice) }
      default:
        break
      }
    }
    var used = Set<Int>()
    for resource in resources.sorted(by: { $0.line < $1.line }) {
      let (type, name) = joined(resource)
      template.resources.append(
        APIMResource(
          type: type, name: resolved(name), content: resource.content, line: resource.line, symbol: resource.symbol,
          parameter: resource.parameter))
      recordTextIncludes(resource.content)
      Self.offsets(of: resource.content, into: &used)
      if let parameter = resource.parameter, let literal = source.parameters[parameter] {
        used.insert(literal.content.lowerBound)
        let policy = Content.inline(source.text(literal), offset: literal.content.lowerBound)
        template.defaultPolicies[parameter] = policy
        recordTextIncludes(policy)
      }
    }
    for literal in source.stringAt.sorted(by: { $0.key < $1.key }).map(\.value)
    where !used.contains(literal.content.lowerBound) {
      guard bytes[literal.content].contains(.lessThan) else { continue }
      let decoded = BicepLexer.decode(bytes, literal).decoded
      guard Self.isPolicyDocument(decoded) else { continue }
      let text = source.text(literal)
      let offset = literal.content.lowerBound
      recordUnplaced(
        text, offset: offset, line: lines.location(of: offset).line, verbatim: bytes[offset...].starts(with: text.utf8))
    }
  }

  /// The offsets of the inline texts of `content`.
  private static func offsets(of content: Content?, into set: inout Set<Int>) {
    switch content {
    case .inline(_, let offset)?: set.insert(offset)
    case .alternatives(let choices)?: for choice in choices { offsets(of: choice, into: &set) }
    default: break
    }
  }
}
