extension PolicyGraph {
  /// The identifiers along a `parent_id` chain (Terraform `azapi_resource`): each declaration
  /// it names gives its own (an operation its id and its API's name, an API its name, a
  /// product its id), then its own parent's; a resource id written as text gives its
  /// `/apis/…`, `/operations/…` and `/products/…` segments.
  /// - Parameters:
  ///   - parent: The policy's `parent_id`.
  ///   - path: The declaring file (addresses are looked up in its folder).
  ///   - nodes: The declarations a `parent_id` may name, by folder and address.
  ///   - resolve: A name or address as the join resolves it.
  static func identifiers(
    along parent: FileFacts.Reference?, in path: String, nodes: [String: FileFacts.ParentNode],
    resolve: (FileFacts.Reference?) -> String?
  ) -> [PolicyScope: String] {
    var found: [PolicyScope: String] = [:]
    func add(_ scope: PolicyScope, _ reference: FileFacts.Reference?) {
      if found[scope] == nil, let name = resolve(reference), !name.isEmpty { found[scope] = name }
    }
    var next = parent
    var steps = 0
    while let reference = next, steps < 8 {
      steps += 1
      next = nil
      switch reference {
      case .address(let address):
        guard let node = nodes[folder(of: path) + "\u{0}" + address] else { break }
        let type = node.type.lowercased()
        if type.hasSuffix("/apis/operations") {
          add(.operation, node.name)
          add(.api, node.api)
        } else if type.hasSuffix("/apis") {
          add(.api, node.name)
        } else if type.hasSuffix("/products") {
          add(.product, node.name)
        } else if type.hasSuffix("/workspaces") {
          add(.workspace, node.name)
        }
        next = node.parent
      case .attribute, .each:
        break
      case .name(let text):
        let segments = text.split(separator: "/").map(String.init)
        for (index, segment) in segments.enumerated().dropLast() {
          let value = FileFacts.Reference.name(segments[index + 1])
          switch segment.lowercased() {
          case "apis": add(.api, value)
          case "operations": add(.operation, value)
          case "products": add(.product, value)
          case "workspaces": add(.workspace, value)
          default: break
          }
        }
      }
    }
    return found
  }
}
