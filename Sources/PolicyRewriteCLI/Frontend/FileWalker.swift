import PolicyDOM
import PolicyRewrite

/// Finds the policy files under the paths given on the command line.
///
/// Folders are walked recursively; `.git`, `.terraform`, `node_modules` and `.build` are
/// skipped, and symbolic links are never followed. A file is selected when its name matches
/// a default pattern or an `--include` glob, and no `--exclude` glob; files named on the
/// command line are always taken unless excluded. The result is sorted by path.
///
/// `--include` and `--exclude` globs are matched as typed from the current folder (globs of
/// `.policy-rewrite.json` from its folder): a file matches when the glob matches its path from
/// there, or its path below the folder named on the command line. A glob without a leading `/`
/// may match at any folder boundary, as in `.gitignore`.
public struct FileWalker: Sendable {
  /// A file to process.
  ///
  /// Paths are the bytes the kernel has: they are compared, de-duplicated and sorted as
  /// bytes, so names that differ only in Unicode normalisation, or that are not UTF-8, are
  /// each a file of their own.
  public struct Item: Sendable, Hashable {
    /// The path: the argument joined with the path below it.
    public var path: [UInt8]
    /// Where ``relativePath`` starts in ``path``: a tree's items keep one copy of their path.
    private var relativeStart: Int
    /// Whether the file was named on the command line (not found in a folder).
    public var isExplicit = false

    /// An item whose `relativePath` ends `path`.
    init(path: [UInt8], relativePath: [UInt8], isExplicit: Bool = false) {
      precondition(path.count >= relativePath.count && path.suffix(relativePath.count).elementsEqual(relativePath))
      self.path = path
      relativeStart = path.count - relativePath.count
      self.isExplicit = isExplicit
    }

    /// The path relative to the argument it was found under (the file name for a file argument).
    public var relativePath: [UInt8] { Array(path[relativeStart...]) }

    fileprivate init(path: [UInt8], relativeStart: Int) {
      self.path = path
      self.relativeStart = relativeStart
    }

    /// The path as shown to the user (see ``FileSystem/display(_:)``).
    public var displayPath: String { FileSystem.display(path) }
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
  /// Terraform variable files and Bicep parameter files, which can hold a policy string, and
  /// plain `.tpl` templates are read too (a `.tpl` without policy markup is skipped by a byte
  /// search). A default pattern matches a name in any ASCII case (`Policy.XML`, `main.Bicep`).
  /// Each format's description lists its globs (`SourceFormatCatalog`).
  public static let defaultPatterns = SourceFormatCatalog.defaultGlobs
  /// Folders never entered.
  public static let skippedFolders: Set<String> = [".git", ".terraform", "node_modules", ".build"]
  private static let skippedFolderNames = skippedFolders.map { Array($0.utf8) }

  /// A glob and the path from the folder it is written from to the current folder.
  private struct Anchored: Sendable {
    var glob: Glob
    var prefix: [[UInt8]]
  }

  private let patterns: [Glob]
  private let includes: [Anchored]
  private let excludes: [Anchored]

  /// Creates a walker.
  /// - Parameters:
  ///   - includes: Globs that add files to the default selection.
  ///   - excludes: Globs that remove files and folders.
  ///   - patterns: The default selection.
  ///   - includeBase: The current folder's path from the folder the `includes` are written
  ///     from (empty: the current folder; `.policy-rewrite.json` globs are written from its folder).
  ///   - excludeBase: The same for `excludes`.
  public init(
    includes: [String] = [], excludes: [String] = [], patterns: [String] = FileWalker.defaultPatterns,
    includeBase: String = "", excludeBase: String = ""
  ) {
    self.patterns = patterns.map(Glob.init)
    self.includes = includes.map { Anchored(glob: Glob($0), prefix: Glob.components(of: includeBase)) }
    self.excludes = excludes.map { Anchored(glob: Glob($0), prefix: Glob.components(of: excludeBase)) }
  }

  /// Whether a file found while walking is selected.
  public func selects(_ relativePath: String) -> Bool {
    selects(components: Glob.components(of: relativePath), base: nil)
  }

  /// Whether a name with upper-case ASCII letters matches a default pattern once lowered
  /// (only names that matched nothing as they are are lowered).
  private func selectsInAnyCase(_ components: [[UInt8]]) -> Bool {
    guard let name = components.last, name.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return false }
    var lowered = components
    lowered[lowered.count - 1] = name.map(\.asciiLowercased)
    return patterns.contains { $0.matches(components: lowered) }
  }

  /// - Parameter base: The components of the walked argument from the current folder, `nil`
  ///   when it is not below the current folder.
  private func selects(components: [[UInt8]], base: [[UInt8]]?) -> Bool {
    if isExcluded(components, base: base) { return false }
    return patterns.contains { $0.matches(components: components) }
      || Self.matches(includes, components, base: base) || selectsInAnyCase(components)
  }

  private func isExcluded(_ components: [[UInt8]], base: [[UInt8]]?) -> Bool {
    Self.matches(excludes, components, base: base)
  }

  /// Whether a glob matches the path below the argument, or the path from its own folder.
  private static func matches(_ globs: [Anchored], _ components: [[UInt8]], base: [[UInt8]]?) -> Bool {
    globs.contains { anchored in
      if anchored.glob.matches(components: components) { return true }
      guard let base, !(base.isEmpty && anchored.prefix.isEmpty) else { return false }
      return anchored.glob.matches(components: anchored.prefix + base + components)
    }
  }

  /// The components of a normalized argument from the current folder, or `nil` when it is
  /// not below it.
  private static func base(of root: String) -> [[UInt8]]? {
    let components = Glob.components(of: root)
    if root.hasPrefix("/") || components.contains(Array("..".utf8)) { return nil }
    return components
  }

  /// Walks `arguments` and returns the selected files, sorted by path, and the problems met.
  /// - Parameters:
  ///   - arguments: Files and folders, as given on the command line.
  ///   - jobs: How many threads share the folders of a large tree.
  public func walk(_ arguments: [String], jobs: Int = 1) -> (items: [Item], problems: [Problem]) {
    var items: [Item] = []
    var problems: [Problem] = []
    let workingDirectory = FileSystem.currentDirectory().map(FileSystem.display)
    for argument in arguments {
      let root = Self.normalize(argument, workingDirectory: workingDirectory)
      let rootBytes = Array(root.utf8)
      switch FileSystem.kind(of: rootBytes) {
      case .file:
        let components = root.split(separator: "/")
        let relative = root.hasPrefix("/") || components.contains("..") ? String(components.last ?? "") : root
        let excluded =
          isExcluded(Glob.components(of: root), base: nil)
          || Self.base(of: root).map { Self.matches(excludes, [], base: $0) } ?? false
        if !excluded {
          items.append(Item(path: rootBytes, relativePath: Array(relative.utf8), isExplicit: true))
        }
      case .directory:
        var met: [Problem] = []
        walkTree(rootBytes, base: Self.base(of: root), jobs: jobs, into: &items, problems: &met)
        // In the order one thread walking depth first meets them, whatever the threads.
        problems += met.sorted {
          Glob.components(of: $0.path).lexicographicallyPrecedes(Glob.components(of: $1.path)) {
            $0.lexicographicallyPrecedes($1)
          }
        }
      case .symbolicLink:
        // Named on the command line, a link is refused rather than skipped: a `check` that
        // read nothing must not pass.
        problems.append(
          Problem(
            path: root, message: "is a symbolic link; not followed (name the file or folder it points to)",
            isError: true))
      case .missing:
        problems.append(Problem(path: root, message: FileSystem.missingReason(rootBytes), isError: true))
      case .other:
        problems.append(Problem(path: root, message: "not a regular file or folder; skipped", isError: false))
      }
    }
    items.sort { FileSystem.precedes($0.path, $1.path) }
    var unique: [Item] = []
    for item in items where unique.last?.path != item.path { unique.append(item) }
    return (unique, problems)
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

  /// A folder still to walk: its path, its path below the argument and its components.
  private struct Folder: Sendable {
    var path: [UInt8]
    var relative: [UInt8]
    var components: [[UInt8]]
    /// The argument's components from the current folder (see ``FileWalker/base(of:)``).
    var base: [[UInt8]]?
    /// The open folder that lists this one, which opens it by its name; `nil`: opened by path.
    var parent: FileSystem.Directory? = nil
  }

  /// How deep a walk keeps its folders open, to open each subfolder by name: below that depth
  /// a folder is opened by its path and closed before its subfolders are walked, so that a
  /// deep tree costs at most this many descriptors a thread (64 threads stay well inside the
  /// usual limit of 1,024). Policy trees are rarely deeper (APIOps: `apis/A/operations/O`).
  static let openFolderDepth = 8

  /// Opens and lists `folder`; returns the open folder too when its subfolders are to be
  /// opened from it (see ``openFolderDepth``).
  private static func list(
    _ folder: Folder
  ) throws(FileSystemError) -> (entries: [(name: [UInt8], kind: FileSystem.Kind)], open: FileSystem.Directory?) {
    let directory: FileSystem.Directory
    if let parent = folder.parent, let name = folder.components.last {
      directory = try parent.subdirectory(name, path: folder.path)
    } else {
      directory = try FileSystem.Directory(path: folder.path)
    }
    return (try directory.entries(), folder.components.count < openFolderDepth ? directory : nil)
  }

  /// Walks the folder `root` and everything below it. With more than one job, folders are
  /// listed level by level until there are enough to share, and each is then walked whole on
  /// one thread; the results are put together in folder order, as one thread would find them.
  private func walkTree(
    _ root: [UInt8], base: [[UInt8]]?, jobs: Int, into items: inout [Item], problems: inout [Problem]
  ) {
    var pending = [Folder(path: root, relative: [], components: [], base: base)]
    while jobs > 1, !pending.isEmpty, pending.count < jobs * 8 {
      var next: [Folder]? = []
      for folder in pending {
        walkDirectory(folder, into: &items, problems: &problems, deferring: &next)
      }
      pending = next ?? []
    }
    let folders = pending
    OrderedParallel.run(
      count: folders.count, jobs: jobs,
      work: { index in
        var found: [Item] = []
        var met: [Problem] = []
        var none: [Folder]?
        self.walkDirectory(folders[index], into: &found, problems: &met, deferring: &none)
        return (found, met)
      },
      consume: { _, result in
        items += result.0
        problems += result.1
      })
  }

  /// Lists `folder`: selected files go to `items`, subfolders to `deferred` when it is given,
  /// otherwise they are walked at once.
  private func walkDirectory(
    _ folder: Folder, into items: inout [Item], problems: inout [Problem], deferring deferred: inout [Folder]?
  ) {
    let (directory, relative, components) = (folder.path, folder.relative, folder.components)
    let entries: [(name: [UInt8], kind: FileSystem.Kind)]
    let open: FileSystem.Directory?
    do {
      (entries, open) = try Self.list(folder)
    } catch {
      problems.append(Problem(path: FileSystem.display(directory), message: error.reason, isError: true))
      return
    }
    // One components array for the whole folder, its last element set to each entry in turn.
    var entryComponents = components
    entryComponents.append([])
    let last = entryComponents.count - 1
    let inWorkingDirectory = directory == [.dot]
    for entry in entries {
      entryComponents[last] = entry.name
      switch entry.kind {
      case .directory:
        if Self.skippedFolderNames.contains(entry.name) || isExcluded(entryComponents, base: folder.base) { continue }
        let subfolder = Folder(
          path: inWorkingDirectory ? entry.name : Self.joined(directory, entry.name),
          relative: relative.isEmpty ? entry.name : Self.joined(relative, entry.name), components: entryComponents,
          base: folder.base, parent: open)
        if deferred != nil {
          deferred?.append(subfolder)
        } else {
          walkDirectory(subfolder, into: &items, problems: &problems, deferring: &deferred)
        }
      case .file:
        guard selects(components: entryComponents, base: folder.base) else { continue }
        let path = inWorkingDirectory ? entry.name : Self.joined(directory, entry.name)
        items.append(
          Item(path: path, relativeStart: path.count - relative.count - entry.name.count - (relative.isEmpty ? 0 : 1)))
      case .symbolicLink, .other, .missing:
        continue
      }
    }
  }

  /// `folder/name`, in one allocation.
  private static func joined(_ folder: [UInt8], _ name: [UInt8]) -> [UInt8] {
    var path: [UInt8] = []
    path.reserveCapacity(folder.count + 1 + name.count)
    path += folder
    path.append(.slash)
    path += name
    return path
  }
}
