extension PolicyGraph.FileFacts {
  /// A policy that a declaration applies.
  struct Declared: Sendable {
    var scope: PolicyScope
    var api: Reference?
    var operation: Reference?
    var product: Reference?
    var fragment: Reference?
    var workspace: Reference?
    var content: Content
    var location: PolicyGraph.Location
    /// The declaration of the scope it applies to (`azapi_resource`'s `parent_id`): its
    /// identifiers are read along the chain of parents when the facts are joined.
    var parent: Reference?
    /// The module variable its policy is (`xml_content = var.xml_content`): a call of the
    /// module that gives it a policy the run reads gives the policy.
    var variable: String? = nil
    /// Its `for_each`, when the collection may be read: one scope for each element.
    var forEach: Collection? = nil
  }

  /// A declaration of an API, operation, product or workspace (Terraform `azapi_resource`
  /// or `azurerm_api_management_*`), by which a `parent_id` chain is followed.
  struct ParentNode: Sendable {
    /// The ARM type without its API version (`Microsoft.ApiManagement/service/apis`).
    var type: String
    var name: Reference?
    /// Its own `parent_id`.
    var parent: Reference?
    /// For an `azurerm_api_management_api_operation`, its `api_name`.
    var api: Reference?
  }

  /// A name, or the address of a declaration whose name it is (resolved when joined).
  enum Reference: Sendable, Hashable {
    case name(String)
    case address(String)
    /// An argument of a declaration (`azurerm_api_management_api_operation.get`, `api_name`;
    /// `var.x`, `default`; `local`, `x`), resolved along references when the facts are joined.
    case attribute(String, String)
    /// `each.key`, `each.value`, `each.value.attr` (the steps after `each`): an element of the
    /// declaration's `for_each`, or not resolved when the collection is not known.
    case each([String])
  }

  /// One element of a `for_each` collection: a set's element is its key and value; a map's
  /// entry has its key, its value, and, for an object value, the object's members.
  struct EachItem: Sendable, Hashable {
    var key: Reference
    var value: Reference?
    var members: [String: Reference] = [:]
  }

  /// A `for_each` collection: its elements, or a local or variable (`local.apis`, `var.apis`)
  /// whose value (a variable's default) gives them when the facts are joined.
  enum Collection: Sendable, Hashable {
    case items([EachItem])
    case named(String)
  }

  /// The policy a declaration applies.
  enum Content: Sendable, Hashable {
    /// A file path, relative to the run's paths (`*` for what is not known).
    case file(String)
    /// One of these paths (a conditional picks it).
    case files([String])
    /// Policy text in the declaring file, and where it starts.
    case inline(String, offset: Int)
    /// Not known to the run (a variable, a URL): what it is, as a message says it, and
    /// whether it is a variable of its module (`var.xml_content`) itself.
    case unknown(String, isVariable: Bool = false)
    /// One of these documents (`cond ? templatefile(…) : file(…)`), each a file, files or
    /// inline text: every one is a possible policy of the scope.
    indirect case alternatives([Content])
  }

  /// A Terraform `module` block that calls a module of a local folder
  /// (`source = "./modules/api"`): that folder, and the call's arguments, which give the
  /// module's variables their values.
  struct ModuleCall: Sendable {
    /// The called module's folder, joined to the calling file's folder.
    var folder: String
    /// The arguments by variable name (meta-arguments such as `source` and `count` left out).
    var arguments: [String: Reference]
    /// The arguments that are policies the run may read (`file(…)`, a heredoc, a
    /// conditional of them), by variable name.
    var policies: [String: Content] = [:]
  }
}
