import FoundationEssentials
import PolicyDOM

/// What an APIOps product's `products/<p>/apis.json` says (`rewrite-spec.md` §2c): a list of
/// API names, or of objects with a `name`. One reading for the policy graph, the frontend's
/// folder-based pass and the run's own report of the file.
package enum ProductAPIsJSON: Equatable, Sendable {
  /// The API names it lists, as written.
  case names([String])
  /// Well-formed JSON of another shape (an object, a list of numbers): what it lists is not
  /// known.
  case otherShape
  /// Not JSON: the line and column of the first syntax error.
  case malformed(line: Int, column: Int)

  /// Reads `bytes`.
  package init(_ bytes: [UInt8]) {
    if let (line, column) = Self.syntaxError(in: bytes) {
      self = .malformed(line: line, column: column)
      return
    }
    struct Named: Decodable { var name: String }
    let data = Data(bytes)
    if let names = try? JSONDecoder().decode([String].self, from: data) {
      self = .names(names)
    } else if let named = try? JSONDecoder().decode([Named].self, from: data) {
      self = .names(named.map(\.name))
    } else {
      self = .otherShape
    }
  }

  /// Whether `path` is a product's `apis.json` in an APIOps tree: `…/products/<p>/apis.json`.
  package static func isProductAPIs(path: String) -> Bool {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    return parts.count >= 3 && parts[parts.count - 1] == "apis.json" && parts[parts.count - 3] == "products"
  }

  /// The line and column of the first JSON syntax error of `bytes` (a UTF-8 byte order mark
  /// may start them), or `nil` when they are one JSON value.
  package static func syntaxError(in bytes: [UInt8]) -> (line: Int, column: Int)? {
    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    let start = bytes.starts(with: bom) ? bom.count : 0
    guard let offset = JSONSyntax.firstError(in: start == 0 ? bytes : Array(bytes[start...])) else { return nil }
    return JSONSyntax.location(of: start + offset, in: bytes)
  }

  /// The message of a `parse-error` on a malformed file.
  static let parseErrorMessage =
    "malformed JSON: the product's apis.json is not a list of API names that parses, so which APIs the product holds is not known (migrate leaves the keys of the policies in its tree in place); fix it and run again"
}
