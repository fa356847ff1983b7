/// How the resource (audience) of one key injection was chosen.
public struct ResourceResolution: Sendable, Hashable {
  /// Where a resource came from, in the order the map is consulted.
  public enum Source: String, Sendable, Hashable, CaseIterable, Codable {
    /// The map's `byNamedValue` entry for the named value that holds the key.
    case namedValue
    /// The map's most specific `byPath` glob that matches the file.
    case path
    /// The map's `default`.
    case `default`
    /// `--resource` on the command line.
    case commandLine
    /// Nothing matched: the injection has no resource.
    case none
  }

  /// The resource, or `nil` when nothing matched.
  public var resource: Resource?
  /// Where it came from.
  public var source: Source
  /// The map entry that gave it: the named value of a `byNamedValue` entry or the pattern of a
  /// `byPath` entry; `nil` for the default, the command line and none.
  public var entry: String?

  /// Creates a resolution.
  public init(resource: Resource?, source: Source, entry: String? = nil) {
    self.resource = resource
    self.source = source
    self.entry = entry
  }

  /// Whether a map entry chose the resource (`byNamedValue` or `byPath`), as `--strict-map` asks.
  public var isFromMapEntry: Bool { source == .namedValue || source == .path }
}
