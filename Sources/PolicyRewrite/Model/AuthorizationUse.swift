import PolicyDOM

/// How a policy fragment uses the request's `Authorization` header, so that an
/// `include-fragment` of it counts as what the fragment does (`rewrite-spec.md` §2a).
public struct AuthorizationUse: OptionSet, Sendable, Hashable {
  /// The raw bits.
  public let rawValue: UInt8

  /// Creates a set from its raw bits.
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  /// The fragment reads the header (validates, checks or copies the caller's token).
  public static let reads = AuthorizationUse(rawValue: 1)
  /// The fragment deletes the header.
  public static let removes = AuthorizationUse(rawValue: 2)
  /// The fragment writes the header (basic authentication, a token of its own).
  public static let writes = AuthorizationUse(rawValue: 4)
}
