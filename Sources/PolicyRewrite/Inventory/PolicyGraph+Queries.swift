extension PolicyGraph {
  /// The products that hold `api` (names compared without regard to case).
  public func products(of api: String) -> [String] {
    let key = Self.nameKey(api)
    return productAPIs.filter { $0.value.contains { Self.nameKey($0) == key } }.map(\.key).sorted()
  }

  /// Whether a file may add to the graph, by its name (XML policies, Terraform, Bicep, ARM
  /// JSON and APIOps `apis.json`).
  public static func mayContribute(path: String) -> Bool {
    switch SourceFormat(path: path) {
    case .policy, .terraform, .bicep, .templateJSON: true
    default: false
    }
  }
}
