import PolicyDOM
import PolicyRewrite

extension Frontend {
  /// The output folder to write to, checked against the inputs: `..` components are
  /// resolved in the text (so `out/../out2` creates only `out2`), and a folder that is a
  /// symbolic link, or that is or contains an input folder, is refused (the copies would
  /// overwrite the originals, skipping every check of an in-place write).
  /// - Returns: The folder to write to.
  public static func checkOutputDirectory(_ directory: String, inputs: [String]) throws(FileSystemError) -> String {
    var components: [Substring] = []
    for component in directory.split(separator: "/", omittingEmptySubsequences: true) where component != "." {
      if component == "..", let last = components.last, last != ".." {
        components.removeLast()
      } else {
        components.append(component)
      }
    }
    let absolute = directory.hasPrefix("/")
    let normalized = (absolute ? "/" : "") + components.joined(separator: "/")
    let folder = normalized.isEmpty ? "." : normalized
    if FileSystem.kind(of: folder) == .symbolicLink {
      throw FileSystemError(path: folder, reason: "the output folder is a symbolic link; not followed")
    }
    // The physical path of the folder: its deepest existing ancestor resolved, the rest appended.
    var existing = Array(folder.utf8)
    var rest: [[UInt8]] = []
    while FileSystem.resolved(existing) == nil, let slash = existing.lastIndex(of: .slash) {
      rest.insert(Array(existing[(slash + 1)...]), at: 0)
      existing = slash == 0 ? [.slash] : Array(existing[..<slash])
    }
    if FileSystem.resolved(existing) == nil {
      rest.insert(existing, at: 0)
      existing = [.dot]
    }
    guard let base = FileSystem.resolved(existing) else { return folder }
    let physical = rest.reduce(base) { $0 == [.slash] ? $0 + $1 : $0 + [.slash] + $1 }
    for input in inputs {
      let path = Array(input.utf8)
      let inputFolder = FileSystem.kind(of: path) == .directory ? path : Array(FileSystem.parent(of: input).utf8)
      guard let resolvedInput = FileSystem.resolved(inputFolder) else { continue }
      if resolvedInput == physical || resolvedInput.starts(with: physical == [.slash] ? physical : physical + [.slash])
      {
        throw FileSystemError(
          path: folder,
          reason:
            "the output folder is or contains the input \(input); the copies would overwrite the originals (use --write to rewrite in place)"
        )
      }
    }
    return folder
  }

  /// The output folder as it appears below each input folder that holds it, with a final `/`:
  /// the walked paths that start with one of these are earlier copies, not inputs.
  static func outputFolderPrefixes(_ folder: String, inputs: [String]) -> [[UInt8]] {
    guard let physical = FileSystem.resolved(Array(folder.utf8)) else { return [] }
    let workingDirectory = FileSystem.currentDirectory().map(FileSystem.display)
    var prefixes: [[UInt8]] = []
    for input in inputs {
      let root = FileWalker.normalize(input, workingDirectory: workingDirectory)
      guard FileSystem.kind(of: root) == .directory, let resolvedRoot = FileSystem.resolved(Array(root.utf8)) else {
        continue
      }
      let base = resolvedRoot == [.slash] ? resolvedRoot : resolvedRoot + [.slash]
      guard physical.count > base.count, physical.starts(with: base) else { continue }
      let below = Array(physical[base.count...])
      prefixes.append((root == "." ? below : Array(root.utf8) + [.slash] + below) + [.slash])
    }
    return prefixes
  }
}
