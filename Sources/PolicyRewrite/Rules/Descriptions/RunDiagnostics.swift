/// The rules about a run rather than a policy: files and paths that could not be read or were
/// skipped, resource maps and suppressions that are wrong or unused.
enum RunDiagnostics {
  /// Their descriptions.
  static let descriptions: [RuleDescription] = [
    RuleDescription(
      diagnostic: .ioError, defaultSeverity: .error, isFailure: true,
      summary: "The file could not be read or written.",
      explanation: "The system refused to read or replace the file; the message gives its reason."),
    RuleDescription(
      diagnostic: .skippedPath, defaultSeverity: .note,
      summary: "A path on the command line was skipped: a symbolic link or not a regular file.",
      explanation: "Symbolic links are not followed, so that a run never writes outside the folders it was given."),
    RuleDescription(
      diagnostic: .unusedMapEntry, defaultSeverity: .warning,
      summary:
        "A resource map entry matched no key injection in the run: a typo, or a path glob that matches nothing.",
      explanation: "Check the entry's named value or glob against the plan's list of keys."),
    RuleDescription(
      diagnostic: .strictMap, defaultSeverity: .error, isFailure: true,
      summary: "With --strict-map, a resource map entry matched no key injection in the run.",
      explanation: "With --strict-map, a resource map problem is an error and nothing is written."),
    RuleDescription(
      diagnostic: .unusedSuppression, defaultSeverity: .warning,
      summary: "A policy-rewrite: ignore comment accepts no finding: remove it.",
      explanation: "The finding it accepted is gone (fixed or migrated), so the comment only hides a future one."),
    RuleDescription(
      diagnostic: .invalidSuppression, defaultSeverity: .warning,
      summary:
        "A policy-rewrite: ignore comment has no reason, names an unknown rule or an error that cannot be accepted.",
      explanation: "Write `policy-rewrite: ignore RULE (reason)` in a comment right above the element it accepts.",
      example: "<!-- policy-rewrite: ignore key-injection -->",
      fix: "<!-- policy-rewrite: ignore key-injection (blue-green: removed after the switch) -->"),
    RuleDescription(
      diagnostic: .noPolicyFiles, defaultSeverity: .warning, isFailure: true,
      summary:
        "A path on the command line holds no policy file, so nothing was checked there (an error with --require-files).",
      explanation: "Check the path and the --include and --exclude globs."),
    RuleDescription(
      diagnostic: .notAPolicy, defaultSeverity: .note,
      summary: "A file named on the command line is not a policy document and holds no key.",
      explanation: "The file was read and nothing in it concerns the migration."),
    RuleDescription(
      diagnostic: .unsupportedFileType, defaultSeverity: .error, isFailure: true,
      summary: "A file named on the command line is of a type policy-rewrite does not read.",
      explanation: "policy-rewrite reads policy XML, Terraform, Bicep, ARM/APIOps JSON and APIOps YAML files."),
  ]
}
