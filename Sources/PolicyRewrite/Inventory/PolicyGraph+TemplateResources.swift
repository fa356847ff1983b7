import PolicyDOM

extension PolicyGraph.FileFacts {
  /// A Bicep or ARM resource of API Management, reduced to what the graph needs.
  struct APIMResource: Sendable {
    /// The full type without its API version (`Microsoft.ApiManagement/service/apis/policies`).
    var type: String
    /// The full name, segments joined by `/` (`apim/orders/policy`); a parameter is `${name}`.
    var name: String
    var content: Content?
    var line: Int
    var symbol: String?
    /// The parameter whose default its policy is, when it is (`value: policyXml`).
    var parameter: String? = nil
  }

  /// What a Bicep or ARM file declares, recorded when the facts are joined: a name may use a
  /// parameter that another file of the run gives a value (a module call, a `.bicepparam`
  /// file, an ARM parameters file or linked template).
  struct TemplateFacts: Sendable {
    var resources: [APIMResource] = []
    /// The parameters with a literal default (`param x string = 'lit'`, `defaultValue`).
    var defaults: [String: String] = [:]
    /// The defaults that are policies, by parameter.
    var defaultPolicies: [String: Content] = [:]
    /// The values this file gives other templates' parameters.
    var given: [ParameterValues] = []
  }

  /// Values given to a template's parameters.
  struct ParameterValues: Sendable {
    /// The template they are given to; `nil` for any template of the run (an ARM parameters
    /// file, which does not name its template).
    var target: String?
    /// Whether each of them deploys the template once with these values (a Bicep module call,
    /// an ARM linked template), rather than giving a deployment its values.
    var isCall: Bool
    /// By parameter: the value, or `nil` for one the run does not know.
    var values: [String: String?]
  }

  /// Records a resource by its type: a policy of some scope, a fragment, a product's API.
  /// Its name's segments are read after the type's: a name with fewer segments than its type
  /// has, one of them a value the run does not know, has that value stand for the missing ones.
  mutating func record(_ resource: APIMResource) {
    let lowered = resource.type.lowercased()
    var segments = resource.name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    if let expected = Self.segmentCount(of: lowered) { segments = Self.aligned(segments, to: expected) }
    // A workspace's products, APIs and operations (`service/workspaces/apis/…`) are named
    // after the workspace's segment.
    let inWorkspace = lowered.contains("/service/workspaces/") && !lowered.hasSuffix("/workspaces/policies")
    let shift = inWorkspace ? 1 : 0
    func segment(_ index: Int) -> Reference? {
      index + shift < segments.count ? .name(segments[index + shift]) : nil
    }
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
    if inWorkspace, 1 < segments.count { declared.workspace = .name(segments[1]) }
    self.declared.append(declared)
  }

  /// The includes of inline policy text that starts at line `line` of the file: where the
  /// file holds the text line for line (`verbatim`: a Bicep `'''` string), each at its own
  /// line; else (a JSON or `'…'` string, whose line breaks are escapes) at the string's line.
  mutating func recordIncludes(of content: Content, line: Int, verbatim: Bool = false) {
    switch content {
    case .inline(let text, _):
      var found = PolicyGraph.includes(in: Array(text.utf8), path: path, lineOffset: line - 1)
      if !verbatim { for index in found.indices { found[index].line = line } }
      includes += found
    case .alternatives(let choices):
      for choice in choices { recordIncludes(of: choice, line: line, verbatim: verbatim) }
    default:
      break
    }
  }

  /// Policy text in the file that no resource applies (a string passed to a module or to a
  /// function, a variable no resource uses, a parameters file's value): a policy the run
  /// cannot place, so its keys are reported `scope-unknown`.
  mutating func recordUnplaced(_ text: String, offset: Int, line: Int, verbatim: Bool = false) {
    declared.append(
      Declared(
        scope: .unknown, content: .inline(text, offset: offset),
        location: PolicyGraph.Location(path: path, line: line, address: nil)))
    recordIncludes(of: .inline(text, offset: offset), line: line, verbatim: verbatim)
  }

  /// Whether `text` is a whole policy or fragment document (a piece of one, which an
  /// expression completes, is not placed on its own).
  static func isPolicyDocument(_ text: [UInt8]) -> Bool {
    EmbeddedPolicy.isPolicyText(text) && (text.containsLiteral("<policies") || text.containsLiteral("<fragment"))
  }

  /// `name` with each `${symbol}` that `values` knows replaced by its value.
  static func substituting(_ values: [String: String], in name: String) -> String {
    guard !values.isEmpty, name.contains("${") else { return name }
    var result = name
    for (symbol, value) in values { result = result.replacing("${\(symbol)}", with: value) }
    return result
  }
}

extension PolicyGraph {
  /// `files` with the Bicep and ARM resources of each recorded: names with the values of the
  /// template's parameters. A parameter's default is its value unless a file of the run gives
  /// it another (a `.bicepparam` or parameters file: then it is not resolved, `${name}`, as a
  /// Terraform variable assigned in a `.tfvars` file is); a template that module calls or
  /// linked deployments of the run deploy is recorded once for each, with the values each
  /// gives (a value the run does not know is not resolved).
  static func recordingTemplates(_ files: [FileFacts]) -> [FileFacts] {
    guard files.contains(where: { !$0.template.resources.isEmpty }) else { return files }
    let given = files.flatMap(\.template.given)
    var result = files
    for index in result.indices where !result[index].template.resources.isEmpty {
      let facts = result[index]
      // Targets are joined paths (`./op.bicep` from folder `infra` is `infra/op.bicep`).
      let path = join("", facts.path)
      var base = facts.template.defaults
      for entry in given where !entry.isCall && (entry.target == nil || entry.target == path) {
        for (name, value) in entry.values where base[name] != nil && value != base[name] { base[name] = nil }
      }
      var variants: [[String: String]] = []
      for call in given where call.isCall && call.target == path {
        var values = base
        for (name, value) in call.values { values[name] = value }
        if !variants.contains(values) { variants.append(values) }
      }
      if variants.isEmpty { variants = [base] }
      for values in variants {
        for resource in facts.template.resources {
          var resource = resource
          resource.name = FileFacts.substituting(values, in: resource.name)
          // A policy that is a parameter's default, while no file of the run gives it another.
          if let parameter = resource.parameter, let value = values[parameter],
            value == facts.template.defaults[parameter], let policy = facts.template.defaultPolicies[parameter]
          {
            resource.content = policy
          }
          result[index].record(resource)
        }
      }
    }
    return result
  }
}
