import Testing

@testable import PolicyRewrite

/// Lists of scope paths kept as shared parts: a policy's list is its parts joined in order,
/// equal lists are kept once, and the configuration joins them after its own entries.
@Suite struct ScopeListsTests {
  @Test func aListIsItsPartsJoinedInOrderAndEqualListsAreKeptOnce() {
    var lists = ScopeLists()
    let products = lists.addPart(["p1", "p2"])
    let api = lists.addPart(["a"])
    lists.append("o1", parts: [products, api])
    lists.append("o2", parts: [products, api])
    lists.append("o3", parts: [api])
    lists.append("o4", parts: [])
    #expect(lists["o1"] == ["p1", "p2", "a"])
    #expect(lists["o2"] == ["p1", "p2", "a"])
    #expect(lists["o3"] == ["a"])
    #expect(lists["o4"] == nil)
    #expect(lists.count == 3)
    #expect(lists.distinctLists == 2)
    #expect(lists.storedPaths == 3)
    // A second append goes to the end of the list.
    lists.append("o3", parts: [products])
    #expect(lists["o3"] == ["a", "p1", "p2"])
    #expect(lists["o1"] == ["p1", "p2", "a"])
  }

  @Test func mergedListsGoAfterTheKnownOnesAndEqualityIsByContent() {
    var first = ScopeLists()
    first.append("o1", parts: [first.addPart(["p1"])])
    var second = ScopeLists()
    let part = second.addPart(["p2", "p3"])
    second.append("o1", parts: [part])
    second.append("o2", parts: [part])
    var merged = first
    merged.merge(second)
    #expect(merged["o1"] == ["p1", "p2", "p3"])
    #expect(merged["o2"] == ["p2", "p3"])
    var empty = ScopeLists()
    empty.merge(second)
    #expect(empty == second)
    var other = ScopeLists()
    other.append("o2", parts: [other.addPart(["p2"]), other.addPart(["p3"])])
    other.append("o1", parts: [other.addPart(["p2", "p3"])])
    #expect(other == second)
    #expect(other != merged)
  }

  @Test func theConfigurationNamesItsOwnEntriesFirstAndSharedOnesNotAlreadyNamed() throws {
    var configuration = try makeConfiguration()
    #expect(configuration.parentScopes(of: "c") == [])
    var lists = ScopeLists()
    lists.append("c", parts: [lists.addPart(["p1", "p2", "p3"])])
    configuration.authorizationParentScopeLists = lists
    configuration.authorizationParentLaterReaderLists = lists
    #expect(configuration.parentScopes(of: "c") == ["p1", "p2", "p3"])
    configuration.authorizationParentScopes["c"] = ["p2", "g"]
    configuration.authorizationParentLaterReaders["c"] = []
    #expect(configuration.parentScopes(of: "c") == ["p2", "g", "p1", "p3"])
    #expect(configuration.parentLaterReaders(of: "c") == ["p1", "p2", "p3"])
    configuration.authorizationParentScopes["d"] = ["g"]
    #expect(configuration.parentScopes(of: "d") == ["g"])
  }
}
