import ArgumentParser
import PolicyRewriteCLI

extension Baseline {
  /// The baseline named by `--baseline` or the configuration file, or `nil` when neither
  /// names one; a baseline that cannot be read is reported and the run stops with status 2.
  static func option(_ path: String?) throws -> Baseline? {
    guard let path else { return nil }
    do {
      return try Baseline(contentsOf: path)
    } catch {
      StandardError.writeLine(Escaping.terminal("\(path): error: \(error.reason)"))
      throw ExitCode(2)
    }
  }
}
