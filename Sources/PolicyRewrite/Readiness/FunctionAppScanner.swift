import FoundationEssentials
import PolicyDOM

/// Finds Function Apps, APIM instances, APIM backends and service principal lookups in
/// Terraform, Bicep and ARM files:
///
/// - Terraform: the pagopa-dx `azure-function-app` module (by its `source`) and its
///   `entra_id_authentication`; `azurerm_linux_function_app`, `azurerm_windows_function_app`
///   and `azurerm_function_app_flex_consumption` with `auth_settings_v2`; `azurerm_api_management`
///   and its `identity`; `azurerm_api_management_backend`; `data "azuread_service_principal"`.
/// - Bicep and ARM: `Microsoft.Web/sites` of a `functionapp` kind, `Microsoft.Web/sites/config`
///   `authsettingsV2`, `Microsoft.ApiManagement/service` and its `identity`, and backends.
public enum FunctionAppScanner {
  /// Whether the file may declare something of interest: a cheap byte search.
  public static func mayDeclare(_ source: [UInt8], path: String) -> Bool {
    reading(path)?.mayDeclare(source) ?? false
  }

  /// The declarations of one file.
  public static func declarations(in source: [UInt8], path: String) -> ReadinessDeclarations {
    reading(path)?.read(source, path) ?? ReadinessDeclarations()
  }

  /// How the file at `path` declares Function Apps: its format's description says.
  private static func reading(_ path: String) -> SourceFormatDescription.FunctionApps? {
    SourceFormatCatalog.description(of: SourceFormat(path: path)).functionApps
  }

  // MARK: Terraform

  private static let terraformAppTypes: Set<String> = [
    "azurerm_linux_function_app", "azurerm_windows_function_app", "azurerm_function_app_flex_consumption",
    "azurerm_function_app",
  ]

  static func terraform(_ source: [UInt8], path: String) -> ReadinessDeclarations {
    let lines = LineMap(source)
    func line(_ offset: Int) -> Int { lines.location(of: offset).line }
    func written(_ expression: HCLSyntax.Expression) -> String {
      switch expression.kind {
      case .string(let parts):
        return parts.map { part in
          switch part {
          case .text(let text): text
          case .interpolation(let code): "${\(code)}"
          case .directive(let code): "%{\(code)}"
          }
        }.joined()
      case .literal(let value): return value
      default:
        // An expression is written as an interpolation, as it would be in a string.
        return "${" + String(decoding: source[expression.range], as: UTF8.self).trimmingXMLSpace + "}"
      }
    }
    func list(_ expression: HCLSyntax.Expression?) -> [String] {
      guard let expression else { return [] }
      if case .tuple(let elements) = expression.kind { return elements.map(written) }
      if case .literal("null") = expression.kind { return [] }
      return [written(expression)]
    }
    /// A Function App resource's `settings` block (`auth_settings_v2` or `auth_settings`): Entra
    /// ID is configured when its `directory` block is there and its `flag` is true.
    func authentication(
      _ block: HCLSyntax.Block, _ settings: String, _ directory: String, _ flag: String, _ callers: String?
    ) -> FunctionApp.EntraIDAuthentication? {
      guard let settings = block.body.blocks.first(where: { $0.type == settings }) else { return nil }
      let directory = settings.body.blocks.first { $0.type == directory }
      let on = settings.body.attribute(flag).map { written($0.value) == "true" } ?? false
      return FunctionApp.EntraIDAuthentication(
        configured: directory != nil && on,
        audiences: list(directory?.body.attribute("client_id")?.value)
          + list(directory?.body.attribute("allowed_audiences")?.value),
        allowedCallers: callers.map { list(directory?.body.attribute($0)?.value) } ?? [],
        line: line(settings.range.lowerBound))
    }
    var result = ReadinessDeclarations()
    for block in HCLParser.parse(source).body.blocks {
      switch (block.type, block.labels.count) {
      case ("module", 1):
        guard let source = block.body.attribute("source")?.value.literalString, source.contains("azure-function-app")
        else { continue }
        let address = "module.\(block.labels[0])"
        var entra: FunctionApp.EntraIDAuthentication?
        if let attribute = block.body.attribute("entra_id_authentication"), case .object = attribute.value.kind {
          let value = attribute.value
          entra = FunctionApp.EntraIDAuthentication(
            configured: true, audiences: list(value.member("audience_client_id")),
            allowedCallers: list(value.member("allowed_callers_client_ids")), line: line(attribute.offset))
        }
        let name = block.body.attribute("name")?.value.literalString ?? block.labels[0]
        result.functionApps.append(
          FunctionApp(
            name: name, address: address, path: path, line: line(block.range.lowerBound), hostnames: [],
            entraID: entra))
      case ("resource", 2) where terraformAppTypes.contains(block.labels[0]):
        let address = "\(block.labels[0]).\(block.labels[1])"
        let literalName = block.body.attribute("name")?.value.literalString
        let entra =
          authentication(
            block, "auth_settings_v2", "active_directory_v2", "require_authentication", "allowed_applications")
          ?? authentication(block, "auth_settings", "active_directory", "enabled", nil)
        result.functionApps.append(
          FunctionApp(
            name: literalName ?? block.labels[1], address: address, path: path, line: line(block.range.lowerBound),
            hostnames: literalName.map { ["\($0.lowercased()).azurewebsites.net"] } ?? [], entraID: entra))
      case ("resource", 2) where block.labels[0] == "azurerm_api_management":
        let identity = block.body.blocks.first { $0.type == "identity" }
        result.apimInstances.append(
          APIMInstance(
            name: block.body.attribute("name")?.value.literalString ?? block.labels[1],
            address: "azurerm_api_management.\(block.labels[1])", path: path, line: line(block.range.lowerBound),
            identityType: identity.flatMap { $0.body.attribute("type") }.map { written($0.value) }))
      case ("resource", 2) where block.labels[0] == "azurerm_api_management_backend":
        guard let name = block.body.attribute("name")?.value.literalString,
          let url = block.body.attribute("url")?.value
        else { continue }
        result.backends.append(ReadinessDeclarations.Backend(name: name, url: written(url)))
      case ("data", 2) where block.labels[0] == "azuread_service_principal":
        let lookup = block.body.attributes.map { "\($0.name) = \(written($0.value))" }.joined(separator: "\n")
        result.servicePrincipals.append(
          ReadinessDeclarations.ServicePrincipal(
            address: "data.azuread_service_principal.\(block.labels[1])", lookup: lookup))
      default:
        continue
      }
    }
    return result
  }

  // MARK: Bicep and ARM

  /// One resource of a Bicep file or ARM template.
  private struct Declared {
    var symbol: String?
    var type: String
    var body: IaCValue
    var line: Int
  }

  static func bicep(_ source: [UInt8], path: String) -> ReadinessDeclarations {
    let (resources, values) = BicepReader.read(source)
    let lines = LineMap(source)
    let declared = resources.map {
      Declared(symbol: $0.symbol, type: $0.type, body: $0.body, line: lines.location(of: $0.offset).line)
    }
    return armLike(declared, path: path) { text in
      // A parameter or variable with a string value stands for that value.
      if let value = values[text] { return value }
      return text
    }
  }

  static func arm(_ source: [UInt8], path: String) -> ReadinessDeclarations {
    guard let document = try? JSONDecoder().decode(JSONValue.self, from: Data(source)) else { return .init() }
    let root = document.value
    var parameters: [String: String] = [:]
    if case .object(let members)? = root["parameters"] {
      for member in members { parameters[member.key] = member.value["defaultValue"]?.text }
    }
    var declared: [Declared] = []
    let lines = LineMap(source)
    // Resources are written in order: each name is searched for from the last one found (from
    // the start again when that finds none), so a template is not searched once a resource.
    var cursor = 0
    func collect(_ resources: IaCValue?, parentName: String?, parentType: String?) {
      guard case .array(let elements)? = resources else { return }
      for element in elements {
        guard var type = element["type"]?.text else { continue }
        var body = element
        if let parentType, !type.contains("/") { type = parentType + "/" + type }
        if let parentName, case .object(var members) = body,
          let index = members.firstIndex(where: { $0.key == "name" }), let name = members[index].value.text
        {
          members[index].value = .string(parentName + "/" + name)
          body = .object(members)
        }
        let name = body["name"]?.text ?? ""
        let found =
          JSONSyntax.offset(ofString: name, in: source, from: cursor) ?? JSONSyntax.offset(ofString: name, in: source)
        if let found { cursor = found }
        declared.append(Declared(symbol: nil, type: type, body: body, line: lines.location(of: found ?? 0).line))
        collect(element["resources"], parentName: body["name"]?.text, parentType: type)
      }
    }
    collect(root["resources"], parentName: nil, parentType: nil)
    return armLike(declared, path: path) { text in
      // `[parameters('name')]` stands for the parameter's default value.
      if text.hasPrefix("[parameters('"), text.hasSuffix("')]") {
        let name = String(text.dropFirst("[parameters('".count).dropLast(3))
        return parameters[name] ?? text
      }
      return text
    }
  }

  private static func armLike(
    _ resources: [Declared], path: String, resolve: (String) -> String
  ) -> ReadinessDeclarations {
    var result = ReadinessDeclarations()
    // authsettingsV2 by the site they configure: its symbol (Bicep `parent`) or name.
    var settings: [String: (IaCValue, Int)] = [:]
    for resource in resources where resource.type.lowercased() == "microsoft.web/sites/config" {
      let name = resolve(resource.body["name"]?.text ?? "")
      if let parent = resource.body["parent"]?.text, name.lowercased() == "authsettingsv2" {
        settings[parent] = (resource.body, resource.line)
      } else if name.lowercased().hasSuffix("/authsettingsv2") {
        let site = String(name.dropLast("/authsettingsV2".count))
        settings[resolve(site)] = (resource.body, resource.line)
      }
    }
    for resource in resources {
      // A Bicep name written as an expression is known only when it is a parameter or
      // variable with a string value.
      let name: String? =
        switch resource.body["name"] {
        case .string(let text)?: resolve(text)
        case .other(let text)?: resolve(text) == text ? nil : resolve(text)
        default: nil
        }
      let literal = name.flatMap { $0.contains("${") || $0.hasPrefix("[") ? nil : $0 }
      let address = resource.symbol ?? literal ?? name ?? resource.type
      switch resource.type.lowercased() {
      case "microsoft.web/sites":
        guard resource.body["kind"]?.text?.lowercased().contains("functionapp") == true else { continue }
        var entra: FunctionApp.EntraIDAuthentication?
        let config =
          resource.symbol.flatMap { settings[$0] } ?? literal.flatMap { settings[$0] }
        if let (body, line) = config {
          let properties = body["properties"]
          let directory = properties?["identityProviders.azureActiveDirectory"]
          let enabled = directory.map { $0["enabled"]?.text?.lowercased() != "false" } ?? false
          let required = properties?["globalValidation.requireAuthentication"]?.isTrue ?? false
          entra = FunctionApp.EntraIDAuthentication(
            configured: enabled && required,
            audiences: expressions(directory?["registration.clientId"])
              + expressions(directory?["validation.allowedAudiences"]),
            allowedCallers: expressions(directory?["validation.defaultAuthorizationPolicy.allowedApplications"]),
            line: line)
        }
        result.functionApps.append(
          FunctionApp(
            name: literal ?? address, address: address, path: path, line: resource.line,
            hostnames: literal.map { ["\($0.lowercased()).azurewebsites.net"] } ?? [], entraID: entra))
      case "microsoft.apimanagement/service":
        result.apimInstances.append(
          APIMInstance(
            name: literal ?? address, address: address, path: path, line: resource.line,
            identityType: resource.body["identity.type"]?.text))
      case "microsoft.apimanagement/service/backends":
        guard let url = resource.body["properties.url"]?.text else { continue }
        let backendName = (literal ?? address).split(separator: "/").last.map(String.init) ?? address
        result.backends.append(ReadinessDeclarations.Backend(name: backendName, url: url))
      default:
        continue
      }
    }
    return result
  }

  /// The strings of a value or array, an expression written as an interpolation.
  private static func expressions(_ value: IaCValue?) -> [String] {
    switch value {
    case .array(let elements)?: elements.flatMap { expressions($0) }
    case .string(let text)?: [text]
    case .other(let text)?: ["${\(text)}"]
    default: []
    }
  }

  /// Any JSON value, read into an ``IaCValue``.
  private struct JSONValue: Decodable {
    var value: IaCValue

    private struct Key: CodingKey {
      var stringValue: String
      var intValue: Int? { nil }
      init(stringValue: String) { self.stringValue = stringValue }
      init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
      if let keyed = try? decoder.container(keyedBy: Key.self) {
        value = .object(
          try keyed.allKeys.map {
            IaCValue.Member(key: $0.stringValue, value: try keyed.decode(JSONValue.self, forKey: $0).value)
          })
        return
      }
      if var unkeyed = try? decoder.unkeyedContainer() {
        var elements: [IaCValue] = []
        while !unkeyed.isAtEnd { elements.append(try unkeyed.decode(JSONValue.self).value) }
        value = .array(elements)
        return
      }
      let single = try decoder.singleValueContainer()
      if let text = try? single.decode(String.self) {
        value = .string(text)
      } else if let flag = try? single.decode(Bool.self) {
        value = .other(flag ? "true" : "false")
      } else if let number = try? single.decode(Double.self) {
        value = .other(String(number))
      } else {
        value = .other("null")
      }
    }
  }
}
