import PolicyRewrite

extension ResourceMap {
  /// Reads a map from a JSON file; its `byPath` globs are relative to the file's folder.
  /// - Throws: ``InvalidMap`` when the file cannot be read or is not a valid map.
  public init(contentsOf path: String) throws(InvalidMap) {
    try self.init(contentsOf: path, bytes: try Self.read(path))
  }

  /// Reads a map from the bytes of the file at `path`; its `byPath` globs are relative to the
  /// file's folder.
  /// - Throws: ``InvalidMap`` when the bytes are not a valid map.
  public init(contentsOf path: String, bytes: [UInt8]) throws(InvalidMap) {
    try self.init(json: bytes)
    // A map read through a pipe (`<(…)`, `/dev/stdin`) has no folder of its own: its globs
    // are relative to the current folder.
    let piped = path.hasPrefix("/dev/") || path.hasPrefix("/proc/")
    baseDirectory = piped ? FileSystem.absolutePath(".") : FileSystem.parent(of: FileSystem.absolutePath(path))
  }

  /// The bytes of the map file at `path`.
  /// - Throws: ``InvalidMap`` when it cannot be read.
  public static func read(_ path: String) throws(InvalidMap) -> [UInt8] {
    do {
      return try FileSystem.readOptionFile(path)
    } catch {
      throw InvalidMap(description: "cannot read the resource map: \(error.reason)")
    }
  }
}
