import PolicyDOM

/// The policy APIM runs for one operation, composed offline from the policy graph: each
/// scope's section standing where its child's `<base />` is, every `include-fragment`
/// replaced by the fragment's elements, each element with the file and line it comes from.
///
/// The chain is the global policy, the product's, the API's and the operation's, each when the
/// graph has it. What the graph cannot decide (several products, several policies of one scope,
/// policies of unknown scope, fragments not scanned) is said in ``notes``.
public struct EffectivePolicy: Sendable {
  /// One element of the composed policy.
  public struct Element: Sendable, Hashable {
    /// `inbound`, `backend`, `outbound` or `on-error`.
    public var section: String
    /// The element's name.
    public var name: String
    /// The file it is written in.
    public var path: String
    /// Its line in that file.
    public var line: Int
    /// How many substitutions it went through: 0 in the most specific scope's section, one
    /// more for each `<base />` and each `include-fragment` between it and that section.
    public var depth: Int
    /// The element as written.
    public var text: String
  }

  /// What the composition could not decide, for the top of the output.
  public private(set) var notes: [String] = []
  /// The policies composed, most general first.
  public private(set) var chain: [PolicyGraph.Policy] = []
  /// The composed elements, by section, in pipeline order.
  public private(set) var elements: [Element] = []

  /// The sections of a policy, in the order APIM runs them.
  public static let sections = ["inbound", "backend", "outbound", "on-error"]

  /// A policy's text: its bytes and the line its first byte stands on in its file.
  public typealias Source = (bytes: [UInt8], firstLine: Int)

  /// Composes the effective policy of `operation` (or of the API alone) of `api`.
  /// - Parameters:
  ///   - graph: The run's policy graph.
  ///   - product: The product the call comes through, when the API is in several.
  ///   - source: The text of a policy of the graph; `nil` when it cannot be read.
  public init(
    graph: PolicyGraph, api: String, operation: String?, product: String?,
    source: (PolicyGraph.Policy) -> Source?
  ) {
    func pick(_ scope: PolicyScope, _ what: String, where test: (PolicyGraph.Policy) -> Bool) -> PolicyGraph.Policy? {
      let found = graph.policies.filter { $0.scope == scope && test($0) }
      if found.count > 1, let first = found.first, first.inlineText != nil,
        found.allSatisfy({ $0.path == first.path && $0.declaredAt == first.declaredAt })
      {
        let line = first.declaredAt.map { ":\($0.line)" } ?? ""
        notes.append(
          "the \(what) policy at \(first.path)\(line) is \(found.count) alternative documents that Terraform directives choose between; the first is used"
        )
      } else if found.count > 1 {
        notes.append(
          "\(found.count) \(what) policies match (\(found.map(\.path).joined(separator: ", "))); the first is used")
      }
      return found.first
    }
    let global = pick(.global, "global") { _ in true }
    var chosenProduct = product
    if chosenProduct == nil {
      let products = graph.products(of: api)
      if products.count == 1 {
        chosenProduct = products[0]
      } else if products.count > 1 {
        notes.append(
          "API \(api) is in \(products.count) products (\(products.joined(separator: ", "))); no product policy is composed: pass --product"
        )
      }
    }
    if product == nil {
      // A product policy with no API listed for it (an APIOps product without `apis.json`, a
      // product with no product-API link among the files) may hold this API too.
      let unlinked = Set(
        graph.policies.compactMap { $0.scope == .product ? $0.product : nil }.filter { graph.productAPIs[$0] == nil }
      ).sorted()
      if !unlinked.isEmpty {
        let named =
          unlinked.count == 1 ? "product \(unlinked[0]) has" : "products \(unlinked.joined(separator: ", ")) have"
        notes.append(
          "\(named) a policy but no known APIs (no apis.json or product-API link among the scanned files names any), so \(unlinked.count == 1 ? "its policy" : "their policies") may run for API \(api) too; not composed: pass --product to compose one"
        )
      }
    }
    let productPolicy = chosenProduct.flatMap { id in pick(.product, "product") { $0.product == id } }
    let apiPolicy = pick(.api, "API") { $0.api == api }
    if apiPolicy == nil { notes.append("no API policy for \(api) among the scanned files") }
    let operationPolicy = operation.flatMap { id in
      pick(.operation, "operation") { $0.api == api && $0.operation == id }
    }
    if let operation, operationPolicy == nil {
      notes.append("no operation policy for \(api) \(operation) among the scanned files")
    }
    let unknown = graph.policies.filter { $0.scope == .unknown }
    if !unknown.isEmpty {
      notes.append(
        "\(unknown.count) scanned \(unknown.count == 1 ? "policy has" : "policies have") an unknown scope and may also run here: "
          + unknown.prefix(5).map(\.path).joined(separator: ", ") + (unknown.count > 5 ? " and more" : ""))
    }
    chain = [global, productPolicy, apiPolicy, operationPolicy].compactMap { $0 }
    var documents: [(policy: PolicyGraph.Policy, document: PolicyDocument, firstLine: Int)] = []
    for policy in chain {
      guard let text = source(policy) else {
        notes.append("\(policy.path) cannot be read; left out")
        continue
      }
      do {
        documents.append((policy, try PolicyDocument.parse(text.bytes), text.firstLine))
      } catch {
        notes.append("\(policy.path) does not parse (\(error)); left out")
      }
    }
    let cache = FragmentCache()
    func fragment(_ id: String) -> (document: PolicyDocument, path: String, firstLine: Int)? {
      if let known = cache.found[id] { return known }
      var found: (PolicyDocument, String, Int)?
      if let policy = graph.policies.first(where: { $0.scope == .fragment && $0.fragment == id }),
        let text = source(policy), let document = try? PolicyDocument.parse(text.bytes)
      {
        found = (document, policy.path, text.firstLine)
      } else {
        cache.notes.append("fragment \(id) is not among the scanned files; its include is kept as written")
      }
      cache.found[id] = found
      return found
    }
    for section in Self.sections {
      compose(section: section, level: documents.count - 1, depth: 0, documents: documents, fragment: fragment)
    }
    notes += cache.notes
  }

  /// The fragments read while composing, and what could not be found.
  private final class FragmentCache {
    var found: [String: (document: PolicyDocument, path: String, firstLine: Int)?] = [:]
    var notes: [String] = []
  }

  private mutating func compose(
    section: String, level: Int, depth: Int,
    documents: [(policy: PolicyGraph.Policy, document: PolicyDocument, firstLine: Int)],
    fragment: (String) -> (document: PolicyDocument, path: String, firstLine: Int)?
  ) {
    guard level >= 0 else { return }
    let (policy, document, firstLine) = documents[level]
    guard let scope = document.root.children.first(where: { $0.name == section }) else {
      // A scope without the section runs its parent's as if it held only `<base />`.
      compose(section: section, level: level - 1, depth: depth + 1, documents: documents, fragment: fragment)
      return
    }
    for child in scope.children {
      if child.hasName("base") {
        compose(section: section, level: level - 1, depth: depth + 1, documents: documents, fragment: fragment)
      } else {
        add(
          child, section: section, path: policy.path, firstLine: firstLine, depth: depth, fragment: fragment, nesting: 0
        )
      }
    }
  }

  private mutating func add(
    _ element: PolicyElement, section: String, path: String, firstLine: Int, depth: Int,
    fragment: (String) -> (document: PolicyDocument, path: String, firstLine: Int)?, nesting: Int
  ) {
    if element.hasName("include-fragment"), nesting < 8,
      let id = element.attribute("fragment-id")?.trimmingXMLSpace, let included = fragment(id)
    {
      for child in included.document.root.children {
        add(
          child, section: section, path: included.path, firstLine: included.firstLine, depth: depth + 1,
          fragment: fragment, nesting: nesting + 1)
      }
      return
    }
    let source = element.document.source
    elements.append(
      Element(
        section: section, name: element.name, path: path, line: element.location.line + firstLine - 1, depth: depth,
        text: String(decoding: source[element.range], as: UTF8.self)))
  }

  /// The composed policy as a `<policies>` document, each element preceded by a comment
  /// naming its file and line, the notes in comments at the top.
  public var xml: String {
    var lines = notes.map { "<!-- note: \(Self.commentSafe($0)) -->" }
    lines.append("<policies>")
    for section in Self.sections {
      let inSection = elements.filter { $0.section == section }
      lines.append("  <\(section)>")
      for element in inSection {
        lines.append("    <!-- \(Self.commentSafe(element.path)):\(element.line) -->")
        lines.append("    " + element.text)
      }
      lines.append("  </\(section)>")
    }
    lines.append("</policies>")
    return lines.joined(separator: "\n") + "\n"
  }

  /// Text that cannot end a comment (`--` becomes `- -`).
  /// `text` for an XML comment: no `--`, and the characters that XML does not allow or that
  /// act on a terminal (control characters, line breaks, bidirectional overrides: a file
  /// name may hold any of them) written as `\xNN` or `\u{NNNN}`.
  static func commentSafe(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x00..<0x20, 0x7F:
        result += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
      case 0x80..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
        result += "\\u{" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4) + "}"
      default:
        result.unicodeScalars.append(scalar)
      }
    }
    while result.contains("--") { result = result.replacing("--", with: "- -") }
    return result
  }
}

extension String {
  /// The string with `0`s before it up to `width` characters.
  fileprivate func leftPadded(to width: Int) -> String {
    String(repeating: "0", count: max(0, width - count)) + self
  }
}
