import FoundationEssentials
import PolicyDOM

extension PolicyGraph.FileFacts {
  /// A Bicep or ARM resource of API Management, reduced to what the graph needs.
  struct APIMResource {
    /// The full type without its API version (`Microsoft.ApiManagement/service/apis/policies`).
    var type: String
    /// The full name, segments joined by `/` (`apim/orders/policy`).
    var name: String
    var content: Content?
    var line: Int
    var symbol: String?
  }

  /// Records a resource by its type: a policy of some scope, a fragment, a product's API.
  mutating func record(_ resource: APIMResource) {
    let lowered = resource.type.lowercased()
    let segments = resource.name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    func segment(_ index: Int) -> Reference? { index < segments.count ? .name(segments[index]) : nil }
    let location = PolicyGraph.Location(path: path, line: resource.line, address: resource.symbol)
    if lowered.hasSuffix("/products/apis") {
      if let product = segment(1), let api = segment(2) { memberships.append((product, api, nil)) }
      return
    }
    var scope = PolicyScope.of(armResourceType: resource.type)
    if scope == .unknown, lowered.hasSuffix("/workspaces/policies") { scope = .workspace }
    // A policy resource whose type does not say its scope (a nested `'policies'` whose parent
    // is not known) is a policy of unknown scope, not none.
    guard scope != .unknown || lowered.hasSuffix("policies"), let content = resource.content else { return }
    var declared = Declared(scope: scope, content: content, location: location)
    switch scope {
    case .product: declared.product = segment(1)
    case .api: declared.api = segment(1)
    case .operation: (declared.api, declared.operation) = (segment(1), segment(2))
    case .fragment: declared.fragment = segment(1)
    case .workspace: declared.workspace = segment(1)
    default: break
    }
    self.declared.append(declared)
    if case .inline(let text, _) = content {
      includes += PolicyGraph.includes(in: Array(text.utf8), path: path, lineOffset: resource.line - 1)
    }
  }

  // MARK: Bicep

  /// The `resource` declarations of a Bicep file, nested ones included, with `parent:`
  /// chains and name segments.
  mutating func readBicep(_ bytes: [UInt8]) {
    let strings = BicepLexer.strings(in: bytes).filter { !$0.isNested }.sorted {
      $0.content.lowerBound < $1.content.lowerBound
    }
    let lines = LineMap(bytes)
    // The string that starts at each quote, to skip strings while matching braces.
    // A multi-line string's text starts after the line break that follows its `'''`.
    func quote(of literal: BicepLexer.StringLiteral) -> Int {
      guard literal.isMultiline else { return literal.content.lowerBound - 1 }
      var start = literal.content.lowerBound - 3
      while start > 0, !bytes.hasLiteral("'''", at: start) { start -= 1 }
      return start
    }
    var stringEnds: [Int: Int] = [:]
    for literal in strings {
      stringEnds[quote(of: literal)] = literal.content.upperBound + (literal.isMultiline ? 3 : 1)
    }
    func text(_ literal: BicepLexer.StringLiteral) -> String {
      String(decoding: BicepLexer.decode(bytes, literal, skippingHoles: false).decoded, as: UTF8.self)
    }
    var stringAt: [Int: BicepLexer.StringLiteral] = [:]
    for literal in strings { stringAt[quote(of: literal)] = literal }
    struct Open {
      var type: String
      var name: String
      var symbol: String
      var depth: Int
      var line: Int
      /// The resource it is nested in, by its index in the file's resources (nested symbols
      /// are scoped: two parents may each hold an `api`).
      var enclosing: Int?
      /// The symbol that its `parent:` names.
      var parent: String?
      var content: Content?
      /// Its index in the file's resources, in the order they open.
      var index = 0
    }
    // Every resource once its block is closed; names and types are joined along nesting and
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
    let folder = PolicyGraph.folder(of: path)
    func word(at start: Int) -> (String, Int) {
      var end = start
      while end < bytes.count, HCLLexer.isIdentifierByte(bytes[end]), bytes[end] != .hyphen { end += 1 }
      return (String(decoding: bytes[start..<end], as: UTF8.self), end)
    }
    /// The expression that starts at `start`, as written up to the end of its line.
    func written(from start: Int) -> String {
      var end = start
      while end < bytes.count, bytes[end] != .lineFeed, bytes[end] != .carriageReturn { end += 1 }
      return String(decoding: bytes[start..<end], as: UTF8.self).trimmingXMLSpace
    }
    func skipBlanks(_ from: Int) -> Int {
      var j = from
      while j < bytes.count, bytes[j].isBlank { j += 1 }
      return j
    }
    while i < bytes.count {
      if let end = stringEnds[i] {
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
      if lineStart, HCLLexer.isIdentifierStart(byte) {
        lineStart = false
        let (keyword, end) = word(at: i)
        if keyword == "param" || keyword == "var", depth == 0 {
          // `param apiName string = 'orders'`, `var apiName = 'orders'`: a literal that names
          // may use (a parameter's default may be overridden when deployed: see
          // policy-graph.md).
          let (symbol, symbolEnd) = word(at: skipBlanks(end))
          var j = symbolEnd
          while j < bytes.count, bytes[j] != .lineFeed, bytes[j] != UInt8(ascii: "=") { j += 1 }
          if j < bytes.count, bytes[j] == UInt8(ascii: "="), let literal = stringAt[skipBlanks(j + 1)] {
            let value = text(literal)
            if !value.contains("${") { values[symbol] = value }
          }
          i = end
          continue
        }
        if keyword == "resource" {
          let (symbol, symbolEnd) = word(at: skipBlanks(end))
          let quote = skipBlanks(symbolEnd)
          if let literal = stringAt[quote] {
            var type = String(text(literal).prefix { $0 != "@" })
            // A nested resource's parent is the one it stands in (its type may be short,
            // `'policies'`, or written in full).
            let enclosing = open.last?.index
            if enclosing == nil, !type.hasPrefix("Microsoft.") {
              type = "Microsoft.ApiManagement/service/" + type
            }
            pending = Open(
              type: type, name: "", symbol: symbol, depth: 0, line: lines.location(of: i).line, enclosing: enclosing,
              index: opened)
            opened += 1
          }
          i = end
          continue
        }
        if var current = open.last, depth == current.depth {
          let after = skipBlanks(end)
          if after < bytes.count, bytes[after] == UInt8(ascii: ":") {
            let valueStart = skipBlanks(after + 1)
            switch keyword {
            case "name":
              if let literal = stringAt[valueStart] {
                current.name = text(literal)
              } else {
                // A parameter or an expression: kept as written, as an interpolation in a
                // string would be (`${apimName}`), so that it is not an empty segment.
                let expression = written(from: valueStart)
                current.name = expression.isEmpty ? "" : "${\(expression)}"
              }
            case "parent":
              current.parent = word(at: valueStart).0
            default:
              break
            }
            open[open.count - 1] = current
          }
          i = end
          continue
        }
        if let current = open.last, depth == current.depth + 1, keyword == "value" || keyword == "policyContent" {
          let after = skipBlanks(end)
          if after < bytes.count, bytes[after] == UInt8(ascii: ":") {
            let valueStart = skipBlanks(after + 1)
            var content: Content = .unknown(
              "its policy is `\(written(from: valueStart))`, a value the run does not know")
            if let literal = stringAt[valueStart] {
              content = .inline(text(literal), offset: literal.content.lowerBound)
            } else if bytes.hasLiteral("loadTextContent(", at: valueStart),
              let literal = stringAt[skipBlanks(valueStart + "loadTextContent(".utf8.count)]
            {
              content = .file(PolicyGraph.join(folder, text(literal)))
            }
            open[open.count - 1].content = content
          }
          i = end
          continue
        }
        i = end
        continue
      }
      lineStart = false
      i += 1
    }
    var byIndex: [Int: Open] = [:]
    // `parent:` names a top-level symbol (a nested one only by `outer::inner`, not read).
    var bySymbol: [String: Open] = [:]
    for resource in closed {
      byIndex[resource.index] = resource
      if resource.enclosing == nil { bySymbol[resource.symbol] = resource }
    }
    /// The full type and name of `resource`: its parent's (by nesting or `parent:`) joined to
    /// its own; a type written in full (`Microsoft.ApiManagement/…`) is kept as it is.
    func joined(_ resource: Open, depth: Int = 0) -> (type: String, name: String) {
      guard depth < 16,
        let parent = resource.enclosing.flatMap({ byIndex[$0] }) ?? resource.parent.flatMap({ bySymbol[$0] })
      else {
        return (resource.type, resource.name)
      }
      let above = joined(parent, depth: depth + 1)
      let type = resource.type.hasPrefix("Microsoft.") ? resource.type : above.type + "/" + resource.type
      return (type, above.name + "/" + resource.name)
    }
    for resource in closed.sorted(by: { $0.line < $1.line }) {
      let (type, name) = joined(resource)
      record(
        APIMResource(
          type: type, name: Self.substituting(values, in: name), content: resource.content, line: resource.line,
          symbol: resource.symbol))
    }
  }

  // MARK: ARM

  /// A JSON value, enough to walk an ARM template.
  private enum JSON: Decodable {
    case object([String: JSON])
    case array([JSON])
    case string(String)
    case other

    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let object = try? container.decode([String: JSON].self) {
        self = .object(object)
      } else if let array = try? container.decode([JSON].self) {
        self = .array(array)
      } else if let string = try? container.decode(String.self) {
        self = .string(string)
      } else {
        self = .other
      }
    }

    subscript(key: String) -> JSON? {
      if case .object(let object) = self { return object[key] }
      return nil
    }

    var string: String? {
      if case .string(let text) = self { return text }
      return nil
    }
  }

  /// The resources of an ARM template, child resources with their parent's type and name.
  mutating func readARM(_ bytes: [UInt8]) {
    guard let template = try? JSONDecoder().decode(JSON.self, from: Data(bytes)),
      case .array(let resources)? = template["resources"]
    else { return }
    let lines = LineMap(bytes)
    // A template's parameters with a default and its variables with a literal value, which
    // names may use (`${api}` for `parameters('api')`).
    func values(of template: JSON, passed: JSON? = nil) -> [String: String] {
      var found: [String: String] = [:]
      if case .object(let variables)? = template["variables"] {
        for (name, value) in variables {
          if let text = value.string, !text.hasPrefix("[") { found[name] = text }
        }
      }
      if case .object(let parameters)? = template["parameters"] {
        for (name, parameter) in parameters {
          let given = passed?[name]?["value"]?.string ?? parameter["defaultValue"]?.string
          if let text = given, !text.hasPrefix("[") { found[name] = text }
        }
      }
      return found
    }
    let outer = values(of: template)
    // In document order (a child right after its parent, before the parent's next sibling),
    // each resource's name is found after its parent's and not where an earlier resource's
    // is: two resources of one name (`policy` of an API and of its operation) each get their
    // own line.
    var work: [(resource: JSON, type: String?, name: String?, from: Int, values: [String: String])] =
      resources.reversed().map { ($0, nil, nil, 0, outer) }
    var taken = Set<Int>()
    while let (resource, parentType, parentName, from, known) = work.popLast() {
      guard let ownType = resource["type"]?.string, let ownName = resource["name"]?.string else { continue }
      // A nested deployment's inline template: its resources are read as the outer ones,
      // with the template's own parameters when its expressions are evaluated inside it.
      if ownType.lowercased() == "microsoft.resources/deployments", let inner = resource["properties"]?["template"],
        case .array(let nested)? = inner["resources"]
      {
        let scope = resource["properties"]?["expressionEvaluationOptions"]?["scope"]?.string?.lowercased()
        let innerValues = scope == "inner" ? values(of: inner, passed: resource["properties"]?["parameters"]) : known
        work += nested.reversed().map { ($0, nil, nil, from, innerValues) }
        continue
      }
      let type = parentType.map { $0 + "/" + ownType } ?? ownType
      let name =
        parentName.map { $0 + "/" + Self.substituting(known, in: Self.armName(ownName)) }
        ?? Self.substituting(known, in: Self.armName(ownName))
      var content: Content?
      if let value = resource["properties"]?["value"]?.string ?? resource["properties"]?["policyContent"]?.string {
        content = .inline(value, offset: 0)
      }
      let offset = Self.armNameOffset(ownName, in: bytes, from: from, taken: taken)
      if let offset { taken.insert(offset) }
      let line = lines.location(of: offset ?? from).line
      record(APIMResource(type: type, name: name, content: content, line: line, symbol: nil))
      if case .array(let children)? = resource["resources"] {
        work += children.reversed().map { ($0, type, name, offset ?? from, known) }
      }
    }
  }

  /// `name` with each `${symbol}` that `values` knows replaced by its value.
  static func substituting(_ values: [String: String], in name: String) -> String {
    guard !values.isEmpty, name.contains("${") else { return name }
    var result = name
    for (symbol, value) in values { result = result.replacing("${\(symbol)}", with: value) }
    return result
  }

  /// Where the ARM resource name `name` is written in `bytes`: the first of its JSON strings
  /// (else of its text) at or after `from` that no other resource took; `nil` when none is.
  static func armNameOffset(_ name: String, in bytes: [UInt8], from: Int, taken: Set<Int>) -> Int? {
    let escaped = name.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
    for needle in [Array("\"\(escaped)\"".utf8), Array(name.utf8)] where !needle.isEmpty {
      var start = min(from, bytes.count)
      while let found = bytes[start...].firstRange(of: needle) {
        if !taken.contains(found.lowerBound) { return found.lowerBound }
        start = found.lowerBound + 1
      }
    }
    return nil
  }

  /// An ARM name expression as `/`-separated segments: `[concat(parameters('apim'),
  /// '/orders/policy')]` reads as `${apim}/orders/policy`.
  static func armName(_ name: String) -> String {
    guard name.hasPrefix("[") else { return name }
    var result = ""
    var rest = Substring(name.dropFirst())
    while let quote = rest.firstIndex(of: "'") {
      let before = rest[..<quote]
      let after = rest[rest.index(after: quote)...]
      guard let close = after.firstIndex(of: "'") else { break }
      let literal = String(after[..<close])
      if before.hasSuffix("parameters(") || before.hasSuffix("variables(") {
        result += "${\(literal)}"
        rest = after[after.index(after: close)...].drop { $0 == ")" }
      } else {
        result += literal
        rest = after[after.index(after: close)...]
      }
    }
    return result
  }
}
