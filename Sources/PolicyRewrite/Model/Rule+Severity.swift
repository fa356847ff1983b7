import PolicyDOM

extension Rule {
  /// The severity this rule's findings usually have.
  public var defaultSeverity: Severity {
    switch self {
    case .keyInjection, .literalKey, .managedIdentityConflict, .conflictingResources, .unresolvedResource,
      .parseError, .ioError, .verificationFailed, .keyVariable, .unsupportedFileType, .strictMap:
      .error
    case .fragmentInboundOnly, .skippedPath, .authorizationTokenReplaced, .notAPolicy, .authorizationPossibleReader,
      .workspaceScope:
      .note
    default:
      .warning
    }
  }
}
