import PolicyDOM

/// Everything policy-rewrite knows about one source format, in one place: the file names it
/// claims, the globs that select it when a tree is walked, how its bytes are read (a policy, a
/// container of embedded policies, a file of backend credentials), the byte test that spares
/// reading files that cannot matter, what it declares, and how it is named to the user.
///
/// ``SourceFormatCatalog`` lists one description per ``SourceFormat``; the rewriter, the
/// declaration scanner and the walker's default selection read from it, so a new format is
/// its description and its ``PolicyContainer``, and nothing else.
package struct SourceFormatDescription: Sendable {
  /// A file name (the last path component) that a format claims, compared in any ASCII case.
  package struct NamePattern: Sendable {
    /// How the name is compared.
    package enum Match: Sendable, Hashable {
      /// The name ends with the text.
      case suffix
      /// The name is the text.
      case name
      /// The whole path is the text (`<stdin>`).
      case path
    }

    /// The lower-case text.
    package let text: String
    /// How it is compared.
    package let match: Match
    /// A prefix the name must also start with (`configuration.` of APIOps YAML).
    package let prefix: String
    /// Whether the file's policies are templates (``SourceKind/masksTemplates``).
    package let masksTemplates: Bool
    /// What the name alone says the file is.
    package let role: SourceKind.Role?

    /// A name ending with `suffix`.
    static func suffix(_ suffix: String, prefix: String = "", masksTemplates: Bool = false) -> NamePattern {
      NamePattern(text: suffix, match: .suffix, prefix: prefix, masksTemplates: masksTemplates, role: nil)
    }

    /// The name `name`, in any ASCII case.
    static func name(_ name: String, role: SourceKind.Role? = nil) -> NamePattern {
      NamePattern(text: name, match: .name, prefix: "", masksTemplates: false, role: role)
    }
  }

  /// How the rewriter reads a file of the format.
  enum Reading: Sendable {
    /// As a policy document.
    case policy
    /// As a container whose strings hold policies, and where backend credentials stand in it
    /// (`nil` when it holds none).
    case container(any PolicyContainer, credentials: BackendCredentialScanner.Format?)
    /// Only for backend credentials, which stand as `format` says.
    case credentials(BackendCredentialScanner.Format)
    /// As a policy when it starts with markup; otherwise it is of an unsupported type.
    case byContent
  }

  /// What a file of the format can declare, and the byte test that tells whether it may.
  struct Declarations: Sendable {
    /// Whether a file may declare something: a cheap byte search.
    var mayDeclare: @Sendable (_ source: [UInt8], _ kind: SourceKind) -> Bool
    /// The declarations of a file, in file order.
    var read: @Sendable (_ source: [UInt8], _ kind: SourceKind, _ path: String) -> [Declaration]
  }

  /// The format.
  package let format: SourceFormat
  /// How it is named in the message on a file of an unsupported type (`Bicep (.bicep)`), or
  /// `nil` when another format's name covers it.
  package let shownAs: String?
  /// The file names it claims.
  package let names: [NamePattern]
  /// The globs that select its files when a tree is walked (see `FileWalker.defaultPatterns`).
  package let defaultGlobs: [String]
  /// How it is read.
  let reading: Reading
  /// Whether a file may need the rewriter at all: a byte search, so that the other files met
  /// while walking a tree are skipped without parsing.
  let mayConcern: @Sendable (_ source: [UInt8]) -> Bool
  /// What it declares (named values, Key Vault secrets, backends), or `nil` when nothing.
  let declarations: Declarations?
  /// How it declares Function Apps for readiness, or `nil` when it does not.
  let functionApps: FunctionApps?
}
