import PolicyRewrite

extension ResourceMap {
  /// Reads a map from a JSON file.
  /// - Throws: ``InvalidMap`` when the file cannot be read or is not a valid map.
  public init(contentsOf path: String) throws(InvalidMap) {
    let bytes: [UInt8]
    do {
      bytes = try FileSystem.read(path).bytes
    } catch {
      throw InvalidMap(description: "cannot read resource map \(path): \(error.reason)")
    }
    try self.init(json: bytes)
  }
}
