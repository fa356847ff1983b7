import FoundationEssentials
import PolicyDOM

extension PolicyGraph.FileFacts {
  /// A JSON value, enough to walk an ARM template.
  enum ARMJSON: Decodable {
    case object([String: ARMJSON])
    case array([ARMJSON])
    case string(String)
    case other

    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let object = try? container.decode([String: ARMJSON].self) {
        self = .object(object)
      } else if let array = try? container.decode([ARMJSON].self) {
        self = .array(array)
      } else if let string = try? container.decode(String.self) {
        self = .string(string)
      } else {
        self = .other
      }
    }

    subscript(key: String) -> ARMJSON? {
      if case .object(let object) = self { return object[key] }
      return nil
    }

    var string: String? {
      if case .string(let text) = self { return text }
      return nil
    }

    /// Every string it holds, values and not keys.
    var strings: [String] {
      switch self {
      case .string(let text): [text]
      case .array(let items): items.flatMap(\.strings)
      case .object(let object): object.values.flatMap(\.strings)
      case .other: []
      }
    }
  }

  /// The resources of an ARM template, child resources with their parent's type and name;
  /// the values it gives linked templates' parameters; the policy text no resource applies.
  mutating func readARM(_ bytes: [UInt8]) {
    guard let template = try? JSONDecoder().decode(ARMJSON.self, from: Data(bytes)),
      case .array(let resources)? = template["resources"]
    else { return }
    let lines = LineMap(bytes)
    let folder = PolicyGraph.folder(of: path)
    // A template's variables as written, and (in a nested deployment evaluated inside it) the
    // parameters its deployment passes or their defaults.
    func context(of template: ARMJSON, passed: ARMJSON?, outer: ARMExpression = ARMExpression()) -> ARMExpression {
      var context = ARMExpression()
      if case .object(let variables)? = template["variables"] {
        for (name, value) in variables { if let text = value.string { context.variables[name] = text } }
      }
      guard let passed else { return context }
      if case .object(let parameters)? = template["parameters"] {
        for (name, parameter) in parameters {
          let value = passed[name]?["value"]?.string.map { outer.value(of: $0) } ?? parameter["defaultValue"]?.string
          if let value { context.parameters[name] = value }
        }
      }
      return context
    }
    // The outer template's parameter defaults are filled in when the facts are joined.
    if case .object(let parameters)? = template["parameters"] {
      for (name, parameter) in parameters {
        if let text = parameter["defaultValue"]?.string, !text.hasPrefix("[") { self.template.defaults[name] = text }
      }
    }
    var used = Set<String>()
    // In document order (a child right after its parent, before the parent's next sibling),
    // each resource's name is found after its parent's and not where an earlier resource's
    // is: two resources of one name (`policy` of an API and of its operation) each get their
    // own line.
    var work: [(resource: ARMJSON, type: String?, name: String?, from: Int, context: ARMExpression)] =
      resources.reversed().map { ($0, nil, nil, 0, context(of: template, passed: nil)) }
    var taken = Set<Int>()
    // Resources that share a `from` (one array's siblings) are written in order: each one's
    // name is searched for after the last one found, so a template of many resources is
    // searched once rather than once a resource. Where that finds nothing (an unusual key
    // order), the search starts at `from` again.
    var after: [Int: Int] = [:]
    var valueCursor: [[UInt8]: Int] = [:]
    while let (resource, parentType, parentName, from, known) = work.popLast() {
      guard let ownType = resource["type"]?.string, let ownName = resource["name"]?.string else { continue }
      if ownType.lowercased() == "microsoft.resources/deployments" {
        let properties = resource["properties"]
        // A nested deployment's inline template: its resources are read as the outer ones,
        // with the template's own parameters when its expressions are evaluated inside it.
        if let inner = properties?["template"], case .array(let nested)? = inner["resources"] {
          let scope = properties?["expressionEvaluationOptions"]?["scope"]?.string?.lowercased()
          let innerContext =
            scope == "inner"
            ? context(of: inner, passed: properties?["parameters"] ?? .object([:]), outer: known) : known
          work += nested.reversed().map { ($0, nil, nil, from, innerContext) }
        } else if let relative = properties?["templateLink"]?["relativePath"]?.string {
          // A linked template of the run is deployed with the values this deployment gives.
          var values: [String: String?] = [:]
          if case .object(let parameters)? = properties?["parameters"] {
            for (name, parameter) in parameters {
              let value = parameter["value"]?.string.map { known.value(of: $0) }
              values[name] = value.flatMap { PolicyGraph.isResolved($0) ? $0 : nil }
            }
          }
          self.template.given.append(
            ParameterValues(target: PolicyGraph.join(folder, relative), isCall: true, values: values))
        }
        continue
      }
      let type = parentType.map { $0 + "/" + ownType } ?? ownType
      let evaluated = known.value(of: ownName)
      let name = parentName.map { $0 + "/" + evaluated } ?? evaluated
      var content: Content?
      var parameter: String?
      if let value = resource["properties"]?["value"]?.string ?? resource["properties"]?["policyContent"]?.string {
        (content, parameter) = Self.armPolicy(value, context: known)
        if case .inline(let text, _)? = content { used.insert(text) }
        if let parameter, let text = template["parameters"]?[parameter]?["defaultValue"]?.string, !text.hasPrefix("[") {
          used.insert(text)
          self.template.defaultPolicies[parameter] = .inline(text, offset: 0)
        }
      }
      let offset =
        Self.armNameOffset(ownName, in: bytes, from: max(from, after[from] ?? from), taken: taken)
        ?? Self.armNameOffset(ownName, in: bytes, from: from, taken: taken)
      if let offset {
        taken.insert(offset)
        after[from] = max(after[from] ?? from, offset + 1)
      }
      let line = lines.location(of: offset ?? from).line
      self.template.resources.append(
        APIMResource(type: type, name: name, content: content, line: line, symbol: nil, parameter: parameter))
      if let content {
        // The includes of a JSON string stand on the string's line (its line breaks are escapes).
        var textLine = line
        if case .inline(let text, _) = content, text.contains("include-fragment"),
          let at = Self.stringOffset(of: text, in: bytes, from: from, cursor: &valueCursor)
        {
          textLine = lines.location(of: at).line
        }
        recordIncludes(of: content, line: textLine)
      }
      if case .array(let children)? = resource["resources"] {
        work += children.reversed().map { ($0, type, name, offset ?? from, known) }
      }
    }
    recordUnplacedStrings(template.strings, used: used, in: bytes, lines: lines)
  }

  /// The policy of an ARM resource's `value`: its text, or a variable's or parameter's literal
  /// (a parameter's default only while no file of the run gives it another value: the
  /// parameter is returned); anything else is not known to the run.
  static func armPolicy(_ value: String, context: ARMExpression) -> (Content, parameter: String?) {
    if value.hasPrefix("http://") || value.hasPrefix("https://") {
      return (
        .unknown("its policy is a link (`xml-link`, `rawxml-link`) fetched when deployed, which the run does not read"),
        nil
      )
    }
    guard value.hasPrefix("["), !value.hasPrefix("[[") else {
      return (.inline(value.hasPrefix("[[") ? String(value.dropFirst()) : value, offset: 0), nil)
    }
    var reader = ARMExpression.Reader(bytes: Array(value.utf8.dropFirst().dropLast()))
    if let function = reader.identifier(), reader.take(.openParen), let argument = reader.string(),
      reader.take(.closeParen), reader.atEnd
    {
      switch function.lowercased() {
      case "variables":
        if let text = context.variables[argument], !text.hasPrefix("[") { return (.inline(text, offset: 0), nil) }
      case "parameters":
        if let text = context.parameters[argument] { return (.inline(text, offset: 0), nil) }
        return (.unknown("its policy is the parameter `\(argument)`, a value the run does not know"), argument)
      default:
        break
      }
    }
    // An expression of literals only (`[concat('<policies>…')]`) is the text it gives.
    let evaluated = context.value(of: value)
    if PolicyGraph.isResolved(evaluated) { return (.inline(evaluated, offset: 0), nil) }
    return (.unknown("its policy is an ARM expression (`\(value.prefix(60))…`), which the run does not evaluate"), nil)
  }

  /// The parameter values of an ARM parameters file (`deploymentParameters`): they may be
  /// given to any template of the run. Policy text among them is a policy the run cannot place.
  mutating func readARMParameters(_ bytes: [UInt8]) {
    guard let file = try? JSONDecoder().decode(ARMJSON.self, from: Data(bytes)),
      case .object(let parameters)? = file["parameters"]
    else { return }
    var values: [String: String?] = [:]
    for (name, parameter) in parameters {
      values[name] = parameter["value"]?.string.flatMap { $0.hasPrefix("[") ? nil : $0 }
    }
    template.given.append(ParameterValues(target: nil, isCall: false, values: values))
    recordUnplacedStrings(file.strings, used: [], in: bytes, lines: LineMap(bytes))
  }

  /// Each string of `strings` that is policy text and not in `used`, as a policy no resource
  /// places, at the line where its JSON text starts (the first line when it is not found).
  private mutating func recordUnplacedStrings(
    _ strings: [String], used: Set<String>, in bytes: [UInt8], lines: LineMap
  ) {
    var seen = used
    var cursor: [[UInt8]: Int] = [:]
    for text in strings where seen.insert(text).inserted && Self.isPolicyDocument(Array(text.utf8)) {
      let offset = Self.stringOffset(of: text, in: bytes, from: 0, cursor: &cursor)
      recordUnplaced(text, offset: 0, line: offset.map { lines.location(of: $0).line } ?? 1)
    }
  }

  /// Where a JSON string whose value is `text` is written in `bytes`, found by its first
  /// characters that JSON writes as they are: the first such string at or after `from` and
  /// after the last one found with the same start (`cursor`, so that strings found in document
  /// order cost one pass in all); `nil` when it is not found.
  static func stringOffset(of text: String, in bytes: [UInt8], from: Int, cursor: inout [[UInt8]: Int]) -> Int? {
    let plain = text.utf8.prefix { $0 >= 0x20 && $0 < 0x7F && $0 != .doubleQuote && $0 != .backslash && $0 != .slash }
    guard plain.count >= 8 else { return nil }
    let needle = [UInt8.doubleQuote] + plain.prefix(40)
    let start = min(max(from, cursor[needle] ?? 0), bytes.count)
    guard let found = bytes[start...].firstRange(of: needle) else { return nil }
    cursor[needle] = found.lowerBound + 1
    return found.lowerBound
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
}
