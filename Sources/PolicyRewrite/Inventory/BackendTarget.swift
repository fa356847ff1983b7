/// Where a policy sends the request that carries a key: an APIM backend entity or a URL.
public enum BackendTarget: Sendable, Hashable, CustomStringConvertible {
  /// `set-backend-service backend-id="NAME"`.
  case backendID(String)
  /// `set-backend-service base-url="…"` or a `send-request`'s `set-url`, as written.
  case url(String)

  /// `backend NAME` or the URL.
  public var description: String {
    switch self {
    case .backendID(let name): "backend \(name)"
    case .url(let url): url
    }
  }

  /// The host of a URL target (`orders-func.azurewebsites.net`), or `nil` for a backend id or a
  /// URL whose host is an expression or a placeholder.
  public var host: String? {
    guard case .url(let url) = self else { return nil }
    let parts = url.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2 else { return nil }
    let rest = parts[1]
    let host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" }
    guard !host.isEmpty, !host.contains("{"), !host.contains("@"), !host.contains("$") else { return nil }
    return String(host)
  }
}
