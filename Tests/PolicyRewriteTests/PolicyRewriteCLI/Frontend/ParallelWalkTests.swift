import Foundation
import Testing

@testable import PolicyRewriteCLI

/// A tree walked by several threads gives what one thread gives: the same files, sorted, and
/// the same problems in the same order.
struct ParallelWalkTests {
  @Test func severalThreadsFindWhatOneFinds() throws {
    var files: [String: String] = ["policy.xml": "<policies/>", "README.md": "x"]
    for api in 0..<40 {
      files["apis/api-\(api)/policy.xml"] = "<policies/>"
      for operation in 0..<(api % 4) {
        files["apis/api-\(api)/operations/op-\(operation)/policy.xml"] = "<policies/>"
        files["apis/api-\(api)/operations/op-\(operation)/notes.txt"] = "x"
      }
    }
    for product in 0..<5 { files["products/p\(product)/policy.xml"] = "<policies/>" }
    files["apis/api-3/node_modules/x/policy.xml"] = "<policies/>"
    try withTemporaryTree(files) { root in
      let link = root.appendingPathComponent("apis/api-7/linked")
      try FileManager.default.createSymbolicLink(
        at: link, withDestinationURL: root.appendingPathComponent("products"))
      let walker = FileWalker(excludes: ["**/api-1?/**"])
      let one = walker.walk([root.path], jobs: 1)
      for jobs in [2, 3, 8] {
        let several = walker.walk([root.path], jobs: jobs)
        #expect(several.items == one.items, "jobs \(jobs)")
        #expect(several.problems == one.problems, "jobs \(jobs)")
      }
      // The global policy, 40 APIs and 60 operations, less the 10 excluded APIs and their 17
      // operations, and 5 products: not the file below node_modules, nor those behind the link.
      #expect(one.items.count == 1 + 40 + 60 - (10 + 17) + 5)
    }
  }
}
