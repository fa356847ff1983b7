import PolicyDOM

extension PolicyGraph.FileFacts {
  private typealias Expression = HCLSyntax.Expression

  /// The module-call arguments that carry a policy, by the scope they apply at when the
  /// call's other arguments do not say.
  private static let policyArguments = ["xml_content", "policy_xml", "policy_content", "xml_policy"]
  /// Arguments that only an API takes.
  private static let apiArguments: Set<String> = [
    "product_ids", "service_url", "api_version", "revision", "content_value", "content_format", "protocols", "path",
    "openapi_content", "swagger_content",
  ]

  /// Policy resources, fragments, product memberships and module calls of a Terraform file.
  mutating func readTerraform(_ bytes: [UInt8]) {
    guard !Self.isVariablesFile(path) else { return readVariablesFile(bytes) }
    let file = HCLParser.parse(bytes)
    let lines = LineMap(bytes)
    let folder = PolicyGraph.folder(of: path)
    var locals: [String: Expression] = [:]
    for block in file.body.blocks where block.type == "locals" {
      for attribute in block.body.attributes { locals[attribute.name] = attribute.value }
    }
    let context = TerraformContext(bytes: bytes, lines: lines, folder: folder, locals: locals)
    // What a reference elsewhere in the module may name: locals, variables' defaults, and the
    // arguments of resources and data sources (resolved when the facts are joined).
    for (name, value) in locals {
      if let found = context.reference(value) { attributes["local", default: [:]][name] = found }
      if let found = context.collection(value) { collections["local.\(name)"] = found }
      // `local.apim.product_id`: a member of a local object.
      if case .object(let members) = value.kind {
        for (key, member) in members {
          if let found = context.reference(member) { attributes["local.\(name)", default: [:]][key] = found }
        }
      }
    }
    for block in file.body.blocks {
      let address: String
      switch (block.type, block.labels.count) {
      case ("variable", 1): address = "var.\(block.labels[0])"
      case ("resource", 2): address = block.labels.joined(separator: ".")
      case ("data", 2): address = "data." + block.labels.joined(separator: ".")
      default: continue
      }
      guard block.type == "variable" || block.labels[0].hasPrefix("azurerm_") || block.labels[0].hasPrefix("azapi_")
      else { continue }
      for attribute in block.body.attributes {
        if block.type == "variable", attribute.name != "default" { continue }
        if let found = context.reference(attribute.value) { attributes[address, default: [:]][attribute.name] = found }
        if block.type == "variable", let found = context.collection(attribute.value) { collections[address] = found }
      }
    }
    for block in file.body.blocks {
      let line = lines.location(of: block.range.lowerBound).line
      let path = self.path
      let location = { (address: String) in PolicyGraph.Location(path: path, line: line, address: address) }
      let body = block.body
      if block.type == "resource", block.labels.count == 2 {
        let (type, name) = (block.labels[0], block.labels[1])
        let address = "\(type).\(name)"
        readResource(type: type, address: address, body: body, context: context, location: location(address))
      } else if block.type == "module", block.labels.count == 1 {
        let address = "module.\(block.labels[0])"
        readModule(address: address, body: body, context: context, location: location(address))
        readModuleCall(body, context: context)
      }
    }
    readTemplateVariables(file.body, context: context)
  }

  /// The variables of each `templatefile(PATH, { name = value })` call in a resource's or
  /// module call's arguments, at any depth (`jsonencode({ … value = templatefile(…) })`).
  private mutating func readTemplateVariables(_ body: HCLSyntax.Body, context: TerraformContext) {
    var found: [(pattern: String, variables: [String: Reference])] = []
    func visit(_ expression: Expression) {
      switch expression.kind {
      case .call(let name, let arguments):
        if name == "templatefile", arguments.count >= 2, case .object(let members) = arguments[1].kind,
          case .file(let pattern) = context.content(expression)
        {
          var variables: [String: Reference] = [:]
          for (key, value) in members { variables[key] = context.reference(value) }
          found.append((Content.substitutingEach(in: pattern) { _ in nil }, variables))
        }
        arguments.forEach(visit)
      case .tuple(let elements): elements.forEach(visit)
      case .object(let members): members.forEach { visit($0.value) }
      case .conditional(_, let then, let otherwise): [then, otherwise].forEach(visit)
      default: break
      }
    }
    func visit(_ body: HCLSyntax.Body) {
      body.attributes.forEach { visit($0.value) }
      body.blocks.forEach { visit($0.body) }
    }
    for block in body.blocks where block.type == "resource" || block.type == "module" { visit(block.body) }
    templateVariables += found
  }

  private mutating func declare(
    _ scope: PolicyScope, content: Content?, context: TerraformContext, location: PolicyGraph.Location,
    api: Reference? = nil, operation: Reference? = nil, product: Reference? = nil, fragment: Reference? = nil,
    workspace: Reference? = nil, parent: Reference? = nil, variable: String? = nil, forEach: Collection? = nil
  ) {
    guard let content else { return }
    declared.append(
      Declared(
        scope: scope, api: api, operation: operation, product: product, fragment: fragment, workspace: workspace,
        content: content, location: location, parent: parent, variable: variable, forEach: forEach))
    let documents: [Content]
    if case .alternatives(let choices) = content { documents = choices } else { documents = [content] }
    for case .inline(let text, let offset) in documents {
      let line = context.lines.location(of: offset).line
      includes += PolicyGraph.includes(in: Array(text.utf8), path: path, lineOffset: line - 1)
    }
  }

  private mutating func readResource(
    type: String, address: String, body: HCLSyntax.Body, context: TerraformContext, location: PolicyGraph.Location
  ) {
    func value(_ name: String) -> Expression? { body.attribute(name)?.value }
    func reference(_ name: String) -> Reference? { context.reference(value(name)) }
    let service = "Microsoft.ApiManagement/service"
    // `for_each = toset(local.apis)` with `api_name = each.key`: one scope or membership for
    // each element, when the collection is known.
    let forEach = context.collection(value("for_each"))
    switch type {
    case "azurerm_api_management_api":
      if case .name(let name)? = reference("name") { names[address] = name }
      parentNodes[address] = ParentNode(type: service + "/apis", name: reference("name"))
    case "azurerm_api_management_product":
      if case .name(let name)? = reference("product_id") { names[address] = name }
      parentNodes[address] = ParentNode(type: service + "/products", name: reference("product_id"))
    case "azurerm_api_management_api_operation":
      if case .name(let name)? = reference("operation_id") { names[address] = name }
      parentNodes[address] = ParentNode(
        type: service + "/apis/operations", name: reference("operation_id"), api: reference("api_name"))
    case "azurerm_api_management_policy_fragment":
      if case .name(let name)? = reference("name") { names[address] = name }
    case "azurerm_api_management_product_api":
      if let product = reference("product_id"), let api = reference("api_name") {
        memberships.append((product, api, forEach))
      }
    default:
      break
    }
    let content = context.content(value("xml_content") ?? value("value"))
    /// The policy of a policy resource: `xml_content`, or what `xml_link` says it is (a URL
    /// Terraform fetches, which the run cannot read).
    var policy: Content? {
      if let content = context.content(value("xml_content")) { return content }
      guard let link = value("xml_link") else { return nil }
      var url = String(decoding: context.bytes[link.range], as: UTF8.self)
      if url.count > 80 { url = url.prefix(77) + "..." }
      return .unknown("its policy is fetched from \(url) (xml_link) when it is deployed, and the run cannot read it")
    }
    // `xml_content = var.x`: a call of the module may give the policy.
    var variable: String?
    if case .traversal(let parts)? = value("xml_content")?.kind, parts.count == 2, parts[0] == "var" {
      variable = parts[1]
    }
    switch type {
    case "azurerm_api_management_policy":
      declare(.global, content: policy, context: context, location: location, variable: variable)
    case "azurerm_api_management_product_policy":
      declare(
        .product, content: policy, context: context, location: location, product: reference("product_id"),
        variable: variable, forEach: forEach)
    case "azurerm_api_management_api_policy":
      declare(
        .api, content: policy, context: context, location: location, api: reference("api_name"), variable: variable,
        forEach: forEach)
    case "azurerm_api_management_api_operation_policy":
      declare(
        .operation, content: policy, context: context, location: location, api: reference("api_name"),
        operation: reference("operation_id"), variable: variable, forEach: forEach)
    case "azurerm_api_management_workspace_policy":
      declare(
        .workspace, content: policy, context: context, location: location,
        workspace: reference("api_management_workspace_id"), variable: variable)
    case "azurerm_api_management_policy_fragment":
      declare(
        .fragment, content: context.content(value("value")), context: context, location: location,
        fragment: reference("name"))
    case "azapi_resource":
      // `type = "Microsoft.ApiManagement/service/policyFragments@…"`, the policy in
      // `body = jsonencode({ properties = { value = … } })`.
      // `parent_id = azapi_resource.op.id` names the scope it applies to: the chain of
      // parents gives its identifiers when the facts are joined.
      guard case .name(let armType)? = reference("type"), armType.hasPrefix("Microsoft.ApiManagement/") else { return }
      let resourceType = String(armType.prefix { $0 != "@" })
      let name = reference("name")
      let parent = reference("parent_id")
      let scope = PolicyScope.of(armResourceType: resourceType)
      // `Microsoft.ApiManagement/service/products/apis`: a membership, the API by its name and
      // the product by its `parent_id` (an ARM id written out, `…/products/gold`, or a
      // product declaration's `.id`); a product the run cannot tell is any product's.
      if resourceType.lowercased().hasSuffix("/products/apis"), let api = name {
        memberships.append((Self.product(ofParent: parent), api, forEach))
        return
      }
      guard scope != .unknown else {
        if case .name(let own)? = name { names[address] = own }
        parentNodes[address] = ParentNode(type: resourceType, name: name, parent: parent)
        return
      }
      if scope == .fragment, case .name(let id)? = name { names[address] = id }
      let text =
        body.firstValue(named: "value").flatMap { context.content($0) }
        ?? .unknown("its policy is not a `value` in its `body` that the run can read")
      declare(
        scope, content: text, context: context, location: location, fragment: scope == .fragment ? name : nil,
        parent: scope == .fragment ? nil : parent)
    default:
      _ = content
    }
  }

  /// The product that an API membership's `parent_id` names: the segment after `/products/` of
  /// an ARM id written out, the declaration that `.id` names, or else a name not resolved.
  private static func product(ofParent parent: Reference?) -> Reference {
    switch parent {
    case .name(let id)?:
      let segments = id.split(separator: "/", omittingEmptySubsequences: false)
      if let index = segments.lastIndex(where: { $0.lowercased() == "products" }), index + 1 < segments.count,
        !segments[index + 1].isEmpty
      {
        return .name(String(segments[index + 1]))
      }
      return .name("${parent_id}")
    case .address(let address)?: return .address(address)
    default: return .name("${parent_id}")
    }
  }

  /// The name of a module call (`module.orders.name`, `module.gold.product_id`): a literal
  /// now, or a reference (`local.apis.product_id`, in another file) followed when the facts
  /// are joined.
  private mutating func nameModule(_ address: String, _ name: Reference?) {
    switch name {
    case .name(let text)?: names[address] = text
    case let reference?: attributes[address, default: [:]][PolicyGraph.FileFacts.moduleName] = reference
    case nil: break
    }
  }

  /// Arguments of a `module` block that are not the module's variables.
  private static let metaArguments: Set<String> = [
    "source", "version", "count", "for_each", "providers", "depends_on",
  ]

  /// A call of a module in a local folder (`source = "./modules/api"`, or `../`): the
  /// module's variables are its arguments (``PolicyGraph/FileFacts/ModuleCall``). A registry
  /// or remote source names no folder of the run.
  private mutating func readModuleCall(_ body: HCLSyntax.Body, context: TerraformContext) {
    guard case .name(let source)? = context.reference(body.attribute("source")?.value),
      source.hasPrefix("./") || source.hasPrefix("../"), PolicyGraph.isResolved(source)
    else { return }
    var arguments: [String: Reference] = [:]
    var policies: [String: Content] = [:]
    for attribute in body.attributes where !Self.metaArguments.contains(attribute.name) {
      if let value = context.reference(attribute.value) { arguments[attribute.name] = value }
      // A policy: a file, heredoc or conditional of them (a quoted string is a name).
      switch attribute.value.kind {
      case .call, .heredoc, .conditional, .traversal:
        switch context.content(attribute.value) {
        case let policy?: if case .unknown = policy {} else { policies[attribute.name] = policy }
        case nil: break
        }
      default: break
      }
    }
    moduleCalls.append(
      ModuleCall(folder: PolicyGraph.join(context.folder, source), arguments: arguments, policies: policies))
  }

  /// A module call, read by the shape of its arguments: a product (`product_id` and a
  /// policy), an API (a policy with API arguments, `product_ids` for membership,
  /// `api_operation_policies = [{ operation_id, xml_content }]`), an operation
  /// (`operation_id` and a policy) or a fragment (`fragment_id` or a `value` in `rawxml`).
  private mutating func readModule(
    address: String, body: HCLSyntax.Body, context: TerraformContext, location: PolicyGraph.Location
  ) {
    func value(_ name: String) -> Expression? { body.attribute(name)?.value }
    func reference(_ name: String) -> Reference? { context.reference(value(name)) }
    let policy = Self.policyArguments.lazy.compactMap { value($0) }.first
    let arguments = Set(body.attributes.map(\.name))
    let apiName = reference("api_name") ?? reference("name")
    let isAPI = !arguments.isDisjoint(with: Self.apiArguments) || arguments.contains("api_operation_policies")
    if arguments.contains("operation_id"), !isAPI || arguments.contains("api_name") {
      declare(
        .operation, content: context.content(policy), context: context, location: location, api: apiName,
        operation: reference("operation_id"))
      return
    }
    if isAPI {
      nameModule(address, apiName)
      declare(.api, content: context.content(policy), context: context, location: location, api: apiName)
      if case .tuple(let products)? = value("product_ids")?.kind, let api = apiName {
        for product in products {
          if let product = context.reference(product) { memberships.append((product, api, nil)) }
        }
      }
      if case .tuple(let operations)? = value("api_operation_policies")?.kind {
        for operation in operations {
          let content = Self.policyArguments.lazy.compactMap { operation.member($0) }.first
          declare(
            .operation, content: context.content(content), context: context, location: location, api: apiName,
            operation: context.reference(operation.member("operation_id")))
        }
      }
      return
    }
    if arguments.contains("product_id") {
      nameModule(address, reference("product_id"))
      declare(
        .product, content: context.content(policy), context: context, location: location,
        product: reference("product_id"))
      return
    }
    if let id = reference("fragment_id") ?? (value("format") != nil ? reference("name") : nil),
      let fragment = policy ?? value("value")
    {
      declare(.fragment, content: context.content(fragment), context: context, location: location, fragment: id)
      return
    }
    if let policy { declare(.unknown, content: context.content(policy), context: context, location: location) }
  }
}
