import PolicyDOM

/// What a policy document holds that matters to the migration: its key injections and the
/// findings of every analysis rule.
///
/// One walk over the document records the elements the rules look at, with where they are;
/// then ``RulePipeline`` runs the rules in order over that record. The rewriter uses the same
/// analysis as `check`, so the two never disagree about what an injection is.
struct PolicyAnalysis {
  /// An element that the walk recorded for the rules, with where it is.
  struct Entry {
    /// What kind of element it is.
    enum Kind {
      /// A `<set-header>` (its children are not walked).
      case header
      /// A `<set-variable>` with a `name` and a `value`.
      case variable
      /// A `<set-query-parameter>`.
      case queryParameter
      /// An element that holds a URL: `set-backend-service`, `set-url`, `rewrite-uri`.
      case url(String?)
    }

    let kind: Kind
    let element: PolicyElement
    /// The `<inbound>`, `<outbound>`, … or the `<fragment>` root that holds the element.
    let section: PolicyElement
    /// The innermost `<send-request>` (or `<send-one-way-request>`) that holds the element.
    let sendRequest: PolicyElement?
    /// Whether the element is inside a `<return-response>`.
    let inResponse: Bool
  }

  /// The analysed document.
  let document: PolicyDocument
  /// What the analysis looks for.
  let configuration: RewriteConfiguration
  /// Whether the root is `<policies>`, `<fragment>` or a snippet root (``snippetRoots``); other
  /// XML files are not analysed.
  let isPolicy: Bool
  /// The elements the walk recorded, in document order.
  let entries: [Entry]
  /// Child-scope files whose `<inbound>` reads or removes `Authorization` after `<base />`
  /// (``RewriteConfiguration/authorizationChildScopes``).
  let childScopes: [String]
  /// The path the file is rewritten with: resources for its injections, and what the other
  /// files of the run say about it (``RewriteConfiguration``).
  let path: String
  /// Whether a suppression comment or the baseline accepts the injection: the migration
  /// leaves it as it is.
  let isAccepted: (PolicyElement) -> Bool
  /// The key injections, in document order.
  var injections: [KeyInjection] = []
  /// Findings that are not injections to rewrite: review items, notes and leaked secrets.
  var findings: [Finding] = []
  /// Findings that only a migration reports (notes about what the rewrite changes).
  var migrationFindings: [Finding] = []
  /// Findings that only `check` reports (remaining keys that are not injections).
  var checkFindings: [Finding] = []
  /// Where the MI element of an `<inbound>`'s direct-child injections goes, when not right
  /// after `<base />`: after this top-level child. Keyed by the `<inbound>`'s start offset.
  var managedIdentityAnchors: [Int: PolicyElement] = [:]
  /// `set-variable` elements that only feed injections the rewrite removes: removed with them.
  var removableVariables: [PolicyElement] = []
  /// The MI elements already in place, looked up once per container.
  var managedIdentities = ManagedIdentityLookup()

  /// Analyses a parsed document with every rule of ``RulePipeline``.
  init(
    _ document: PolicyDocument, configuration: RewriteConfiguration, childScopes: [String] = [], path: String = "",
    isAccepted: @escaping (PolicyElement) -> Bool = { _ in false }
  ) {
    self.document = document
    self.configuration = configuration
    self.childScopes = childScopes
    self.path = path
    self.isAccepted = isAccepted
    var entries: [Entry] = []
    let root = document.root
    if root.hasName("policies") {
      isPolicy = true
      var section = root.firstChildElement
      while let current = section {
        Self.walk(current, section: current, sendRequest: nil, inResponse: false, into: &entries)
        section = current.nextSiblingElement
      }
    } else if root.hasName("fragment") || Self.isSnippetRoot(root) {
      // A fragment, or a snippet whose root is one section (or a GraphQL resolver's
      // `<http-data-source>`): the root is the section.
      isPolicy = true
      Self.walk(root, section: root, sendRequest: nil, inResponse: false, into: &entries)
    } else {
      isPolicy = false
    }
    self.entries = entries
    if isPolicy { RulePipeline.run(on: &self) }
  }

  /// The roots, other than `<policies>` and `<fragment>`, of a policy snippet that is analysed:
  /// one section, or a GraphQL resolver's `<http-data-source>`.
  static let snippetRoots: [StaticString] = ["inbound", "backend", "outbound", "on-error", "http-data-source"]

  /// Whether `root` is the root of a policy snippet (``snippetRoots``).
  static func isSnippetRoot(_ root: PolicyElement) -> Bool { snippetRoots.contains { root.hasName($0) } }

  /// Whether an element named `name` is the root of a policy snippet (``snippetRoots``).
  static func isSnippetRoot(name: String) -> Bool { snippetRoots.contains { $0.description == name } }

  /// Records `element` and its descendants; `section` is the `<inbound>`, `<outbound>`, … or
  /// the `<fragment>` root they are in.
  private static func walk(
    _ element: PolicyElement, section: PolicyElement, sendRequest: PolicyElement?, inResponse: Bool,
    into entries: inout [Entry]
  ) {
    var request = sendRequest
    var response = inResponse
    func record(_ kind: Entry.Kind) {
      entries.append(
        Entry(kind: kind, element: element, section: section, sendRequest: sendRequest, inResponse: inResponse))
    }
    // Every element the walk records starts with `s` or `r`: test that byte first.
    switch element.firstNameByte {
    case UInt8(ascii: "s"):
      if element.hasName("set-header") {
        record(.header)
        return
      }
      if element.hasName("set-variable") {
        if element.attribute("name") != nil, element.attribute("value") != nil { record(.variable) }
      } else if element.hasName("set-query-parameter") {
        record(.queryParameter)
      } else if element.hasName("set-backend-service") {
        record(.url(element.attribute("base-url")))
      } else if element.hasName("set-url") {
        record(.url(element.rawContent))
      } else if element.hasName("send-request") || element.hasName("send-one-way-request") {
        request = element
      }
    case UInt8(ascii: "r"):
      if element.hasName("rewrite-uri") {
        record(.url(element.attribute("template")))
      } else if element.hasName("return-response") {
        response = true
      }
    default:
      break
    }
    var child = element.firstChildElement
    while let current = child {
      walk(current, section: section, sendRequest: request, inResponse: response, into: &entries)
      child = current.nextSiblingElement
    }
  }

  /// Adds a finding at `element`; `related`, when its message names only the first few of the
  /// places it is about, lists them all.
  mutating func report(
    _ rule: Rule, _ severity: Severity, at element: PolicyElement, section: String, _ message: String,
    related: [String] = []
  ) {
    let (line, column) = element.location
    var finding = Finding(
      rule: rule, severity: severity, message: message, line: line, column: column, section: section)
    finding.subject = Self.subject(of: element)
    finding.related = related
    findings.append(finding)
  }

  /// The section path of the element's parent, such as `inbound/choose/when`.
  static func sectionPath(of element: PolicyElement) -> String {
    element.parent?.path.joined(separator: "/") ?? ""
  }
}
