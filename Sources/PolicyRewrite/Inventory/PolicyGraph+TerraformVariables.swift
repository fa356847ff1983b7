import FoundationEssentials
import PolicyDOM

extension PolicyGraph.FileFacts {
  /// Whether `path` is a Terraform variables file (`.tfvars`, `.tfvars.json`): its top-level
  /// assignments give variables values (Terraform loads `terraform.tfvars` and
  /// `*.auto.tfvars` itself, and any other with `-var-file`); it holds no declarations.
  static func isVariablesFile(_ path: String) -> Bool {
    path.hasSuffix(".tfvars") || path.hasSuffix(".tfvars.json")
  }

  /// The assignments of a `.tfvars` file (`name = value` at its top level), kept as a
  /// variable's default is (`var.name`: a literal name, a literal collection); a value that
  /// is neither is kept as one the run does not know (``PolicyGraph/widenAssignedVariables``).
  mutating func readVariablesFile(_ bytes: [UInt8]) {
    let file = HCLParser.parse(bytes)
    let context = TerraformContext(
      bytes: bytes, lines: LineMap(bytes), folder: PolicyGraph.folder(of: path), locals: [:])
    for attribute in file.body.attributes {
      var name: Reference?
      switch attribute.value.kind {
      case .literal(let text) where text != "null": name = .name(text)
      case .string(let parts) where !parts.contains(where: { if case .text = $0 { false } else { true } }):
        name = .name(HCLParser.literal(of: parts))
      default: break
      }
      assign(attribute.name, name: name, collection: context.collection(attribute.value))
    }
  }

  /// The assignments of a `.tfvars.json` file: the members of its top-level object.
  mutating func readVariablesJSON(_ bytes: [UInt8]) {
    guard let object = try? JSONDecoder().decode([String: VariableJSON].self, from: Data(bytes)) else { return }
    for (name, value) in object {
      switch value {
      case .string(let text): assign(name, name: .name(text), collection: nil)
      default: assign(name, name: nil, collection: value.collection)
      }
    }
  }

  /// Keeps a value assigned to variable `variable`: what is not known as `${var.x}` (a name
  /// not resolved) and as a collection named by nothing the run holds.
  private mutating func assign(_ variable: String, name: Reference?, collection: Collection?) {
    let address = "var.\(variable)"
    attributes[address, default: [:]]["default"] = name ?? .name("${\(address)}")
    collections[address] = collection ?? .named("\u{0}\(address)")
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

    /// A list of names, a map of names or of objects of names; `nil` for anything else.
    var collection: Collection? {
      switch self {
      case .list(let list): return .items(list.map { EachItem(key: .name($0), value: .name($0)) })
      case .map(let map):
        var items: [EachItem] = []
        for (key, value) in map.sorted(by: { $0.key < $1.key }) {
          var item = EachItem(key: .name(key), value: nil)
          switch value {
          case .string(let text): item.value = .name(text)
          case .map(let fields):
            for case (let field, .string(let text)) in fields { item.members[field] = .name(text) }
          default: break
          }
          items.append(item)
        }
        return .items(items)
      case .string, .other: return nil
      }
    }
  }
}

extension PolicyGraph {
  /// Widens the variables that have more than one possible value: a variable's default is a
  /// guess (`-var`, `TF_VAR_` and `-var-file` give it any value when it is deployed), and the
  /// values of the run's `.tfvars` files (for a variable of that name in any module, since a
  /// `-var-file` may name any file) and of its other declarations (an `*_override.tf` file's
  /// `default` replaces the module's own) are as likely. A `for_each` collection is the union
  /// of them all (more members: more parents checked), not known when one is not literal; a
  /// name with two values is not resolved (`${var.x}`, a pattern). A variable that no
  /// declaration of its folder gives a default stays without a value.
  static func widenAssignedVariables(
    _ files: [FileFacts], collections: inout [String: FileFacts.Collection],
    attributes: inout [String: [String: FileFacts.Reference]]
  ) {
    var assignedCollections: [String: [FileFacts.Collection]] = [:]
    var assignedNames: [String: [FileFacts.Reference]] = [:]
    var declaredCollections: [String: [FileFacts.Collection]] = [:]
    var declaredNames: [String: [FileFacts.Reference]] = [:]
    for facts in files {
      let isAssignment = FileFacts.isVariablesFile(facts.path)
      let folder = Self.folder(of: facts.path) + "\u{0}"
      for (address, collection) in facts.collections where address.hasPrefix("var.") {
        if isAssignment {
          assignedCollections[address, default: []].append(collection)
        } else {
          declaredCollections[folder + address, default: []].append(collection)
        }
      }
      for (address, values) in facts.attributes where address.hasPrefix("var.") {
        guard let value = values["default"] else { continue }
        if isAssignment {
          assignedNames[address, default: []].append(value)
        } else {
          declaredNames[folder + address, default: []].append(value)
        }
      }
    }
    func address(of key: String) -> String? {
      guard let separator = key.lastIndex(of: "\u{0}") else { return nil }
      let address = String(key[key.index(after: separator)...])
      return address.hasPrefix("var.") ? address : nil
    }
    for key in Array(attributes.keys) {
      guard let address = address(of: key), attributes[key]?["default"] != nil else { continue }
      let values = (declaredNames[key] ?? []) + (assignedNames[address] ?? [])
      guard let first = declaredNames[key]?.first else {
        attributes[key]?["default"] = nil
        continue
      }
      if values.contains(where: { $0 != first }) { attributes[key]?["default"] = .name("${\(address)}") }
    }
    for key in Array(collections.keys) {
      guard let address = address(of: key) else { continue }
      let values = (declaredCollections[key] ?? []) + (assignedCollections[address] ?? [])
      guard declaredCollections[key] != nil, values.count > 1 else {
        if declaredCollections[key] == nil { collections[key] = nil }
        continue
      }
      var union: [FileFacts.EachItem] = []
      var known = true
      for value in values {
        guard case .items(let list) = value else {
          known = false
          break
        }
        for item in list where !union.contains(item) { union.append(item) }
      }
      collections[key] = known ? .items(union) : nil
    }
  }
}
