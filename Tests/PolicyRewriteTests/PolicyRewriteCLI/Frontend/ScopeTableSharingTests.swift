import Testing

@testable import PolicyRewriteCLI

/// The APIOps scope table keeps one array of parent ids for the files with the same parents:
/// an array per file was 2 MB of `check`'s peak on the 50,000-file tree.
@Suite struct ScopeTableSharingTests {
  @Test func filesWithTheSameParentsShareOneArraySinceAnArrayPerFileWasMegabytesOnALargeTree() {
    let paths = [
      "t/products/p/policy.xml", "t/apis/a/policy.xml", "t/apis/a/operations/o1/policy.xml",
      "t/apis/a/operations/o2/policy.xml", "t/apis/a/operations/o3/policy.xml", "t/apis/b/operations/o1/policy.xml",
    ]
    let table = APIOpsScope.Table(paths.map(AuthorizationPassTests.item))
    func storage(_ index: Int) -> UInt {
      table.ids[index].parents.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }
    #expect(table.ids[2].parents == table.ids[3].parents)
    #expect(Set([2, 3, 4].map(storage)).count == 1)
    #expect(table.ids[5].parents != table.ids[2].parents)
    #expect(storage(5) != storage(2))
  }
}
