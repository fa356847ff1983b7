import PolicyDOM

/// The APIM scope a policy applies at, which decides what runs before it (a parent scope's
/// policy runs at the child's `<base />`).
public enum PolicyScope: String, Sendable, Hashable, Codable, CaseIterable {
  /// All APIs: the service's global policy.
  case global
  /// A workspace's policy.
  case workspace
  /// A product's policy.
  case product
  /// An API's policy.
  case api
  /// An operation's policy.
  case operation
  /// A policy fragment, run where it is included.
  case fragment
  /// The file does not say.
  case unknown

  /// The scope of a policy document, from its root and its path in an APIOps tree
  /// (`policy.xml` at the root, `products/P/policy.xml`, `apis/A/policy.xml` or `apiPolicy.xml`,
  /// `apis/A/operations/O/policy.xml`, `policy fragments/F/policy.xml`) or its file name.
  /// - Parameters:
  ///   - path: The file's path.
  ///   - isFragment: Whether the document's root is `<fragment>`.
  public static func of(path: String, isFragment: Bool) -> PolicyScope {
    if isFragment { return .fragment }
    // Lowered components as slices of one byte array: an ASCII path (nearly every path) is
    // lowered and split bytewise, without the Unicode work of a String split and
    // `lowercased()`, and without an array a component.
    var bytes = Array(path.utf8)
    let parts: [ArraySlice<UInt8>]
    if bytes.allSatisfy({ $0 < 0x80 }) {
      for i in bytes.indices { bytes[i] = bytes[i].asciiLowercased }
      parts = bytes.split(separator: .slash)
    } else {
      parts = path.split(separator: "/").map { Array($0.lowercased().utf8)[...] }
    }
    let name = parts.last ?? []
    let folders = parts.dropLast()
    // Compared with static literals (a closure over a String's UTF-8 view cost thousands of
    // instructions a path, and every policy file's path is placed).
    func named(_ part: ArraySlice<UInt8>, _ literal: StaticString) -> Bool {
      part.count == literal.utf8CodeUnitCount && part.hasLiteral(literal, at: 0)
    }
    func contains(_ part: ArraySlice<UInt8>, _ literal: StaticString) -> Bool {
      (0...max(0, part.count - literal.utf8CodeUnitCount)).contains { part.hasLiteral(literal, at: $0) }
    }
    if folders.contains(where: {
      named($0, "policy fragments") || named($0, "policyfragments") || named($0, "fragments")
    }) {
      return .fragment
    }
    if let apis = folders.lastIndex(where: { named($0, "apis") }) {
      return folders[apis...].contains(where: { named($0, "operations") }) ? .operation : .api
    }
    if folders.contains(where: { named($0, "products") }) { return .product }
    if contains(name, "operation") { return .operation }
    if name.hasLiteral("api", at: 0) { return .api }
    if contains(name, "product") { return .product }
    if contains(name, "global")
      || (named(name, "policy.xml")
        && folders.last.map { isArtifactsFolder(String(decoding: $0, as: UTF8.self)) } ?? true)
    {
      return .global
    }
    return .unknown
  }

  /// The scope of a Terraform policy resource type, such as `azurerm_api_management_api_policy`.
  public static func of(terraformResourceType type: String) -> PolicyScope {
    switch type {
    case "azurerm_api_management_policy": .global
    case "azurerm_api_management_product_policy": .product
    case "azurerm_api_management_api_policy": .api
    case "azurerm_api_management_api_operation_policy": .operation
    case "azurerm_api_management_policy_fragment": .fragment
    default: .unknown
    }
  }

  /// The type of the Terraform `resource "TYPE" "NAME"` block that encloses `offset`, found by
  /// looking back for the nearest `resource "` declaration.
  package static func terraformResourceType(enclosing offset: Int, in source: [UInt8]) -> String? {
    let marker = Array("resource \"".utf8)
    var i = min(offset, source.count) - marker.count
    while i >= 0 {
      if source[i] == marker[0], source[i..<(i + marker.count)].elementsEqual(marker),
        i == 0 || source[i - 1] == .lineFeed || source[i - 1].isBlank
      {
        let start = i + marker.count
        guard let end = source[start...].firstIndex(of: .doubleQuote) else { return nil }
        return String(decoding: source[start..<end], as: UTF8.self)
      }
      i -= 1
    }
    return nil
  }

  /// The scope of an ARM or Bicep resource type, such as
  /// `Microsoft.ApiManagement/service/apis/policies`.
  public static func of(armResourceType type: String) -> PolicyScope {
    let lowered = type.lowercased()
    if lowered.hasSuffix("/policyfragments") { return .fragment }
    if lowered.hasSuffix("/operations/policies") { return .operation }
    if lowered.hasSuffix("/apis/policies") { return .api }
    if lowered.hasSuffix("/products/policies") { return .product }
    if lowered.hasSuffix("microsoft.apimanagement/service/policies") { return .global }
    return .unknown
  }

  /// The nearest `Microsoft.ApiManagement/…` resource type written before `offset` (an ARM
  /// `"type"` or a Bicep `resource … 'TYPE@version'`), without its API version.
  package static func armResourceType(before offset: Int, in source: [UInt8]) -> String? {
    let marker = Array("Microsoft.ApiManagement/".utf8)
    var i = min(offset, source.count) - marker.count
    while i >= 0 {
      if source[i] == marker[0], source[i..<(i + marker.count)].elementsEqual(marker) {
        var end = i
        while end < source.count, ![UInt8(ascii: "@"), .singleQuote, .doubleQuote].contains(source[end]),
          !source[end].isXMLSpace
        {
          end += 1
        }
        return String(decoding: source[i..<end], as: UTF8.self)
      }
      i -= 1
    }
    return nil
  }

  /// Whether a folder of this (lowered) name holds APIM artifacts, so that its `policy.xml` is
  /// the global policy.
  package static func isArtifactsFolder(_ name: String) -> Bool {
    name.contains("artifact") || name == "policies" || name == "apim"
  }
}
