import PolicyDOM
import PolicyRewrite

/// Finds the policy files under the paths given on the command line.
///
/// Folders are walked recursively; `.git`, `.terraform`, `node_modules` and `.build` are
/// skipped, and symbolic links are never followed. A file is selected when its name matches
/// a default pattern or an `--include` glob, and no `--exclude` glob; files named on the
/// command line are always taken unless excluded. The result is sorted by path.
public struct FileWalker: Sendable {
  /// A file to process.
  public struct Item: Sendable, Hashable {
    /// The path as shown to the user: the argument joined with the path below it.
    public var path: String
    /// The path relative to the argument it was found under (the file name for a file argument).
    public var relativePath: String
    /// Whether the file was named on the command line (not found in a folder).
    public var isExplicit = false
  }

  /// Something skipped or unreadable while walking.
  public struct Problem: Sendable, Hashable {
    /// The path.
    public var path: String
    /// What happened.
    public var message: String
    /// Whether it is an error (unreadable) rather than a notice (a skipped link).
    public var isError: Bool
  }

  /// The default selection: policy XML, Terraform policy templates and files, Bicep files,
  /// JSON files (ARM templates and APIOps files, recognised by content; other JSON files are
  /// skipped by a byte search), and the APIOps files that can hold backend credentials.
  public static let defaultPatterns = [
    "*.xml", "*.xml.tpl", "*.xml.tftpl", "*.tftpl", "*.tf", "*.bicep", "*.json", "configuration.*.yaml",
    "configuration.*.yml",
  ]
  /// Folders never entered.
  public static let skippedFolders: Set<String> = [".git", ".terraform", "node_modules", ".build"]

  private let patterns: [Glob]
  private let includes: [Glob]
  private let excludes: [Glob]

  /// Creates a walker.
  /// - Parameters:
  ///   - includes: Globs that add files to the default selection.
  ///   - excludes: Globs that remove files and folders.
  ///   - patterns: The default selection.
  public init(includes: [String] = [], excludes: [String] = [], patterns: [String] = FileWalker.defaultPatterns) {
    self.patterns = patterns.map(Glob.init)
    self.includes = includes.map(Glob.init)
    self.excludes = excludes.map(Glob.init)
  }

  /// Whether a file found while walking is selected.
  public func selects(_ relativePath: String) -> Bool { selects(components: Glob.components(of: relativePath)) }

  private func selects(components: [[UInt8]]) -> Bool {
    if isExcluded(components) { return false }
    return patterns.contains { $0.matches(components: components) }
      || includes.contains { $0.matches(components: components) }
  }

  private func isExcluded(_ components: [[UInt8]]) -> Bool { excludes.contains { $0.matches(components: components) } }

  /// Walks `arguments` and returns the selected files, sorted by path, and the problems met.
  public func walk(_ arguments: [String]) -> (items: [Item], problems: [Problem]) {
    var items: [Item] = []
    var problems: [Problem] = []
    let workingDirectory = FileSystem.currentDirectory()
    for argument in arguments {
      let root = Self.normalize(argument, workingDirectory: workingDirectory)
      switch FileSystem.kind(of: root) {
      case .file:
        let components = root.split(separator: "/")
        let relative = root.hasPrefix("/") || components.contains("..") ? String(components.last ?? "") : root
        if !isExcluded(Glob.components(of: root)) {
          items.append(Item(path: root, relativePath: relative, isExplicit: true))
        }
      case .directory:
        walkDirectory(root, relative: "", components: [], into: &items, problems: &problems)
      case .symbolicLink:
        problems.append(
          Problem(path: root, message: "is a symbolic link; skipped (links are not followed)", isError: false))
      case .missing:
        problems.append(Problem(path: root, message: "no such file or folder", isError: true))
      case .other:
        problems.append(Problem(path: root, message: "not a regular file or folder; skipped", isError: false))
      }
    }
    var seen = Set<String>()
    items = items.filter { seen.insert($0.path).inserted }
    items = items.map { (Array($0.path.utf8), $0) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }.map(\.1)
    return (items, problems)
  }

  /// The path as shown: `./` and repeated or trailing slashes dropped, and relative to the
  /// working directory when it is an absolute path below it.
  static func normalize(_ argument: String, workingDirectory: String?) -> String {
    var path = argument
    if let workingDirectory, workingDirectory != "/", path.hasPrefix(workingDirectory + "/") {
      path = String(path.dropFirst(workingDirectory.count + 1))
    }
    let absolute = path.hasPrefix("/")
    let parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
    let joined = parts.joined(separator: "/")
    if absolute { return "/" + joined }
    return joined.isEmpty ? "." : joined
  }

  private func walkDirectory(
    _ directory: String, relative: String, components: [[UInt8]], into items: inout [Item], problems: inout [Problem]
  ) {
    let entries: [(name: String, kind: FileSystem.Kind)]
    do {
      entries = try FileSystem.entries(of: directory)
    } catch {
      problems.append(Problem(path: directory, message: error.reason, isError: true))
      return
    }
    for entry in entries {
      let path = directory == "." ? entry.name : directory + "/" + entry.name
      let relativePath = relative.isEmpty ? entry.name : relative + "/" + entry.name
      let entryComponents = components + [Array(entry.name.utf8)]
      switch entry.kind {
      case .directory:
        if Self.skippedFolders.contains(entry.name) || isExcluded(entryComponents) { continue }
        walkDirectory(path, relative: relativePath, components: entryComponents, into: &items, problems: &problems)
      case .file:
        if selects(components: entryComponents) { items.append(Item(path: path, relativePath: relativePath)) }
      case .symbolicLink, .other, .missing:
        continue
      }
    }
  }
}
