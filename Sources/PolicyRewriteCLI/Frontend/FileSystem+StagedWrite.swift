import PolicyDOM
import PolicyRewrite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension FileSystem {
  /// A temporary file written and flushed next to its destination, not yet renamed.
  struct StagedWrite {
    let path: [UInt8]
    let temporary: [UInt8]
    let expected: FileStamp?

    /// Writes `bytes` to a new temporary file in `path`'s folder, with `mode`, the owner
    /// kept (root: owner and group; others: the group, when they may), flushed to disk.
    init(_ path: [UInt8], _ bytes: [UInt8], mode: mode_t, owner: (uid_t, gid_t)?, expected: FileStamp?)
      throws(FileSystemError)
    {
      self.path = path
      self.expected = expected
      let slash = path.lastIndex(of: .slash)
      let directory = slash.map { $0 == 0 ? [.slash] : Array(path[..<$0]) } ?? [.dot]
      var base = slash.map { Array(path[($0 + 1)...]) } ?? path
      // The temporary name adds 23 bytes: a long name is shortened to fit `NAME_MAX`.
      let suffix = Array(".policy-rewrite-XXXXXX".utf8)
      base = Array(base.prefix(nameLimit - 1 - suffix.count))
      guard let (fd, temporary) = TemporaryFiles.shared.create(directory + [.slash, .dot] + base + suffix) else {
        throw .errno("cannot create a temporary file in \(display(directory))", path)
      }
      self.temporary = temporary
      var failure: FileSystemError?
      var written = 0
      while written < bytes.count, failure == nil {
        let result = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
        if result < 0 {
          if errno != EINTR { failure = .errno("cannot write", path) }
        } else {
          written += result
        }
      }
      if failure == nil, let (uid, gid) = owner {
        if geteuid() == 0 {
          if fchown(fd, uid, gid) != 0 { failure = .errno("cannot keep the owner", path) }
        } else if gid != getegid() {
          // Keeping the group is allowed when the user belongs to it; otherwise the file
          // gets the user's group, as any editor would give it.
          _ = fchown(fd, uid_t.max, gid)
        }
      }
      if failure == nil, fchmod(fd, mode) != 0 { failure = .errno("cannot set the mode", path) }
      if failure == nil, fsync(fd) != 0 { failure = .errno("cannot flush to disk", path) }
      close(fd)
      if let failure {
        TemporaryFiles.shared.discard(temporary)
        throw failure
      }
    }

    /// Renames the temporary file over the destination, after checking (under the lock of
    /// the interrupt handler) that the destination still has the stamp it had when read.
    func commit() throws(FileSystemError) {
      var failure: FileSystemError?
      do {
        let renamed = try TemporaryFiles.shared.commit(temporary, to: path) { () throws(FileSystemError) in
          if let expected { try checkUnchanged(path, expected: expected) }
        }
        if !renamed { failure = .errno("cannot replace", path) }
      } catch {
        failure = error
      }
      if let failure {
        TemporaryFiles.shared.discard(temporary)
        throw failure
      }
    }
  }
}
