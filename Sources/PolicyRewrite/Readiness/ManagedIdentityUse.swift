import PolicyDOM

/// The `<authentication-managed-identity>` elements of a policy file and the backends it sets:
/// what tells, after the switch, which audience each Function App is called with.
///
/// A byte search, not a parse: it reads the policy as written in XML, in a Terraform heredoc
/// or in a JSON or Bicep string (escaped quotes are read as quotes).
public struct ManagedIdentityUse: Sendable, Hashable {
  /// One `<authentication-managed-identity>`.
  public struct Element: Sendable, Hashable {
    /// Its `resource`.
    public var resource: String
    /// Its `client-id` (a user-assigned identity), when given.
    public var clientID: String?
    /// Its 1-based line.
    public var line: Int

    /// Creates an element.
    public init(resource: String, clientID: String?, line: Int) {
      self.resource = resource
      self.clientID = clientID
      self.line = line
    }
  }

  /// The elements, in file order.
  public var elements: [Element] = []
  /// The backends the file sets (`set-backend-service` `base-url` or `backend-id`, `set-url`).
  public var targets: [BackendTarget] = []

  /// Creates an empty use.
  public init() {}

  /// Scans a policy file; empty when it holds no `<authentication-managed-identity`.
  public static func scan(_ bytes: [UInt8]) -> ManagedIdentityUse {
    var use = ManagedIdentityUse()
    guard bytes.containsLiteral("authentication-managed-identity") else { return use }
    let lines = LineMap(bytes)
    var from = 0
    while let start = bytes.firstOffset(of: "<authentication-managed-identity", from: from) {
      let end = bytes[start...].firstIndex(of: .greaterThan) ?? bytes.count
      let tag = Array(bytes[start..<end])
      if let resource = attribute("resource", in: tag) {
        use.elements.append(
          Element(resource: resource, clientID: attribute("client-id", in: tag), line: lines.location(of: start).line))
      }
      from = end
    }
    from = 0
    while let start = bytes.firstOffset(of: "<set-backend-service", from: from) {
      let end = bytes[start...].firstIndex(of: .greaterThan) ?? bytes.count
      let tag = Array(bytes[start..<end])
      if let url = attribute("base-url", in: tag) {
        use.targets.append(.url(url))
      } else if let id = attribute("backend-id", in: tag) {
        use.targets.append(.backendID(id))
      }
      from = end
    }
    from = 0
    while let start = bytes.firstOffset(of: "<set-url>", from: from) {
      let contentStart = start + "<set-url>".utf8.count
      let end = bytes.firstOffset(of: "</set-url>", from: contentStart) ?? bytes.count
      let url = String(decoding: bytes[contentStart..<end], as: UTF8.self).trimmingXMLSpace
      if !url.isEmpty, !url.hasPrefix("@") { use.targets.append(.url(url)) }
      from = end
    }
    return use
  }

  /// The value of `name="…"` (or `name='…'`, or `name=\"…\"` in an escaped string) in a tag.
  private static func attribute(_ name: String, in tag: [UInt8]) -> String? {
    let needle = Array(" \(name)=".utf8)
    var index = 0
    while index + needle.count <= tag.count {
      if tag[index..<(index + needle.count)].elementsEqual(needle)
        || (tag[index].isXMLSpace
          && tag[(index + 1)..<(index + needle.count)].elementsEqual(needle.dropFirst()))
      {
        var position = index + needle.count
        if position < tag.count, tag[position] == .backslash { position += 1 }
        guard position < tag.count, tag[position] == .doubleQuote || tag[position] == .singleQuote else { return nil }
        let quote = tag[position]
        let valueStart = position + 1
        var end = valueStart
        while end < tag.count, tag[end] != quote { end += 1 }
        var value = Array(tag[valueStart..<end])
        if value.last == .backslash { value.removeLast() }
        return String(decoding: value, as: UTF8.self)
      }
      index += 1
    }
    return nil
  }
}
