import PolicyDOM
import PolicyRewrite

extension Frontend {
  /// Writes a file's migrated bytes where `output` says (in place, atomically, or a copy in the
  /// output folder); a failed write is an `io-error` in `report`, which then describes the
  /// file as unchanged.
  /// - Returns: The bytes the file has after the run.
  func write(
    _ rewritten: [UInt8], original: [UInt8], of item: FileWalker.Item, stamp: FileStamp?, to output: Output,
    report: inout FileReport
  ) -> [UInt8] {
    do throws(FileSystemError) {
      switch output {
      case .none:
        break
      case .inPlace:
        try FileSystem.replace(item.path, with: rewritten, expected: stamp)
        if let stamp, stamp.links > 1 {
          report.findings.append(
            Finding(
              diagnostic: .ioError, severity: .warning,
              message:
                "the file had \(stamp.links) hard links; this name now holds the migrated policy, the other names keep the old bytes",
              line: 1, column: 1))
        }
      case .directory(let directory):
        let destination = Array(directory.utf8) + [.slash] + item.relativePath
        if let stamp, FileSystem.isSameFile(destination, as: stamp) {
          throw FileSystemError(path: destination, reason: "the copy would overwrite the original; not written")
        }
        try FileSystem.create(
          relative: item.relativePath, with: rewritten, under: Array(directory.utf8),
          mode: stamp?.permissions ?? 0o644)
        report.destination = FileSystem.display(destination)
      }
    } catch {
      report.changed = false
      report.diff = []
      report.removedKeyNamedValues = []
      report.referencedNamedValues = FileReport.namedValueReferences(in: original)
      report.fail(.ioError, "not written: \(error.reason)")
      return original
    }
    return rewritten
  }
}
