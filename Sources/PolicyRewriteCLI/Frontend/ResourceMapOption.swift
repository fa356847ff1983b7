import PolicyRewrite

/// Reads `--resource-map` and `--resource` into a map, reporting a broken map file at its line
/// and column.
public enum ResourceMapOption {
  /// A map file that could not be read; its message is already written on standard error.
  public struct Failure: Error {}

  /// The map from `--resource-map PATH` and `--resource R`, and the map file's path and bytes.
  /// - Throws: ``Failure`` after writing `PATH:LINE:COL: error: …` on standard error.
  public static func load(path: String?, resource: String?, strict: Bool) throws(Failure)
    -> (ResourceMap, (path: String, bytes: [UInt8])?)
  {
    var map = ResourceMap()
    var file: (path: String, bytes: [UInt8])?
    if let path {
      do {
        let bytes = try ResourceMap.read(path)
        map = try ResourceMap(contentsOf: path, bytes: bytes)
        file = (path, bytes)
      } catch {
        for problem in [error] + error.others {
          // The map's keys are named values from the policies: escaped like every other output.
          StandardError.writeLine(
            "\(Escaping.terminalPath(path)):\(problem.line):\(problem.column): error: \(Escaping.terminal(problem.description))"
          )
        }
        throw Failure()
      }
    }
    if let resource, let value = try? Resource(validating: resource) {
      map.defaultResource = value
      map.defaultIsFromCommandLine = true
    }
    map.requiresMapEntry = strict
    return (map, file)
  }
}
