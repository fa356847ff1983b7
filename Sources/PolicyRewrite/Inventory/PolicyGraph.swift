import FoundationEssentials
import PolicyDOM

/// Which policy runs where: every policy document of a run with its scope and identifiers,
/// product ↔ API membership, fragments by id, and each `include-fragment` with its section
/// (`rewrite-spec.md` §2c).
///
/// Read from the APIOps folder layout and `products/<p>/apis.json`, from Terraform policy
/// resources and module calls (by the shape of their arguments), and from Bicep and ARM
/// resources. Pure: paths and bytes in, a graph out. Each file's ``FileFacts`` are read on
/// their own (in parallel, by the caller), then joined in one pass.
public struct PolicyGraph: Sendable, Hashable {
  /// Where a policy is declared: the file, line and (Terraform) address of the resource or
  /// module call that applies it.
  public struct Location: Sendable, Hashable, Codable {
    /// The declaring file.
    public var path: String
    /// The line of the declaration.
    public var line: Int
    /// The Terraform address or Bicep symbol, when it has one.
    public var address: String?
  }

  /// One policy document.
  public struct Policy: Sendable, Hashable {
    /// The file that holds the policy: an XML file, or the Terraform, Bicep or ARM file
    /// that holds it inline.
    public var path: String
    /// Where it runs.
    public var scope: PolicyScope
    /// The API name, for API and operation policies.
    public var api: String?
    /// The operation id, for operation policies.
    public var operation: String?
    /// The product id, for product policies.
    public var product: String?
    /// The fragment id, for fragments.
    public var fragment: String?
    /// The workspace, for workspace policies.
    public var workspace: String?
    /// The resource or module call that applies it (nothing for an APIOps file).
    public var declaredAt: Location?
    /// For an inline policy, the offset of its text in ``path``.
    public var inlineOffset: Int?
    /// For an inline policy, its text.
    package var inlineText: String?

    /// The identifier that links this policy to its parent and child scopes, when its scope
    /// needs one and the graph could not resolve it (missing, or an expression kept as
    /// written): `API name` for an API or operation policy, `product id` for a product
    /// policy, `fragment id` for a fragment, followed by the expression when there is one.
    package var unlinkedIdentifier: String? {
      func unlinked(_ what: String, _ value: String?) -> String? {
        guard !PolicyGraph.isResolved(value) else { return nil }
        guard let value, !value.isEmpty else { return what }
        return "\(what) `\(value)`"
      }
      switch scope {
      case .api, .operation: return unlinked("API name", api)
      case .product: return unlinked("product id", product)
      case .fragment: return unlinked("fragment id", fragment)
      case .global, .workspace, .unknown: return nil
      }
    }
  }

  /// One `include-fragment`.
  public struct Include: Sendable, Hashable {
    /// The file that holds it.
    public var path: String
    /// The line of the element.
    public var line: Int
    /// The fragment id it names: resolved, when the policy writes it as a Terraform
    /// reference the run can follow (``written``).
    public var fragment: String
    /// `inbound`, `backend`, `outbound`, `on-error`, or `fragment` (inside a fragment).
    public var section: String
    /// The file that defines the fragment, when it is among the files read.
    public var resolved: String?
    /// The fragment id as the policy's text writes it, when that is a Terraform reference
    /// (`${azurerm_api_management_policy_fragment.auth.name}`, a `templatefile()` variable)
    /// that the graph resolved to ``fragment``; `nil` when the text is the id.
    public var written: String? = nil
  }

  /// A policy that a declaration applies but whose text is not among the run's files or
  /// strings: a variable, a URL (`xml_link`), a `file()` path that names no file of the run.
  public struct UnseenPolicy: Sendable, Hashable {
    /// Its scope and identifiers; its ``Policy/path`` is the declaring file.
    public var policy: Policy
    /// Why it cannot be read, as a message says it (`its policy is \`var.b\`, a value the
    /// run does not know`).
    public var reason: String
    /// Whether the policy is a variable of the declaring module (`xml_content =
    /// var.xml_content`): each call of the module gives it, so the declaration stands for them.
    public var isModuleVariable = false
  }

  /// The policies, by path (inline policies after their file's).
  public private(set) var policies: [Policy] = []
  /// The policies that declarations apply and the run cannot read, in the order of the files.
  public private(set) var unseen: [UnseenPolicy] = []
  /// The includes, by path and line.
  public private(set) var includes: [Include] = []
  /// For each product id, the APIs it holds.
  public private(set) var productAPIs: [String: Set<String>] = [:]
  /// For each fragment id, the files that define it.
  public private(set) var fragments: [String: [String]] = [:]
  /// For each path, the fragment ids its includes write as Terraform references that the
  /// graph resolved (``Include/written``), with the id each stands for.
  package private(set) var writtenFragmentIDs: [String: [String: String]] = [:]
  /// The index of each file policy in ``policies`` by path.
  private var policyIndex: [String: Int] = [:]

  /// The policy held by the file at `path` (not inline).
  public func policy(at path: String) -> Policy? { policyIndex[path].map { policies[$0] } }

  /// Takes the policy files at `paths` that the graph could not place for global policies: a
  /// `policy.xml` beside the `apis/` or `products/` folder of an APIOps tree is that tree's
  /// global policy, whatever the folder is called (the graph places a file by its path alone).
  package mutating func placeAsGlobal(_ paths: Set<String>) {
    for index in policies.indices
    where policies[index].scope == .unknown && policies[index].inlineText == nil && paths.contains(policies[index].path)
    {
      policies[index].scope = .global
    }
  }

  /// What one file says: read on its own, joined by ``init(files:)``.
  public struct FileFacts: Sendable {
    var path: String
    var declared: [Declared] = []
    var memberships: [(product: Reference, api: Reference, forEach: Collection?)] = []
    /// The `for_each` collections that locals and variables' defaults hold, by address
    /// (`local.apis`, `var.apis`).
    var collections: [String: Collection] = [:]
    /// The attribute under which a module call's name is kept when it is a reference.
    static let moduleName = "\u{0}name"
    /// The module calls of a Terraform file.
    var moduleCalls: [ModuleCall] = []
    /// Names of declarations by address (Terraform `type.name`, `module.name`; Bicep symbol).
    var names: [String: String] = [:]
    /// The arguments of declarations by address and name (Terraform resources, data sources,
    /// `var.x` with its `default`, `local`), for references to them.
    var attributes: [String: [String: Reference]] = [:]
    /// The declarations a `parent_id` may name, by address.
    var parentNodes: [String: ParentNode] = [:]
    var includes: [Include] = []
    /// The variables that `templatefile(PATH, { name = value })` calls bind, by the path
    /// pattern of the template (as ``Content/file(_:)`` gives it).
    var templateVariables: [(pattern: String, variables: [String: Reference])] = []
    var isFragmentDocument = false
    var isPolicyDocument = false
    /// The Bicep or ARM resources, recorded when the facts are joined.
    var template = TemplateFacts()
    /// The policy's place in the APIOps layout (or by its name), for a policy document that no
    /// declaration applies; worked out here, on the file's thread.
    var placed: Policy?

    /// The facts of the file at `path`.
    public init(path: String, bytes: [UInt8]) {
      self.path = path
      switch SourceFormat(path: path) {
      case .policy:
        let shown = Self.hasRoot(bytes)
        isFragmentDocument = shown == .fragment
        isPolicyDocument = shown != nil
        includes = PolicyGraph.includes(in: bytes, path: path, lineOffset: 0)
        if isPolicyDocument { placed = PolicyGraph.apiopsPolicy(path: path, isFragment: isFragmentDocument) }
      case .terraform:
        if bytes.containsLiteral("api_management") || bytes.containsLiteral("xml_content")
          || bytes.containsLiteral("policy_xml") || bytes.containsLiteral("Microsoft.ApiManagement")
          // Locals and variables' defaults that a policy's names refer to, in another file.
          || bytes.containsLiteral("locals") || bytes.containsLiteral("variable")
          // Calls that give a module's variables their values.
          || bytes.containsLiteral("module") || Self.isVariablesFile(path)
        {
          readTerraform(bytes)
        }
      case .bicep:
        if bytes.containsLiteral("Microsoft.ApiManagement/service") || bytes.containsLiteral("module")
          || path.hasSuffix(".bicepparam")
        {
          readBicep(bytes)
        }
      case .templateJSON:
        if Self.isVariablesFile(path) {
          readVariablesJSON(bytes)
        } else if path.hasSuffix("/apis.json") || path == "apis.json" {
          readAPIOpsProductAPIs(bytes)
        } else if bytes.containsLiteral("Microsoft.ApiManagement/service") || bytes.containsLiteral("templateLink") {
          readARM(bytes)
        } else if bytes.containsLiteral("deploymentParameters") {
          readARMParameters(bytes)
        }
      default:
        break
      }
    }

    private enum Root { case policies, fragment }

    /// The root of a policy document, by its first element name.
    private static func hasRoot(_ bytes: [UInt8]) -> Root? {
      var from = 0
      while let open = bytes[from...].firstIndex(of: .lessThan) {
        if bytes.hasLiteral("<policies", at: open) { return .policies }
        if bytes.hasLiteral("<fragment", at: open) { return .fragment }
        if bytes.hasLiteral("<!--", at: open) {
          guard let end = bytes.firstOffset(of: "-->", from: open + 4) else { return nil }
          from = end + 3
          continue
        }
        if open + 1 < bytes.count, bytes[open + 1] == .bang || bytes[open + 1] == .question {
          from = open + 1
          continue
        }
        return nil
      }
      return nil
    }

    private mutating func readAPIOpsProductAPIs(_ bytes: [UInt8]) {
      // products/<product>/apis.json: a list of API names, or of objects with a name. Any
      // other content names no member here; the frontend counts such a product as a parent
      // of every API of its tree, and the run reports a file that does not parse.
      let parts = path.split(separator: "/")
      guard parts.count >= 3, parts[parts.count - 3] == "products" else { return }
      let product = String(parts[parts.count - 2])
      guard case .names(let names) = ProductAPIsJSON(bytes) else { return }
      for api in names { memberships.append((.name(product), .name(api), nil)) }
    }
  }

  /// Joins the facts of every file of a run.
  public init(files: [FileFacts]) {
    let files = Self.recordingTemplates(files)
    var names: [String: String] = [:]
    var parentNodes: [String: FileFacts.ParentNode] = [:]
    var attributes: [String: [String: FileFacts.Reference]] = [:]
    var collections: [String: FileFacts.Collection] = [:]
    for facts in files {
      let folder = Self.folder(of: facts.path)
      for (address, collection) in facts.collections where collections[folder + "\u{0}" + address] == nil {
        collections[folder + "\u{0}" + address] = collection
      }
      for (address, name) in facts.names { names[folder + "\u{0}" + address] = name }
      for (address, node) in facts.parentNodes { parentNodes[folder + "\u{0}" + address] = node }
      for (address, values) in facts.attributes {
        attributes[folder + "\u{0}" + address, default: [:]].merge(values) { first, _ in first }
      }
    }
    Self.widenAssignedVariables(files, collections: &collections, attributes: &attributes)
    // The calls of each module folder of the run, with the calling file's path.
    struct Call {
      var path: String
      var arguments: [String: FileFacts.Reference]
      var policies: [String: FileFacts.Content]
    }
    var callsOfModule: [String: [Call]] = [:]
    for facts in files {
      for call in facts.moduleCalls {
        callsOfModule[call.folder, default: []].append(
          Call(path: facts.path, arguments: call.arguments, policies: call.policies))
      }
    }
    // A reference the run cannot follow is kept as written, `${…}`: not resolved
    // (``isResolved(_:)``), so never taken for a literal name. Within a module that `call`
    // calls, a variable is the call's argument, resolved in the calling file's folder (its own
    // variables there by their defaults: one level of calls is followed), or its default
    // when the call does not give it.
    func resolve(
      _ reference: FileFacts.Reference?, in path: String, call: Call? = nil, each: FileFacts.EachItem? = nil,
      depth: Int = 0
    ) -> String? {
      let folder = Self.folder(of: path) + "\u{0}"
      switch reference {
      case .name(let name): return name
      case .each(let steps):
        // An element of the declaration's `for_each`, when the collection is known.
        let written = "${each.\(steps.joined(separator: "."))}"
        guard let each, depth < 8 else { return written }
        let element: FileFacts.Reference?
        switch steps {
        case ["key"]: element = each.key
        case ["value"]: element = each.value
        case _ where steps.count == 2 && steps[0] == "value": element = each.members[steps[1]]
        default: element = nil
        }
        guard let element else { return written }
        return resolve(element, in: path, call: call, depth: depth + 1)
      case .address(let address):
        if let name = names[folder + address] { return name }
        // A module call named by a reference (`product_id = local.gold.product_id`).
        if depth < 8, let value = attributes[folder + address]?[FileFacts.moduleName] {
          return resolve(value, in: path, call: call, depth: depth + 1)
        }
        return "${\(address)}"
      case .attribute(let address, let attribute):
        if attribute == "default", address.hasPrefix("var."), depth < 8, let call,
          let argument = call.arguments[String(address.dropFirst("var.".count))]
        {
          return resolve(argument, in: call.path, depth: depth + 1)
        }
        if depth < 8, let value = attributes[folder + address]?[attribute] {
          return resolve(value, in: path, call: call, depth: depth + 1)
        }
        return attribute == "default" && address.hasPrefix("var.") ? "${\(address)}" : "${\(address).\(attribute)}"
      case nil: return nil
      }
    }
    // The elements of a `for_each` collection, through locals and variables' defaults of the
    // module's folder (a variable that `call` gives is not followed); `nil` when not known.
    func items(_ collection: FileFacts.Collection?, in path: String, call: Call?, depth: Int = 0)
      -> [FileFacts.EachItem]?
    {
      switch collection {
      case .items(let list): return list
      case .named(let address):
        if address.hasPrefix("var."), call?.arguments[String(address.dropFirst("var.".count))] != nil {
          return nil
        }
        guard depth < 8, let found = collections[Self.folder(of: path) + "\u{0}" + address] else { return nil }
        return items(found, in: path, call: call, depth: depth + 1)
      case nil: return nil
      }
    }
    // The index of paths is built only when a declaration names a file (not for APIOps trees).
    let namesFiles = files.contains { facts in
      facts.declared.contains {
        switch $0.content {
        case .file, .files, .alternatives: true
        default: false
        }
      }
    }
    let known = FileIndex(paths: namesFiles ? files.map(\.path) : [])
    // Each file applied by a declaration, with the policies it is: one for each declaration,
    // module call and `for_each` element that applies it with names of its own (a module called
    // twice with two API names applies its file twice).
    var declaredFiles: [String: [Policy]] = [:]
    var seenDeclared = Set<Policy>()
    var inline: [Policy] = []
    for facts in files {
      // A module's declarations are read once per call of the module in the run (none: as
      // written, variables by their defaults).
      let calls: [Call?] = callsOfModule[Self.folder(of: facts.path)] ?? [nil]
      for declared in facts.declared {
        // Each distinct scope, with the policy its call gives (a module variable the call
        // gives as a policy the run reads), or the declaration's own.
        var variants: [(policy: Policy, content: FileFacts.Content)] = []
        for call in calls {
          // One scope for each element of a `for_each` whose collection is known; else one
          // whose `each.…` names are not resolved.
          let elements: [FileFacts.EachItem?] = items(declared.forEach, in: facts.path, call: call) ?? [nil]
          for each in elements {
            func name(_ reference: FileFacts.Reference?) -> String? {
              resolve(reference, in: facts.path, call: call, each: each)
            }
            var policy = Policy(
              path: facts.path, scope: declared.scope, api: name(declared.api), operation: name(declared.operation),
              product: name(declared.product), fragment: name(declared.fragment), workspace: name(declared.workspace),
              declaredAt: declared.location)
            if declared.parent != nil {
              let chain = Self.identifiers(along: declared.parent, in: facts.path, nodes: parentNodes, resolve: name)
              policy.api = policy.api ?? chain[.api]
              policy.operation = policy.operation ?? chain[.operation]
              policy.product = policy.product ?? chain[.product]
              policy.workspace = policy.workspace ?? chain[.workspace]
            }
            var content = declared.content
            var element = each
            if let variable = declared.variable, let given = call?.policies[variable] {
              (content, element) = (given, nil)
            }
            // `file("./apis/${each.key}.xml")`: the element's own file.
            content = content.substitutingEach { steps in
              let value = resolve(.each(steps), in: facts.path, call: call, each: element)
              return Self.isResolved(value) ? value : nil
            }
            if !variants.contains(where: { $0.policy == policy && $0.content == content }) {
              variants.append((policy, content))
            }
          }
        }
        for variant in variants {
          // A conditional's documents are each a policy of the scope (each checked as one).
          var documents = [variant.content]
          if case .alternatives(let choices) = variant.content { documents = choices }
          for content in documents {
            var policy = variant.policy
            switch content {
            case .file, .files:
              var patterns: [String] = []
              if case .file(let pattern) = content { patterns = [pattern] }
              if case .files(let list) = content { patterns = list }
              let matched = patterns.flatMap(known.matching)
              // Each path a conditional may pick must be among the run's files: the one it
              // picks when deployed may be the missing one.
              let missing = patterns.filter { known.matching($0).isEmpty }
              if !missing.isEmpty {
                let named = missing.map { "`\($0)`" }.joined(separator: " or ")
                let star = named.contains("*") ? " (`*` stands for a value the run does not know)" : ""
                unseen.append(
                  UnseenPolicy(
                    policy: policy, reason: "its policy file \(named) is not among the files of this run\(star)"))
              }
              // A file applied by several declarations (or calls, or `for_each` elements) is a
              // policy of each of their scopes: each is checked against its own parents and
              // children, and a key it holds is rewritten only where every one allows it.
              for path in matched {
                policy.path = path
                if seenDeclared.insert(policy).inserted { declaredFiles[path, default: []].append(policy) }
              }
            case .inline(let text, let offset):
              // Terraform directives outside the root may choose between documents: Terraform
              // renders one, so each is a possible pipeline of its own (and the container
              // rewrites each as a policy of its own, under its own text).
              for (piece, start) in Self.alternatives(of: text, in: facts.path) {
                policy.inlineOffset = offset + start
                policy.inlineText = piece
                inline.append(policy)
              }
            case .unknown(let reason, let isVariable):
              unseen.append(UnseenPolicy(policy: policy, reason: reason, isModuleVariable: isVariable))
            case .alternatives:
              // Flattened when read: no alternative holds alternatives.
              break
            }
          }
        }
      }
      for membership in facts.memberships {
        for call in calls {
          let elements: [FileFacts.EachItem?] = items(membership.forEach, in: facts.path, call: call) ?? [nil]
          for each in elements {
            guard let product = resolve(membership.product, in: facts.path, call: call, each: each),
              let api = resolve(membership.api, in: facts.path, call: call, each: each)
            else { continue }
            productAPIs[product, default: []].insert(api)
          }
        }
      }
    }
    // A file that a declaration applies is a policy whatever its first element.
    for facts in files where facts.isPolicyDocument || declaredFiles[facts.path] != nil {
      var applied =
        declaredFiles[facts.path]
        ?? [facts.placed ?? Self.apiopsPolicy(path: facts.path, isFragment: facts.isFragmentDocument)]
      // A declaration that does not know the scope (a module call read by the shape of its
      // arguments) stands for one that does: the module's own resource applies the same file.
      if applied.count > 1, applied.contains(where: { $0.scope != .unknown }) {
        applied.removeAll { $0.scope == .unknown }
      }
      policyIndex[facts.path] = policies.count
      for var policy in applied {
        if facts.isFragmentDocument, policy.scope == .unknown { policy.scope = .fragment }
        policies.append(policy)
      }
    }
    policies += inline
    for policy in policies where policy.scope == .fragment {
      guard let id = policy.fragment else { continue }
      if !fragments[id, default: []].contains(policy.path) { fragments[id, default: []].append(policy.path) }
    }
    let resolveReference = { (reference: FileFacts.Reference, path: String) in resolve(reference, in: path) }
    let templateValues = Self.templateValues(files, known: known, resolve: resolveReference)
    for facts in files {
      for var include in facts.includes {
        if let id = Self.resolveFragmentID(
          include.fragment, in: include.path, templateValues: templateValues, resolve: resolveReference)
        {
          include.written = include.fragment
          include.fragment = id
          writtenFragmentIDs[include.path, default: [:]][include.written ?? ""] = id
        }
        include.resolved = fragments[include.fragment]?.first
        includes.append(include)
      }
    }
  }

  /// The documents of the inline policy `text` of the file at `path`, each with its offset in
  /// `text`: for Terraform, the alternatives that directives outside the root choose between
  /// (``TerraformHeredoc/alternatives(of:)``); else the text itself.
  static func alternatives(of text: String, in path: String) -> [(text: String, start: Int)] {
    guard text.utf8.contains(UInt8(ascii: "%")), SourceFormat(path: path) == .terraform else { return [(text, 0)] }
    let pieces = TerraformTemplateContainer.alternatives(of: Array(text.utf8))
    guard pieces.count > 1 else { return [(text, 0)] }
    return pieces.map { (String(decoding: $0.decoded, as: UTF8.self), $0.offsets[0]) }
  }
}
