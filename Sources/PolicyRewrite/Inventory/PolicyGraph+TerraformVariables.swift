import FoundationEssentials
import PolicyDOM

extension PolicyGraph.FileFacts {
  /// A value that a run's file gives a variable besides its `default`: an assignment in a
  /// `.tfvars` or `.tfvars.json` file (Terraform loads `terraform.tfvars` and `*.auto.tfvars`
  /// itself, and any other with `-var-file`), or the `default` of a `variable` block in an
  /// `*_override.tf` file, which replaces the module's own. A variable with such values may
  /// hold any of them when it is deployed.
  struct Assigned: Sendable, Hashable {
    /// The value as a name, when it is a literal string (or number).
    var name: String?
    /// The value as a `for_each` collection, when it is a literal list, set or map.
    var collection: Collection?
  }

  /// Whether `path` is a Terraform variables file (`.tfvars`, `.tfvars.json`).
  static func isVariablesFile(_ path: String) -> Bool {
    path.hasSuffix(".tfvars") || path.hasSuffix(".tfvars.json")
  }

  /// Whether `path` is a Terraform override file (`override.tf`, `*_override.tf`), whose
  /// blocks Terraform merges over the module's declarations of the same name.
  static func isOverrideFile(_ path: String) -> Bool {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    return name == "override.tf" || name.hasSuffix("_override.tf")
  }

  /// The assignments of a `.tfvars` file: `name = value` at its top level.
  mutating func readVariablesFile(_ bytes: [UInt8]) {
    let file = HCLParser.parse(bytes)
    let context = TerraformContext(
      bytes: bytes, lines: LineMap(bytes), folder: PolicyGraph.folder(of: path), locals: [:])
    for attribute in file.body.attributes {
      assigned[attribute.name, default: []].append(context.assigned(attribute.value))
    }
  }

  /// The assignments of a `.tfvars.json` file: the members of its top-level object. A value
  /// other than a string, a list of strings or a map of strings (or of objects of strings)
  /// is one the run does not know.
  mutating func readVariablesJSON(_ bytes: [UInt8]) {
    guard let object = try? JSONDecoder().decode([String: VariableJSON].self, from: Data(bytes)) else { return }
    for (name, value) in object {
      assigned[name, default: []].append(value.assigned)
    }
  }

  /// A `.tfvars.json` value, as far as a name or a `for_each` collection can be read from it.
  enum VariableJSON: Decodable, Sendable {
    case string(String)
    case list([String])
    case map([String: VariableJSON])
    case other

    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let text = try? container.decode(String.self) {
        self = .string(text)
      } else if let list = try? container.decode([String].self) {
        self = .list(list)
      } else if let map = try? container.decode([String: VariableJSON].self) {
        self = .map(map)
      } else {
        self = .other
      }
    }

    var assigned: Assigned {
      switch self {
      case .string(let text): return Assigned(name: text)
      case .list(let list):
        return Assigned(collection: .items(list.map { EachItem(key: .name($0), value: .name($0)) }))
      case .map(let map):
        var items: [EachItem] = []
        for (key, value) in map.sorted(by: { $0.key < $1.key }) {
          var item = EachItem(key: .name(key), value: nil)
          switch value {
          case .string(let text): item.value = .name(text)
          case .map(let fields):
            for (field, member) in fields {
              if case .string(let text) = member { item.members[field] = .name(text) }
            }
          default: break
          }
          items.append(item)
        }
        return Assigned(collection: .items(items))
      case .other: return Assigned()
      }
    }
  }
}

extension PolicyGraph.FileFacts.TerraformContext {
  /// A value assigned to a variable: a literal name, and a literal collection.
  func assigned(_ expression: Expression) -> PolicyGraph.FileFacts.Assigned {
    var value = PolicyGraph.FileFacts.Assigned()
    switch expression.kind {
    case .literal(let text) where text != "null": value.name = text
    case .string(let parts) where !parts.contains(where: { if case .text = $0 { false } else { true } }):
      value.name = HCLParser.literal(of: parts)
    default: break
    }
    value.collection = collection(expression)
    return value
  }
}

extension PolicyGraph {
  /// Widens the variables that a run's `.tfvars` files or `*_override.tf` defaults assign: a
  /// variable's default is a guess (`-var`, `TF_VAR_` and `-var-file` give it any value when it
  /// is deployed), and the values the run holds are as likely. A `for_each` collection is the
  /// union of its default and every assigned collection (more members: more parents checked),
  /// not known when one of them is not literal; a name with another possible value is not
  /// resolved (`${var.x}`, a pattern). Assignments apply by name to every module of the run,
  /// since a `-var-file` may name any file.
  static func widenAssignedVariables(
    _ files: [FileFacts], collections: inout [String: FileFacts.Collection],
    attributes: inout [String: [String: FileFacts.Reference]]
  ) {
    var assigned: [String: [FileFacts.Assigned]] = [:]
    for facts in files {
      for (name, values) in facts.assigned { assigned[name, default: []] += values }
    }
    guard !assigned.isEmpty else { return }
    func variable(of key: String) -> String? {
      guard let separator = key.lastIndex(of: "\u{0}") else { return nil }
      let address = key[key.index(after: separator)...]
      guard address.hasPrefix("var.") else { return nil }
      return String(address.dropFirst("var.".count))
    }
    for key in Array(attributes.keys) {
      guard let name = variable(of: key), let values = assigned[name],
        case .name(let current)? = attributes[key]?["default"]
      else { continue }
      if values.contains(where: { $0.name != current }) { attributes[key]?["default"] = .name("${var.\(name)}") }
    }
    for key in Array(collections.keys) {
      guard let name = variable(of: key), let values = assigned[name] else { continue }
      guard case .items(var union)? = collections[key] else {
        collections[key] = nil
        continue
      }
      var known = true
      for value in values {
        guard case .items(let list)? = value.collection else {
          known = false
          break
        }
        for item in list where !union.contains(item) { union.append(item) }
      }
      collections[key] = known ? .items(union) : nil
    }
  }
}
