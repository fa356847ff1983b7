import FoundationEssentials
import PolicyDOM

/// Which resource (audience) each key injection gets.
///
/// Per injection, in this order: the entry for the named value that the injection's
/// `<value>` references, then the most specific path glob that matches the file, then the
/// default. Read from JSON:
///
/// ```json
/// {"default": "11111111-2222-3333-4444-555555555555",
///  "byNamedValue": {"orders-func-key": "api://orders"},
///  "byPath": {"apis/orders/**": "{{orders-audience}}"}}
/// ```
public struct ResourceMap: Sendable, Hashable {
  /// The resource for injections that no other entry matches.
  public var defaultResource: Resource?
  /// Resources by the display name of the named value that holds the key.
  public var byNamedValue: [String: Resource]
  /// Resources by file path glob; the most specific matching glob wins.
  public var byPath: [(glob: Glob, resource: Resource)] {
    didSet { byPath.sort { ($0.glob.specificity, $1.glob.pattern) > ($1.glob.specificity, $0.glob.pattern) } }
  }

  /// Creates a map.
  public init(
    defaultResource: Resource? = nil, byNamedValue: [String: Resource] = [:],
    byPath: [(glob: Glob, resource: Resource)] = []
  ) {
    self.defaultResource = defaultResource
    self.byNamedValue = byNamedValue
    self.byPath = byPath.sorted { ($0.glob.specificity, $1.glob.pattern) > ($1.glob.specificity, $0.glob.pattern) }
  }

  /// Why a resource map could not be read.
  public struct InvalidMap: Error, Sendable, CustomStringConvertible {
    /// What is wrong, for people.
    public var description: String

    /// Creates an error with its description.
    public init(description: String) {
      self.description = description
    }
  }

  /// Reads a map from its JSON form.
  /// - Throws: ``InvalidMap`` for malformed JSON, unknown keys or an invalid resource.
  public init(json: [UInt8]) throws(InvalidMap) {
    struct Document: Decodable {
      var `default`: String?
      var byNamedValue: [String: String]?
      var byPath: [String: String]?

      enum CodingKeys: String, CodingKey, CaseIterable {
        case `default`, byNamedValue, byPath
      }

      struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
      }

      struct UnknownKey: Error, CustomStringConvertible {
        var key: String
        var description: String { "unknown key '\(key)' (expected default, byNamedValue, byPath)" }
      }

      init(from decoder: any Decoder) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = all.allKeys.first(where: { CodingKeys(rawValue: $0.stringValue) == nil }) {
          throw UnknownKey(key: unknown.stringValue)
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.default = try container.decodeIfPresent(String.self, forKey: .default)
        self.byNamedValue = try container.decodeIfPresent([String: String].self, forKey: .byNamedValue)
        self.byPath = try container.decodeIfPresent([String: String].self, forKey: .byPath)
      }
    }
    let document: Document
    do {
      document = try JSONDecoder().decode(Document.self, from: Data(json))
    } catch {
      throw InvalidMap(
        description:
          "resource map is not valid JSON of the form {\"default\": R, \"byNamedValue\": {...}, \"byPath\": {...}}: \(error)"
      )
    }
    do {
      self.init(
        defaultResource: try document.default.map { text throws(Resource.InvalidResource) in
          try Resource(validating: text)
        },
        byNamedValue: try (document.byNamedValue ?? [:]).mapValues { text throws(Resource.InvalidResource) in
          try Resource(validating: text)
        },
        byPath: try (document.byPath ?? [:]).map { entry throws(Resource.InvalidResource) in
          (Glob(entry.key), try Resource(validating: entry.value))
        })
    } catch {
      throw InvalidMap(description: "resource map: \(error)")
    }
  }

  /// Whether the map has no entry at all.
  public var isEmpty: Bool { defaultResource == nil && byNamedValue.isEmpty && byPath.isEmpty }

  /// The resource for a key held by `namedValue` (if known) in the file at `path`.
  public func resource(namedValue: String?, path: String) -> Resource? {
    if let namedValue, let resource = byNamedValue[namedValue] { return resource }
    if let entry = byPath.first(where: { $0.glob.matches(path) }) { return entry.resource }
    return defaultResource
  }

  /// Whether two maps give every injection the same resource.
  public static func == (lhs: ResourceMap, rhs: ResourceMap) -> Bool {
    lhs.defaultResource == rhs.defaultResource && lhs.byNamedValue == rhs.byNamedValue
      && lhs.byPath.map(\.glob) == rhs.byPath.map(\.glob) && lhs.byPath.map(\.resource) == rhs.byPath.map(\.resource)
  }

  /// Hashes the same parts that `==` compares.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(defaultResource)
    hasher.combine(byNamedValue)
    for entry in byPath {
      hasher.combine(entry.glob)
      hasher.combine(entry.resource)
    }
  }
}
