import PolicyDOM
import PolicyRewrite

/// The version of policy-rewrite, shown by `--version` and written into SARIF and JSON.
public enum PolicyRewriteVersion {
  /// The version string.
  public static let current = "0.1.0"
}
