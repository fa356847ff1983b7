import Foundation
import Testing

@testable import PolicyRewriteCLI

/// The listing under the walk (`FileSystem.Directory`, read with `getdents64`): every name once,
/// in byte order, the errors named as before, subfolders opened by name without following a
/// link, and a walk that holds a bounded number of descriptors however deep the tree.
struct DirectoryListingTests {
  @Test("a folder whose records fill the read buffer several times is listed whole, in byte order")
  func aLargeFolderIsListedWhole() throws {
    var files: [String: String] = ["many/sub/policy.xml": "<policies/>"]
    // 1,500 records of about 70 bytes: more than three reads of the 32 KiB buffer.
    let names = (0..<1500).map { "policy-\(String(repeating: "n", count: 40))-\($0).xml" }
    for name in names { files["many/" + name] = "" }
    try withTemporaryTree(files) { root in
      let entries = try FileSystem.entries(of: Array(root.appendingPathComponent("many").path.utf8))
      let expected = (names + ["sub"]).map { Array($0.utf8) }.sorted { FileSystem.precedes($0, $1) }
      #expect(entries.map(\.name) == expected)
      #expect(entries.filter { $0.kind == .file }.count == 1500)
      #expect(entries.first { $0.name == Array("sub".utf8) }?.kind == .directory)
    }
  }

  @Test("a missing folder, and a file listed as a folder, are errors with the path and the reason")
  func errorsNameThePathAndTheReason() throws {
    try withTemporaryTree(["file.xml": "<policies/>"]) { root in
      for (name, reason) in [
        ("missing", "cannot read directory: No such file or directory"),
        ("file.xml", "cannot read directory: Not a directory"),
      ] {
        let path = root.appendingPathComponent(name).path
        do throws(FileSystemError) {
          _ = try FileSystem.entries(of: path)
          Issue.record("\(name) was listed")
        } catch {
          #expect(error.path == path)
          #expect(error.reason == reason)
        }
      }
    }
  }

  @Test("a subfolder is opened by its name, and a name that is a symbolic link is not followed")
  func aSubfolderIsOpenedByNameWithoutFollowingALink() throws {
    try withTemporaryTree(["real/policy.xml": "<policies/>"]) { root in
      try FileManager.default.createSymbolicLink(
        at: root.appendingPathComponent("link"), withDestinationURL: root.appendingPathComponent("real"))
      let directory = try FileSystem.Directory(path: Array(root.path.utf8))
      let real = try directory.subdirectory(Array("real".utf8), path: Array("shown/real".utf8))
      #expect(try real.entries().map(\.name) == [Array("policy.xml".utf8)])
      do throws(FileSystemError) {
        _ = try directory.subdirectory(Array("link".utf8), path: Array("shown/link".utf8))
        Issue.record("the link was followed")
      } catch {
        #expect(error.path == "shown/link")
        #expect(error.reason == "cannot read directory: Not a directory")
      }
    }
  }

  @Test("a tree 80 folders deep and 300 wide is walked whole with 48 descriptors allowed")
  func aDeepWalkHoldsFewDescriptors() async throws {
    var files: [String: String] = [:]
    var path = ""
    for level in 0..<80 {
      path += "d\(level % 10)/"
      files[path + "policy.xml"] = "<policies/>"
    }
    for folder in 0..<300 { files["wide-\(folder)/policy.xml"] = "<policies/>" }
    try await withTemporaryTree(bytes: files.mapValues { Array($0.utf8) }) { root in
      for jobs in ["1", "2"] {
        // The limit leaves room for the standard descriptors, the files being read and the
        // folders kept open down to `FileWalker.openFolderDepth`, not for one open folder a
        // level (nor for one leaked a folder).
        let outcome = await Reliability.run(
          ["-c", "ulimit -n 48 && exec \"$0\" check --jobs \"$1\" .", CLI.binary.path, jobs], cwd: root,
          executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(outcome.status == 0, "jobs \(jobs): \(outcome.stderr)")
        #expect(outcome.stderr.contains("380 files scanned"), "jobs \(jobs): \(outcome.stderr)")
      }
    }
  }
}
